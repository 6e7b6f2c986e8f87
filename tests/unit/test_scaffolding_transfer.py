"""Scaffolding in bulk: export all as JSON and CSV, import back with a report per row; soft delete and undo."""

from __future__ import annotations

import json

import pytest

from core.batch.service import BatchRequest
from core.bootstrap import Services
from core.errors import ConflictError, ImportFormatError
from core.scaffolding.defaults import install_defaults
from core.scaffolding.service import KINDS
from core.scaffolding.transfer import apply_import, check_import, export_csv, export_json


@pytest.fixture
def filled(services: Services) -> Services:
    install_defaults(services.scaffolding)
    return services


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_an_export_imports_back_as_updates_without_a_problem(filled: Services, fmt: str) -> None:
    scaffolding = filled.scaffolding
    text = export_json(scaffolding) if fmt == "json" else export_csv(scaffolding)
    before = {k: [r.model_dump(exclude={"updated_at"}) for r in scaffolding.list(k)] for k in KINDS}
    report = check_import(scaffolding, text.encode(), fmt)  # type: ignore[arg-type]
    assert report and all(r.ok and r.action == "update" for r in report), [r for r in report if not r.ok]
    assert apply_import(scaffolding, report)["updated"] == len(report)
    after = {k: [r.model_dump(exclude={"updated_at"}) for r in scaffolding.list(k)] for k in KINDS}
    assert after == before


def test_the_json_export_keeps_the_earlier_systems_client_fields_and_a_new_project_declares_them(
    filled: Services,
) -> None:
    """A client's income range is written where the earlier system's files had it; importing the file into a
    new project declares the demo clients' custom fields there (nothing is lost, all stay editable)."""
    text = export_json(filled.scaffolding)
    [tomas] = [p for p in json.loads(text)["personas"] if p["persona_key"] == "overwhelmed_avoider"]
    assert tomas["income_range"] == "$62,000-$75,000" and tomas["demographics"]["age"] == "33"
    coach = filled.in_project(filled.projects.create("Career coaching").slug)
    assert coach.client_fields.list() == []
    report = check_import(coach.scaffolding, text.encode(), "json")
    apply_import(coach.scaffolding, report)
    declared = {f.name: f.label for f in coach.client_fields.list()}
    assert declared == {
        "income_range": "Income range",
        "gender": "Gender",
        "location": "Location",
        "family_status": "Family status",
    }
    assert coach.scaffolding.get("personas", "overwhelmed_avoider").demographics["income_range"] == "$62,000-$75,000"


def test_a_csv_with_new_and_bad_rows_reports_each_row_and_saves_only_the_good_ones(filled: Services) -> None:
    csv_text = (
        "kind,name,archetype,persona_key,typical_questions\n"
        'personas,Maya Chen,The first-time investor,,"Where do I start?\nIs it too late?"\n'
        "personas,,No name here,,\n"
        "people,Someone,Whatever,,\n"
        "personas,Maya Chen,Same again,,\n"
    )
    report = check_import(filled.scaffolding, csv_text.encode(), "csv")
    by_row = {r.row: r for r in report}
    assert by_row[2].ok and by_row[2].action == "add"
    assert by_row[3].problems == ["Name: this is empty. Fill it in."]
    assert "Unknown kind “people”" in by_row[4].problems[0]
    assert by_row[5].problems == ["Same key as row 2 of this file."]
    counts = apply_import(filled.scaffolding, report)
    assert counts == {"added": 1, "updated": 0, "skipped": 3}
    maya = filled.scaffolding.get("personas", "maya_chen")
    assert maya.typical_questions == ["Where do I start?", "Is it too late?"]


def test_a_reference_to_something_that_does_not_exist_is_a_warning(filled: Services) -> None:
    data = {"topics": [{"name": "Crypto", "suitable_personas": ["nobody_here"]}]}
    (row,) = check_import(filled.scaffolding, json.dumps(data).encode(), "json")
    assert row.ok and row.warnings == ["Suitable clients: “nobody_here” does not exist (yet)."]


@pytest.mark.parametrize(
    ("data", "fmt", "message"),
    [
        (b"{not json", "json", "not valid JSON"),
        (b"[1, 2]", "json", "should hold an object"),
        (b"name,archetype\nA,B\n", "csv", "needs a “kind” column"),
        (b"\xff\xfe\x00", "csv", "not text"),
    ],
)
def test_a_file_that_is_not_scaffolding_is_refused_in_plain_words(
    filled: Services, data: bytes, fmt: str, message: str
) -> None:
    with pytest.raises(ImportFormatError, match=message):
        check_import(filled.scaffolding, data, fmt)  # type: ignore[arg-type]


def test_delete_hides_a_record_and_undo_brings_it_back_as_it_was(filled: Services) -> None:
    scaffolding = filled.scaffolding
    filled.scaffolding.set_active("personas", "recently_widowed", False)
    deleted = scaffolding.delete("personas", "recently_widowed")
    assert "recently_widowed" not in {p.key for p in scaffolding.list("personas")}
    assert "recently_widowed" in {p.key for p in scaffolding.list("personas", include_deleted=True)}
    scaffolding.undo_delete(deleted)
    back = scaffolding.get("personas", "recently_widowed")
    assert back.deleted_at is None and back.is_active is False


def test_delete_is_refused_while_an_unfinished_job_uses_the_record(filled: Services) -> None:
    job = filled.batch.create(BatchRequest(personas=["anxious_planner"], arcs=["anxiety_to_confidence"], topics="all"))
    with pytest.raises(ConflictError, match="used by a batch job that has not finished"):
        filled.scaffolding.delete("personas", "anxious_planner")
    with pytest.raises(ConflictError):
        filled.scaffolding.delete("experts", filled.scaffolding.list("experts")[0].key)
    filled.scaffolding.delete("personas", "recently_widowed")  # not in the job
    filled.batch.cancel(job.id)
    filled.scaffolding.delete("personas", "anxious_planner")


HOSTILE = {
    "persona_key": "formula_client",
    "name": '=HYPERLINK("http://evil.example","click")',
    "archetype": "+1 the archetype",
    "age_range": "-35",
    "occupation": "@SUM(A1:A9)",
    "goals": "\tstarts with a tab",
    "financial_background": "\rstarts with a carriage return",
    "communication_style": "'=already quoted",
    "emotional_baseline": "'plain quote, kept",
    "typical_questions": ["=1+1", "plain"],
    "demographics": {"=city": "Ohio"},
}
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def test_csv_cells_that_a_spreadsheet_would_run_are_escaped_and_import_back_unchanged(filled: Services) -> None:
    import csv
    import io

    scaffolding = filled.scaffolding
    scaffolding.save("personas", HOSTILE)
    text = export_csv(scaffolding)
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [cell for cell in cells if cell.startswith(DANGEROUS)]
    assert '\'=HYPERLINK("http://evil.example","click")' in cells and "''=already quoted" in cells
    assert "'plain quote, kept" in cells

    before = scaffolding.get("personas", "formula_client").model_dump(exclude={"updated_at"})
    report = check_import(scaffolding, text.encode(), "csv")
    assert all(r.ok for r in report), [r for r in report if not r.ok]
    apply_import(scaffolding, report)
    after = scaffolding.get("personas", "formula_client").model_dump(exclude={"updated_at"})
    assert after == before
    assert after["name"] == HOSTILE["name"] and after["communication_style"] == "'=already quoted"
