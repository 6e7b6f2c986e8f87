"""The merge prompt: built-in template with named inputs, and the generic placeholder mode."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from core.errors import SpecError
from core.spec import MergeInput, build_merge_prompt, default_paths, fill_template, list_placeholders

EARLIER_TEMPLATE = "Read `{{STRUCTURED_SPEC_PATH}}` and {{ INFRASTRUCTURE_INVENTORY_PATH }}.\nWrite {{OUTPUT_PATH}}.\n"


def _inputs(**overrides: MergeInput) -> dict[str, MergeInput]:
    paths = default_paths("pipeline")
    inputs = {key: MergeInput(path=paths[key]) for key in paths if key != "output_path"}
    inputs.update(overrides)
    return inputs


def test_builtin_merge_prompt_matches_golden(generated: date, golden_file: Callable[[str, str], None]) -> None:
    prompt = build_merge_prompt(_inputs(), "04e-pipeline-integrated-extension-spec_v1.md", generated, "LoRA Pipeline")

    golden_file("merge_prompt_pipeline.md", prompt)


def test_builtin_merge_prompt_references_each_path_once_wrapped(generated: date) -> None:
    prompt = build_merge_prompt(_inputs(), "out.md", generated)

    assert "`_run-prompts/04d-pipeline-extension-strategy_v1.md`" in prompt
    assert "``" not in prompt.replace("```", "")  # no double-wrapped paths


def test_builtin_merge_prompt_inlines_uploaded_content_in_a_safe_fence(generated: date) -> None:
    upload = MergeInput(name="inventory.md", content="We have ```sql``` blocks.\n")

    prompt = build_merge_prompt(_inputs(infrastructure=upload), "out.md", generated)

    assert "### Infrastructure inventory: inventory.md" in prompt
    assert "````markdown\nWe have ```sql``` blocks.\n````" in prompt


def test_builtin_merge_prompt_lists_every_missing_input(generated: date) -> None:
    inputs = _inputs()
    del inputs["extension_strategy"]

    with pytest.raises(SpecError) as caught:
        build_merge_prompt(inputs, " ", generated)

    assert "Extension strategy, Output path (integrated spec)" in caught.value.message


def test_generic_template_placeholders_are_listed() -> None:
    assert list_placeholders(EARLIER_TEMPLATE) == [
        "INFRASTRUCTURE_INVENTORY_PATH",
        "OUTPUT_PATH",
        "STRUCTURED_SPEC_PATH",
    ]


def test_generic_template_is_filled_with_values_as_given() -> None:
    values = {"STRUCTURED_SPEC_PATH": "a.md", "INFRASTRUCTURE_INVENTORY_PATH": "b.md", "OUTPUT_PATH": "c.md"}

    assert fill_template(EARLIER_TEMPLATE, values) == "Read `a.md` and b.md.\nWrite c.md.\n"


def test_generic_template_missing_value_is_an_error_naming_it() -> None:
    with pytest.raises(SpecError, match="no value: OUTPUT_PATH"):
        fill_template(EARLIER_TEMPLATE, {"STRUCTURED_SPEC_PATH": "a", "INFRASTRUCTURE_INVENTORY_PATH": "b"})


def test_generic_template_value_for_unknown_placeholder_is_an_error() -> None:
    values = {"STRUCTURED_SPEC_PATH": "a", "INFRASTRUCTURE_INVENTORY_PATH": "b", "OUTPUT_PATH": "c", "OUTPT": "d"}

    with pytest.raises(SpecError, match="no placeholder named OUTPT"):
        fill_template(EARLIER_TEMPLATE, values)


def test_generic_template_with_bad_syntax_names_the_line() -> None:
    with pytest.raises(SpecError, match=r"line 2"):
        list_placeholders("ok\n{% if %}\n")
