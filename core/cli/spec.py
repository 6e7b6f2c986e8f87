"""``python -m core spec …``: split an integrated spec, write meta-prompts, build a merge prompt.

A missing required value is asked for when a terminal is attached (Enter accepts the default shown);
without one it is an error with exit code 2. Existing files are only overwritten after a yes, or with
``--force``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, ClassVar

import typer

from core.cli.main import LazyCommands
from core.errors import BrightRunError
from core.spec import (
    MERGE_FIELDS,
    OUTPUT_FIELD,
    MergeInput,
    abbrev_from_file_name,
    build_merge_prompt,
    build_meta_prompts,
    check_abbrev,
    check_output_folder,
    default_paths,
    existing_files,
    fill_template,
    list_placeholders,
    named_placeholder_values,
    read_folder,
    read_text_file,
    section_stats,
    split_outputs,
    split_spec,
    write_files,
)
from core.spec.meta_prompts import BASE_TEMPLATE
from core.spec.models import META_PROMPTS_DIR
from core.spec.section_files import refresh_index


class SpecCommands(LazyCommands):
    """The Claude steps load (with the storage stack for their call log) only when one of them runs."""

    LAZY: ClassVar[dict[str, tuple[str, str]]] = {
        "integrate": ("core.cli.spec_ai", "integrate"),
        "execution-prompts": ("core.cli.spec_ai", "execution_prompts"),
    }


app = typer.Typer(
    cls=SpecCommands,
    help="Spec splitter: integrated spec -> build sections -> meta-prompts; and the merge prompt.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

Force = Annotated[bool, typer.Option("--force", help="Overwrite existing files without asking.")]
DateOpt = Annotated[str | None, typer.Option("--date", help="Date to stamp as Generated (YYYY-MM-DD).")]


def interactive() -> bool:
    """True when a person can answer questions (stdin is a terminal)."""
    return sys.stdin.isatty()


def _exit(message: str, code: int) -> typer.Exit:
    typer.echo(f"Error: {message}", err=True)
    return typer.Exit(code)


@contextmanager
def _friendly_errors() -> Iterator[None]:
    try:
        yield
    except BrightRunError as err:
        raise _exit(err.terminal_message, 1) from err


def _require_all(values: dict[str, object]) -> None:
    """Without a terminal, fail with exit code 2 naming every missing value."""
    missing = [name for name, value in values.items() if value in (None, "")]
    if missing and not interactive():
        raise _exit(f"missing {', '.join(missing)} (no terminal to ask on).", 2)


def _ask(value: str | None, question: str, default: str | None = None) -> str:
    if value:
        return value
    return str(typer.prompt(question, default=default) if default else typer.prompt(question)).strip()


def _may_write(files: dict[str, str], folder: Path, force: bool) -> None:
    """Ask before overwriting (or refuse without a terminal) unless ``force``."""
    clashes = existing_files(files, folder)
    if not clashes or force:
        return
    shown = ", ".join(p.name for p in clashes[:3]) + (" …" if len(clashes) > 3 else "")
    if not interactive():
        raise _exit(f"{len(clashes)} file(s) already exist in {folder} ({shown}). Pass --force to overwrite.", 1)
    if not typer.confirm(f"{len(clashes)} file(s) already exist in {folder} ({shown}). Overwrite?", default=False):
        raise _exit("nothing written.", 1)


def _date(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise _exit(f"--date must look like 2025-12-26, not '{value}'.", 2) from exc


@app.command()
def split(
    file: Annotated[Path | None, typer.Argument(help="The integrated spec (Markdown, UTF-8).")] = None,
    product: Annotated[str | None, typer.Option("--product", help="Product abbreviation, e.g. pipeline.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Folder for the section files.")] = None,
    force: Force = False,
    generated: DateOpt = None,
) -> None:
    """Split FILE at its '## SECTION N: Title' headings into section files and INDEX.md."""
    _require_all({"FILE": file, "--product": product, "--out": out})
    stamp = _date(generated)
    with _friendly_errors():
        path = Path(_ask(str(file) if file else None, "Integrated spec file"))
        text = read_text_file(path)
        abbrev = check_abbrev(_ask(product, "Product abbreviation", abbrev_from_file_name(path.name)))
        folder = Path(_ask(str(out) if out else None, "Output folder", str(path.parent / "full-build")))
        check_output_folder(folder)
        result = split_spec(text)
        files = split_outputs(result, abbrev, path.name, stamp)
        for warning in result.warnings:
            typer.echo(f"Warning: {warning}", err=True)
        for note in result.notes:
            typer.echo(f"Note: {note}", err=True)
        _may_write(files, folder, force)
        write_files(files, folder, force=True)
    typer.echo(f"Wrote {len(result.sections)} section file(s) and INDEX.md to {folder}")
    for section in result.sections:
        stats = section_stats(section.text)
        typer.echo(
            f"  {section.code}  {section.title}: {stats.feature_count} feature(s), {stats.line_count} lines, "
            f"{stats.complexity.value}"
        )
    if result.errors:
        for error in result.errors:
            typer.echo(f"Error: {error}", err=True)
        raise _exit(f"the split is incomplete: {len(result.errors)} section(s) not written.", 1)
    typer.echo(f"Next: python -m core spec meta-prompts {folder}")


@app.command("meta-prompts")
def meta_prompts(
    directory: Annotated[Path | None, typer.Argument(help="Folder holding the section files.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Where to write (default DIR/meta-prompts).")] = None,
    template: Annotated[
        Path | None, typer.Option("--template", help="Jinja2 file replacing the base template.")
    ] = None,
    product: Annotated[str | None, typer.Option("--product", help="Only this product's sections.")] = None,
    force: Force = False,
    generated: DateOpt = None,
) -> None:
    """Write one meta-prompt per section file in DIR, with context from every earlier section."""
    _require_all({"DIR": directory})
    stamp = _date(generated)
    with _friendly_errors():
        folder = Path(_ask(str(directory) if directory else None, "Folder with the section files"))
        base = read_text_file(template) if template else None
        files = build_meta_prompts(
            read_folder(folder), stamp, base, template.name if template else BASE_TEMPLATE, product
        )
        target = out or folder / META_PROMPTS_DIR
        _may_write(files, target, force)
        write_files(files, target, force=True)
        refresh_index(folder)
    typer.echo(f"Wrote {len(files)} meta-prompt(s) to {target}")


def _pairs(items: list[str] | None, option: str) -> dict[str, str]:
    pairs: dict[str, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise _exit(f"{option} expects NAME=VALUE, got '{item}'.", 2)
        pairs[name.strip()] = value
    return pairs


@app.command()
def merge(
    structured_spec: Annotated[str | None, typer.Option("--structured-spec", help="Structured spec path.")] = None,
    infrastructure: Annotated[str | None, typer.Option("--infrastructure", help="Inventory path.")] = None,
    extension_strategy: Annotated[str | None, typer.Option("--extension-strategy")] = None,
    implementation_guide: Annotated[str | None, typer.Option("--implementation-guide")] = None,
    output_path: Annotated[str | None, typer.Option("--output-path", help="Where the agent writes.")] = None,
    template: Annotated[Path | None, typer.Option("--template", help="Your own template (generic mode).")] = None,
    var: Annotated[list[str] | None, typer.Option("--var", help="NAME=VALUE for a placeholder.")] = None,
    var_file: Annotated[list[str] | None, typer.Option("--var-file", help="NAME=PATH: file content.")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write the prompt here (else print it).")] = None,
    project: Annotated[str | None, typer.Option("--project", help="Project name for the title.")] = None,
    product: Annotated[str | None, typer.Option("--product", help="Abbreviation for default paths.")] = None,
    inline: Annotated[bool, typer.Option("--inline", help="Include the inputs' content.")] = False,
    list_only: Annotated[bool, typer.Option("--list", help="List the template's placeholders.")] = False,
    force: Force = False,
    generated: DateOpt = None,
) -> None:
    """Build the merge prompt from named inputs, or fill any template's {{PLACEHOLDERS}} (--template)."""
    named = {
        "structured_spec": structured_spec,
        "infrastructure": infrastructure,
        "extension_strategy": extension_strategy,
        "implementation_guide": implementation_guide,
        "output_path": output_path,
    }
    stamp = _date(generated)
    with _friendly_errors():
        if template is not None:
            text = _generic(template, named, _pairs(var, "--var"), _pairs(var_file, "--var-file"), list_only)
        elif var or var_file or list_only:
            raise _exit("--var, --var-file and --list need --template.", 2)
        else:
            text = _builtin(named, stamp, project, product, inline)
        if out is None:
            typer.echo(text, nl=False)
            return
        _may_write({out.name: text}, out.parent, force)
        write_files({out.name: text}, out.parent, force=True)
    typer.echo(f"Wrote the merge prompt to {out}")


