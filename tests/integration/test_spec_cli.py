"""`python -m core spec …`: the files it writes, overwrite rules, prompting, and errors."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from core.cli import spec as spec_cli
from core.spec import build_bundle, read_zip, zip_bytes

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "unit" / "spec" / "fixtures" / "integrated_spec.md"
SPEC_NAME = "04e-pipeline-integrated-extension-spec_v1.md"
DAY = "2025-12-26"

runner = CliRunner()


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    target = tmp_path / SPEC_NAME
    shutil.copy(FIXTURE, target)
    return target


def _split(spec_file: Path, out: Path, *extra: str) -> Result:
    args = ["split", str(spec_file), "--product", "pipeline", "--out", str(out), "--date", DAY, *extra]
    return runner.invoke(spec_cli.app, args)


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text("utf-8") for p in folder.rglob("*") if p.is_file()}


def test_split_and_meta_prompts_write_exactly_the_zip_content(spec_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "full-build"

    assert _split(spec_file, out).exit_code == 0
    assert runner.invoke(spec_cli.app, ["meta-prompts", str(out), "--date", DAY]).exit_code == 0

    bundle = build_bundle(spec_file.read_text("utf-8"), "pipeline", SPEC_NAME, date(2025, 12, 26))
    assert _tree(out) == read_zip(zip_bytes(bundle.files))


def test_split_without_terminal_refuses_to_overwrite(spec_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "INDEX.md").write_text("keep me")

    result = _split(spec_file, out)

    assert result.exit_code == 1
    assert "--force" in result.output
    assert _tree(out) == {"INDEX.md": "keep me"}


def test_split_with_force_overwrites(spec_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "INDEX.md").write_text("old")

    assert _split(spec_file, out, "--force").exit_code == 0
    assert (out / "INDEX.md").read_text().startswith("# Build Sections Index")


def test_split_in_terminal_asks_before_overwriting(
    spec_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spec_cli, "interactive", lambda: True)
    out = tmp_path / "out"
    out.mkdir()
    (out / "INDEX.md").write_text("keep me")

    args = ["split", str(spec_file), "--product", "pipeline", "--out", str(out)]
    result = runner.invoke(spec_cli.app, args, input="n\n")

    assert result.exit_code == 1
    assert "Overwrite?" in result.output
    assert (out / "INDEX.md").read_text() == "keep me"


def test_split_without_terminal_missing_values_exit_2_naming_them(spec_file: Path) -> None:
    result = runner.invoke(spec_cli.app, ["split", str(spec_file)])

    assert result.exit_code == 2
    assert "missing --product, --out" in result.output


def test_split_in_terminal_asks_for_missing_values_and_enter_takes_defaults(
    spec_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spec_cli, "interactive", lambda: True)

    result = runner.invoke(spec_cli.app, ["split", str(spec_file), "--date", DAY], input="\n\n")

    assert result.exit_code == 0, result.output
    assert (spec_file.parent / "full-build" / "04f-pipeline-build-section-E05.md").is_file()


def test_non_utf8_spec_is_a_message_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "spec.md"
    bad.write_bytes(b"## SECTION 1: Caf\xe9\n")

    result = _split(bad, tmp_path / "out")

    assert result.exit_code == 1
    assert "not UTF-8" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_spec_without_sections_names_the_pattern(tmp_path: Path) -> None:
    plain = tmp_path / "spec.md"
    plain.write_text("# Just a title\n")

    result = _split(plain, tmp_path / "out")

    assert result.exit_code == 1
    assert "## SECTION N: Title" in result.output


def test_meta_prompts_template_option_replaces_base_template(spec_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "fb"
    _split(spec_file, out)
    template = tmp_path / "mine.md.j2"
    template.write_text("CUSTOM BASE {{ section.code }}\n")

    result = runner.invoke(
        spec_cli.app, ["meta-prompts", str(out), "--template", str(template), "--out", str(tmp_path / "m")]
    )

    assert result.exit_code == 0, result.output
    assert "CUSTOM BASE E02" in (tmp_path / "m" / "04f-pipeline-build-section-E02-meta-prompts.md").read_text()


def test_merge_generic_template_fills_vars_and_var_files(tmp_path: Path) -> None:
    template = tmp_path / "t.md"
    template.write_text("Spec: {{STRUCTURED_SPEC_PATH}}\nNotes:\n{{ NOTES }}\n")
    notes = tmp_path / "notes.md"
    notes.write_text("from a file")

    args = ["merge", "--template", str(template), "--structured-spec", "s.md", "--var-file", f"NOTES={notes}"]
    result = runner.invoke(spec_cli.app, args)

    assert result.exit_code == 0, result.output
    assert result.output == "Spec: s.md\nNotes:\nfrom a file\n"


def test_merge_generic_missing_placeholder_without_terminal_exits_2(tmp_path: Path) -> None:
    template = tmp_path / "t.md"
    template.write_text("{{ A }} {{ B }}\n")

    result = runner.invoke(spec_cli.app, ["merge", "--template", str(template), "--var", "A=1"])

    assert result.exit_code == 2
    assert "missing B" in result.output


def test_merge_builtin_writes_prompt_file_and_inlines_with_flag(spec_file: Path, tmp_path: Path) -> None:
    named = ["--structured-spec", "--infrastructure", "--extension-strategy", "--implementation-guide"]
    args = ["merge", *[a for option in named for a in (option, str(spec_file))], "--output-path", "o.md"]
    out = tmp_path / "prompt.md"

    result = runner.invoke(spec_cli.app, [*args, "--inline", "--out", str(out)])

    assert result.exit_code == 0, result.output
    assert "## Included Inputs" in out.read_text()


def test_python_m_core_spec_split_runs(spec_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "fb"
    args = ["spec", "split", str(spec_file), "--product", "pipeline", "--out", str(out)]

    completed = subprocess.run(
        [sys.executable, "-m", "core", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )

    assert completed.returncode == 0, completed.stderr
    assert (out / "INDEX.md").is_file()


BROKEN = ROOT / "tests" / "unit" / "spec" / "fixtures" / "broken_fences_spec.md"


def test_split_of_a_spec_with_broken_fences_writes_every_section_and_names_the_fence(tmp_path: Path) -> None:
    out = tmp_path / "fb"

    result = _split(BROKEN, out)

    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.glob("04f-*.md"))
    assert written == [f"04f-pipeline-build-section-E0{n}.md" for n in range(1, 8)]
    assert "Warning: The code block opened on line 91 is never closed properly" in result.output
    assert "Warning: The code block opened on line 159 is never closed" in result.output
    assert "look like section headings" not in result.output


def test_split_that_cannot_write_a_section_exits_non_zero_naming_it(tmp_path: Path) -> None:
    spec = tmp_path / "spec.md"
    spec.write_text("## SECTION 1: A\n````\n```\n## SECTION 2: Only in code\n```\n````\n## SECTION 3: C\nx\n")

    result = _split(spec, tmp_path / "fb")

    assert result.exit_code == 1
    assert "Error: Section 2 was not written" in result.output
    assert "line 4" in result.output
    assert "## Problems: sections not written" in (tmp_path / "fb" / "INDEX.md").read_text()


def test_meta_prompts_add_their_links_to_the_index(spec_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "fb"
    _split(spec_file, out)
    assert "Meta-prompt" not in (out / "INDEX.md").read_text()

    runner.invoke(spec_cli.app, ["meta-prompts", str(out), "--date", DAY])

    index = (out / "INDEX.md").read_text()
    assert "(meta-prompts/04f-pipeline-build-section-E05-meta-prompts.md)" in index


@pytest.mark.parametrize("place", ["a file", "under a file", "read-only"])
def test_split_out_that_cannot_be_a_folder_is_a_clear_error(spec_file: Path, tmp_path: Path, place: str) -> None:
    a_file = tmp_path / "taken.md"
    a_file.write_text("not a folder")
    out = {"a file": a_file, "under a file": a_file / "full-build", "read-only": Path("/sys/brightrun-spec-out")}[place]

    result = _split(spec_file, out)

    assert result.exit_code == 1
    assert "Traceback" not in result.output and "Error" in result.output
    assert str(out) in result.output
    assert a_file.read_text() == "not a folder"


def test_python_m_core_spec_split_to_a_file_prints_one_error_line(spec_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "taken.md"
    target.write_text("x")
    args = ["spec", "split", str(spec_file), "--product", "pipeline", "--out", str(target)]

    completed = subprocess.run(
        [sys.executable, "-m", "core", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )

    assert completed.returncode == 1
    assert "Traceback" not in completed.stderr
    assert f"{target} is a file, not a folder." in completed.stderr
