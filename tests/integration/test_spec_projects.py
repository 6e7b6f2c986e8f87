"""Spec projects: the guided pipeline saved in storage, step by step, against the fake Messages API."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.bootstrap import Services, build_services
from core.errors import SpecError
from core.settings import Settings
from core.spec.projects import SpecProjectService, step_status
from tests.fakes.anthropic_server import FakeAnthropicServer

INPUTS = Path(__file__).resolve().parents[1] / "fixtures" / "spec_pipeline"
NAMES = {
    "structured_spec": "04c-tiny-structured-from-wireframe_v1.md",
    "infrastructure": "04d-tiny-infrastructure-inventory_v1.md",
    "extension_strategy": "04d-tiny-extension-strategy_v1.md",
    "implementation_guide": "04d-tiny-implementation-guide_v1.md",
}


@pytest.fixture
def svc(gen_services: Services) -> SpecProjectService:
    return gen_services.spec_projects


def _with_inputs(svc: SpecProjectService) -> str:
    project = svc.create("Tiny planner", "tiny")
    for key, name in NAMES.items():
        svc.set_input(project.id, key, name, (INPUTS / name).read_text())
    return project.id


def _through_meta(svc: SpecProjectService) -> str:
    project_id = _with_inputs(svc)
    assert svc.run_integrate(project_id).ok
    svc.run_split(project_id)
    svc.run_meta(project_id)
    return project_id


def test_full_run_saves_every_output_in_storage(svc: SpecProjectService, claude_settings: Settings) -> None:
    project_id = _through_meta(svc)

    outcomes = svc.run_execute(project_id)

    assert [o.key for o in outcomes if o.ok] == ["E01", "E02", "E03"]
    reopened = build_services(claude_settings).spec_projects.get(project_id)  # a new session: nothing lost
    names = set(reopened.files)
    assert "04e-tiny-integrated-extension-spec_v1.md" in names and "INDEX.md" in names
    assert {f"04f-tiny-build-section-E0{n}-execution-prompts.md" for n in (1, 2, 3)} <= names
    assert {f"meta-prompts/04f-tiny-build-section-E0{n}-meta-prompts.md" for n in (1, 2, 3)} <= names
    assert all(step_status(reopened, key) == "done" for key in ("inputs", "integrate", "split", "meta", "execute"))
    assert reopened.steps["execute"]["actual_usd"] > 0


def test_rerun_of_one_step_leaves_the_other_steps_outputs_untouched(svc: SpecProjectService) -> None:
    project_id = _through_meta(svc)
    svc.run_execute(project_id)
    before = svc.get(project_id)

    svc.run_execute(project_id, ["E02"])

    after = svc.get(project_id)
    assert {k: v for k, v in after.files.items() if "E02-execution" not in k} == {
        k: v for k, v in before.files.items() if "E02-execution" not in k
    }
    assert {k: after.steps[k] for k in ("inputs", "integrate", "split", "meta")} == {
        k: before.steps[k] for k in ("inputs", "integrate", "split", "meta")
    }


def test_the_index_links_the_integrated_spec_it_was_split_from(svc: SpecProjectService) -> None:
    project = svc.get(_through_meta(svc))
    spec_name = next(name for name in project.files if name.startswith("04e-"))
    assert f"**Source File**: [{spec_name}]({spec_name})" in project.files["INDEX.md"]


def test_rerunning_split_marks_later_steps_out_of_date_without_changing_them(svc: SpecProjectService) -> None:
    project_id = _through_meta(svc)
    metas = {k: v for k, v in svc.get(project_id).files.items() if k.startswith("meta-prompts/")}

    project = svc.run_split(project_id)

    assert step_status(project, "meta") == "out_of_date"
    assert {k: v for k, v in project.files.items() if k.startswith("meta-prompts/")} == metas


def test_truncated_section_is_continued_and_saved_whole(
    svc: SpecProjectService, fake_claude: FakeAnthropicServer
) -> None:
    project_id = _through_meta(svc)
    fake_claude.script("max_tokens")

    outcome = svc.run_execute(project_id, ["E01"])[0]

    assert outcome.ok and outcome.continued == 1
    text = svc.get(project_id).files["04f-tiny-build-section-E01-execution-prompts.md"]
    assert text.startswith("# Build Section E01") and text.endswith("END OF SECTION E01 PROMPTS\n")


def test_missing_merge_input_is_refused_before_any_call(
    svc: SpecProjectService, fake_claude: FakeAnthropicServer
) -> None:
    project = svc.create("Half", "half")
    svc.set_input(project.id, "structured_spec", "s.md", "## SECTION 1: A\n")

    with pytest.raises(SpecError, match="Infrastructure inventory, Extension strategy, Implementation guide"):
        svc.run_integrate(project.id)
    assert fake_claude.request_count == 0


def test_empty_section_is_refused_before_any_call(svc: SpecProjectService, fake_claude: FakeAnthropicServer) -> None:
    project = svc.create("Gaps", "gaps")
    svc.save_integrated(project.id, "## SECTION 1: Full\n\n#### FR-1.1: X\n\ntext\n\n## SECTION 2: Empty\n")
    svc.run_split(project.id)
    svc.run_meta(project.id)

    with pytest.raises(SpecError, match=r"Section E02 \(Empty\) is empty"):
        svc.estimate_execution(svc.get(project.id))
    assert fake_claude.request_count == 0


def test_section_too_large_for_the_context_is_refused_before_any_call(
    svc: SpecProjectService, fake_claude: FakeAnthropicServer
) -> None:
    project = svc.create("Huge", "huge")
    huge = "## SECTION 1: Huge\n\n" + ("A very long line of specification text. " * 25_000) + "\n"
    svc.save_integrated(project.id, huge)
    svc.run_split(project.id)
    svc.run_meta(project.id)

    with pytest.raises(SpecError, match="too large for the model's context"):
        svc.estimate_execution(svc.get(project.id))
    assert fake_claude.request_count == 0


def test_without_a_key_the_prompt_and_estimate_are_there(services: Services) -> None:
    svc = services.spec_projects
    project_id = _with_inputs(svc)

    planned = svc.plan_integrate(svc.get(project_id))

    assert planned.prompt_text.startswith("You are a senior software architect.")
    assert "## SECTION 2: Orders" in planned.prompt_text and planned.estimate_usd > 0