def _builtin(named: dict[str, str | None], stamp: date, project: str | None, product: str | None, inline: bool) -> str:
    options = {f.key: "--" + f.key.replace("_", "-") for f in [*MERGE_FIELDS, OUTPUT_FIELD]}
    _require_all({options[key]: value for key, value in named.items()})
    defaults = default_paths(check_abbrev(product)) if product else {}
    inputs: dict[str, MergeInput] = {}
    for field in MERGE_FIELDS:
        path = Path(_ask(named[field.key], field.label, defaults.get(field.key)))
        while not path.is_file() and interactive() and not named[field.key]:
            typer.echo(f"{path} does not exist.", err=True)
            path = Path(_ask(None, field.label, defaults.get(field.key)))
        content = read_text_file(path)  # also checks the file exists and is UTF-8
        inputs[field.key] = MergeInput(path=str(path), content=content if inline else None)
    output = _ask(named["output_path"], OUTPUT_FIELD.label, defaults.get("output_path"))
    return build_merge_prompt(inputs, output, stamp, project)


def _generic(
    template: Path, named: dict[str, str | None], var: dict[str, str], var_file: dict[str, str], list_only: bool
) -> str:
    source = read_text_file(template)
    names = list_placeholders(source, f"template {template.name}")
    if list_only:
        return "".join(f"{name}\n" for name in names)
    values = named_placeholder_values({k: v for k, v in named.items() if v})
    values.update(var)
    values.update({name: read_text_file(Path(path)) for name, path in var_file.items()})
    _require_all({name: values.get(name) for name in names})
    for name in names:
        values[name] = _ask(values.get(name), f"Value for {name}")
    return fill_template(source, values, f"template {template.name}")
