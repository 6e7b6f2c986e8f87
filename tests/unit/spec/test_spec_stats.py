"""Section statistics, complexity, overview and deliverables."""

from __future__ import annotations

import pytest

from core.spec import extract_deliverables, extract_overview, section_stats, split_spec
from core.spec.models import Complexity
from core.spec.stats import classify


@pytest.mark.parametrize(
    ("lines", "features", "expected"),
    [
        (150, 9, (Complexity.LOW, "3-5", "1")),
        (900, 2, (Complexity.LOW, "3-5", "1")),
        (300, 3, (Complexity.MEDIUM, "8-16", "2-3")),
        (600, 5, (Complexity.HIGH, "16-32", "3-5")),
        (1200, 7, (Complexity.CRITICAL, "32+", "5-8")),
    ],
)
def test_complexity_follows_lines_or_features_with_text_ranges(
    lines: int, features: int, expected: tuple[Complexity, str, str]
) -> None:
    assert classify(lines, features) == expected


def test_long_section_with_three_features_is_medium_with_two_to_three_prompts() -> None:
    text = "## SECTION 3: Big\n" + "".join(f"#### FR-3.{i}: F{i}\n" for i in range(1, 4)) + "line\n" * 250

    stats = section_stats(text)

    assert (stats.feature_count, stats.complexity, stats.expected_prompts) == (3, Complexity.MEDIUM, "2-3")


def test_feature_headings_inside_code_blocks_are_not_counted() -> None:
    text = "## SECTION 1: A\n#### FR-1.1: Real\n```\n#### FR-1.2: In code\n```\n"

    assert section_stats(text).feature_count == 1


def test_fr_less_section_has_zero_features_and_is_low(spec_text: str) -> None:
    last = split_spec(spec_text).sections[-1]

    stats = section_stats(last.text)

    assert (stats.feature_count, stats.complexity) == (0, Complexity.LOW)


def test_overview_runs_to_next_level_three_heading_keeping_deeper_ones(spec_text: str) -> None:
    overview = extract_overview(split_spec(spec_text).sections[1].text)

    assert overview.startswith("Users upload training datasets")
    assert "#### Note on the overview" in overview
    assert "### Dependencies" not in overview


def test_overview_is_empty_without_overview_heading() -> None:
    assert extract_overview("## SECTION 1: A\n### Scope\ntext\n") == ""


def test_deliverables_name_tables_routes_components_and_files(spec_text: str) -> None:
    sections = split_spec(spec_text).sections

    first, second, third = (extract_deliverables(s.text) for s in sections[:3])

    assert first.tables == ["lora_datasets", "lora_training_jobs"]
    assert "src/lib/types/lora.ts" in first.files
    assert second.routes == ["POST /api/datasets", "GET /api/datasets", "DELETE /api/datasets/[id]"]
    assert second.components == ["DatasetUploader"]
    assert third.components == ["TrainingConfigForm"]  # PresetPicker is used, not built here
    assert third.features == ["FR-3.1: Hyperparameter Presets", "FR-3.2: Configuration Form", "FR-3.3: Cost Estimate"]


def test_route_files_of_next_app_router_become_routes() -> None:
    deliverables = extract_deliverables("Handler in `app/(admin)/api/jobs/[id]/route.ts`.")

    assert deliverables.routes == ["/api/jobs/[id]"]


def test_components_are_the_sections_ui_components_never_constants() -> None:
    """Issue 23, finding 9: ``export const HYPERPARAMETER_PRESETS`` is a constant, not a component."""
    section = """### Overview
The training settings screen.

```tsx
export const HYPERPARAMETER_PRESETS = { fast: { epochs: 1 } };
export const API_TIMEOUT_MS = 3000;
export const DefaultConfig = { epochs: 3 };
export function GET(request: Request) {}
export function useTrainingForm() {}
export default function TrainingPage() {}
export const PresetCard = ({ preset }: PresetCardProps) => <div>{preset.name}</div>;
export const EpochSlider: React.FC<SliderProps> = (props) => null;
```
"""
    assert extract_deliverables(section).components == ["TrainingPage", "PresetCard", "EpochSlider"]
