"""Bulk export and import of all scaffolding, as JSON or CSV, with a report line per row.

JSON: ``{"experts": [...], "personas": [...], "arcs": [...], "topics": [...], "templates": [...]}``.
CSV: one row per record, a ``kind`` column first, then every field; a list cell holds one item per line
and a ``demographics`` cell one ``name: value`` per line, so the file reads well in a spreadsheet.

Importing checks every row first (``check_import``) and saves only rows without problems
(``apply_import``): a row whose key (or, without a key, whose name) exists updates that record.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from core.csv_cells import CsvRows, write_csv
from core.errors import BrightRunError, ImportFormatError
from core.models.scaffolding import RETIRED_PERSONA_FIELDS
from core.scaffolding.fields import REFERENCES, editable_fields, field_text
from core.scaffolding.service import KIND_INFO, KINDS, Kind, ScaffoldingService

Format = Literal["json", "csv"]
Action = Literal["add", "update", "skip"]
#: Import order: what others refer to comes first.
ORDER: tuple[Kind, ...] = ("experts", "personas", "topics", "arcs", "templates")
MAX_ROWS = 5000


@dataclass
class RowResult:
    row: int
    kind: Kind
    name: str
    action: Action
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not self.problems


def _exportable(kind: Kind) -> list[str]:
    return list(editable_fields(KIND_INFO[kind].model))


def _exported(kind: Kind, record: Any) -> dict[str, Any]:
    data = record.model_dump(mode="json", include=set(_exportable(kind)))
    if kind == "personas":  # the earlier system's own client fields (``income_range``) where its files had them
        for name in RETIRED_PERSONA_FIELDS:
            if value := record.demographics.get(name):
                data[name] = value
    return dict(data)


def export_json(service: ScaffoldingService) -> str:
    data = {kind: [_exported(kind, r) for r in service.list(kind)] for kind in KINDS}
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(str(v) for v in value)
    if isinstance(value, dict):
        return "\n".join(f"{k}: {v}" for k, v in value.items())
    if value is None:
        return ""
    return str(value).lower() if isinstance(value, bool) else str(value)


def export_csv(service: ScaffoldingService) -> str:
    columns = list(dict.fromkeys(name for kind in KINDS for name in _exportable(kind)))
    rows = (
        {"kind": kind, **{n: _cell(getattr(record, n)) for n in _exportable(kind)}}
        for kind in KINDS
        for record in service.list(kind)
    )
    return write_csv(["kind", *columns], rows)


def _from_cell(kind: Kind, name: str, text: str) -> Any:
    """A CSV cell as the field's value: lists and dicts from lines, empty optional values as missing."""
    annotation = str(KIND_INFO[kind].model.model_fields[name].annotation)
    if annotation.startswith("list"):
        return [line.strip() for line in text.splitlines() if line.strip()]
    if annotation.startswith("dict"):
        pairs = (line.split(":", 1) for line in text.splitlines() if ":" in line)
        return {k.strip(): v.strip() for k, v in pairs}
    return text


