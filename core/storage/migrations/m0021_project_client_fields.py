"""Custom client fields declared per project (``projects.client_fields``: a JSON list of name, label, help).

Frozen DDL. A column of ``projects``, so its row-level security (m0014) covers it. Each project whose clients
already hold custom fields (``personas.demographics``, and the earlier system's ``income_range``) declares
them here, so nothing a client holds goes out of sight of the client form; a project without any declares none.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

import sqlalchemy as sa

from core.storage.migrations import ddl

COLUMN = "client_fields {json} NOT NULL DEFAULT '[]'"
#: Names the general client fields' placeholders already use (``client_age``…): never a custom field's.
GENERAL = frozenset(
    {
        "name",
        "who_they_are",
        "age",
        "occupation",
        "situation",
        "background",
        "goals",
        "how_they_talk",
        "usual_mood",
        "typical_questions",
        "worries",
        "phrases",
        "custom_fields",
    }
)


def _name(key: str) -> str:
    text = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode("ascii").lower()
    name = re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:60].strip("_")
    if name and not name[0].isalpha():
        name = f"field_{name}"
    return name or "field"


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {}
    return value if isinstance(value, dict) else {}


def _declare_existing(conn: sa.Connection) -> None:
    seen: dict[str, dict[str, str]] = {}
    rows = conn.execute(sa.text("SELECT project_id, demographics, income_range FROM personas")).all()
    for project_id, demographics, income_range in rows:
        keys = [str(k) for k, v in _as_dict(demographics).items() if v not in (None, "")]
        if income_range:
            keys.append("income_range")
        for key in (k for k in keys if _name(k) not in GENERAL):
            seen.setdefault(str(project_id), {}).setdefault(_name(key), " ".join(key.replace("_", " ").split()))
    cast = "CAST(:fields AS JSONB)" if conn.dialect.name == "postgresql" else ":fields"
    for project_id, fields in seen.items():
        declared = [{"name": n, "label": label[:1].upper() + label[1:], "help": ""} for n, label in fields.items()]
        conn.execute(
            sa.text(f"UPDATE projects SET client_fields = {cast} WHERE id = :id"),
            {"fields": json.dumps(declared), "id": project_id},
        )


def upgrade(conn: sa.Connection) -> None:
    if ddl.add_column(conn, "projects", COLUMN):
        _declare_existing(conn)