def _rows(data: bytes, fmt: Format) -> list[tuple[int, str, dict[str, Any]]]:
    """``(row number, kind, values)`` for every record in the file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise ImportFormatError("The file is not text (UTF-8).", hint="Save it as UTF-8 and try again.") from err
    rows: list[tuple[int, str, dict[str, Any]]] = []
    if fmt == "json":
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as err:
            raise ImportFormatError(
                f"The file is not valid JSON (line {err.lineno}).", hint="Export from this page to see the shape."
            ) from err
        if not isinstance(parsed, dict):
            raise ImportFormatError(
                "The JSON file should hold an object with lists named experts, personas, arcs, topics, templates."
            )
        number = 0
        for kind, records in parsed.items():
            for record in records if isinstance(records, list) else [records]:
                number += 1
                rows.append((number, str(kind), record if isinstance(record, dict) else {}))
    else:
        reader = CsvRows(text)
        if not reader.fieldnames or "kind" not in reader.fieldnames:
            raise ImportFormatError(
                "The CSV file needs a “kind” column.", hint="Export from this page to see the shape."
            )
        for number, record in enumerate(reader, start=2):  # row 1 is the header
            kind = str(record.pop("kind", "") or "").strip()
            values = {k: v for k, v in record.items() if k and v not in (None, "")}
            if kind in KIND_INFO:
                typed = kind  # type: ignore[assignment]
                values = {
                    k: _from_cell(typed, k, v) for k, v in values.items() if k in KIND_INFO[typed].model.model_fields
                }
            rows.append((number, kind, values))
    if len(rows) > MAX_ROWS:
        raise ImportFormatError(f"The file has {len(rows)} records; at most {MAX_ROWS} are read at once.")
    return rows


def check_import(service: ScaffoldingService, data: bytes, fmt: Format) -> list[RowResult]:
    """Check every row without saving anything: what would be added or updated, and each row's problems."""
    results: list[RowResult] = []
    seen: dict[tuple[str, str], int] = {}
    known = {k: {r.key for r in service.list(k, include_deleted=True)} for k in ("personas", "arcs", "topics")}
    parsed = _rows(data, fmt)
    for _, listed_kind, values in parsed:  # keys of this file count as known references too
        key_field = KIND_INFO[listed_kind].key_field if listed_kind in KIND_INFO else ""  # type: ignore[index]
        if listed_kind in known and values.get(key_field):
            known[listed_kind].add(str(values[key_field]))
    for number, kind_text, values in parsed:
        if kind_text not in KIND_INFO:
            results.append(
                RowResult(
                    number,
                    "personas",
                    str(values.get("name", "")),
                    "skip",
                    [f"Unknown kind “{kind_text}”: use one of {', '.join(KINDS)}."],
                )
            )
            continue
        results.append(_check_row(service, number, cast(Kind, kind_text), values, seen, known))
    return sorted(results, key=lambda r: (ORDER.index(r.kind), r.row))


def _check_row(
    service: ScaffoldingService,
    number: int,
    kind: Kind,
    values: dict[str, Any],
    seen: dict[tuple[str, str], int],
    known: dict[str, set[str]],
) -> RowResult:
    info = KIND_INFO[kind]
    name = str(values.get("name") or values.get("template_name") or "").strip()
    existing = _existing(service, kind, values, name)
    data = {**values, "id": existing.id} if existing is not None else dict(values)
    result = RowResult(number, kind, name or "(no name)", "update" if existing is not None else "add", data=data)
    try:
        record = service.validate(kind, service.with_key(kind, data))
    except BrightRunError as err:
        result.problems = list(getattr(err, "problems", None) or [err.message])
        result.action = "skip"
        return result
    key = getattr(record, info.key_field)
    result.data[info.key_field] = key
    if (kind, key) in seen:
        result.problems.append(f"Same key as row {seen[(kind, key)]} of this file.")
        result.action = "skip"
    seen[(kind, key)] = number
    for ref_field, ref_kind in REFERENCES.items():
        listed = getattr(record, ref_field, None)
        for ref in listed if isinstance(listed, list) else [listed] if listed else []:
            if ref not in known[ref_kind]:
                result.warnings.append(f"{field_text(ref_field).label}: “{ref}” does not exist (yet).")
    return result


def _existing(service: ScaffoldingService, kind: Kind, values: dict[str, Any], name: str) -> Any:
    info = KIND_INFO[kind]
    repo = service.repo(kind)
    key = str(values.get(info.key_field) or "").strip()
    if key:
        return repo.first({info.key_field: key})
    if name and "name" in info.model.model_fields:
        return repo.first({"name": name})
    return None


def apply_import(service: ScaffoldingService, results: list[RowResult]) -> dict[str, int]:
    """Save the rows without problems (in ``ORDER``). Returns how many were added and updated."""
    counts = {"added": 0, "updated": 0, "skipped": 0}
    for result in results:
        if not result.ok:
            counts["skipped"] += 1
            continue
        try:
            service.save(result.kind, result.data)
        except BrightRunError as err:
            result.problems.append(err.message)
            counts["skipped"] += 1
            continue
        counts["added" if result.action == "add" else "updated"] += 1
    return counts
