"""The default content we ship: one expert profile, personas, arcs, topics and a template per arc.

Ids are derived from keys (UUID v5), so every installation has the same ids for the same defaults and
enrichment output is reproducible. Installing is idempotent: records whose key exists are left alone,
so a user's edits survive.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from core.models.base import DEFAULT_PROJECT_ID
from core.prompts import template_source
from core.scaffolding.service import KIND_INFO, Kind, ScaffoldingService

DEFAULTS_DIR = Path(__file__).resolve().parent.parent / "defaults"
ID_NAMESPACE = uuid.UUID("6f1c1f4e-7d2a-4f51-9a57-1b2c3d4e5f60")
FILES: dict[Kind, str] = {
    "experts": "expert_profile.json",
    "personas": "personas.json",
    "arcs": "emotional_arcs.json",
    "topics": "training_topics.json",
    "templates": "prompt_templates.json",
}


def default_id(kind: Kind, key: str, project_id: str | None = None) -> str:
    """The same id for a default record each time it is installed in a project (the first project keeps the
    ids it always had; another project gets its own, since ids are unique across projects)."""
    project = "" if project_id in (None, DEFAULT_PROJECT_ID) else f"{project_id}:"
    return str(uuid.uuid5(ID_NAMESPACE, f"{project}{kind}:{key}"))


def load_default_records(kind: Kind, project_id: str | None = None) -> list[dict[str, Any]]:
    """The default records of one kind as plain dicts (template text read from ``templates/``), with the ids
    they get in ``project_id``."""
    data = json.loads((DEFAULTS_DIR / FILES[kind]).read_text(encoding="utf-8"))
    records = data if isinstance(data, list) else [data]
    out = []
    for record in records:
        record = dict(record)
        template_file = record.pop("template_file", None)
        if template_file:
            record["template_text"] = template_source(template_file)
        record.setdefault("id", default_id(kind, record[KIND_INFO[kind].key_field], project_id))
        out.append(record)
    return out


def install_defaults(service: ScaffoldingService) -> dict[str, int]:
    """Add every default record whose key is not present yet. Returns how many were added per kind."""
    added: dict[str, int] = {}
    for kind in ("experts", "personas", "arcs", "topics", "templates"):
        key_field = KIND_INFO[kind].key_field
        repo = service.repo(kind)
        count = 0
        for record in load_default_records(kind, repo.project_id):
            # Defaults are shared (no owner): a user's own record with the same key does not count.
            if repo.first({key_field: record[key_field], "created_by": None}) is None:
                valid = service.validate(kind, record)
                service.declare_client_fields(valid)
                repo.add(valid)
                count += 1
        added[kind] = count
    return added


#: What a new project's starter set holds: the emotional journeys and a prompt for each, which suit any
#: field of work (the demo's expert, clients and topics are a financial planner's).
STARTER_KINDS: tuple[Kind, ...] = ("arcs", "templates")
_SUITABLE = ("suitable_personas", "suitable_topics", "suitable_emotional_arcs")


def install_starter(service: ScaffoldingService) -> dict[str, int]:
    """Add the default emotional journeys and prompts, suited to every client and topic (the demo's client
    and topic keys are left out). Returns how many were added per kind; idempotent like ``install_defaults``."""
    added: dict[str, int] = {}
    for kind in STARTER_KINDS:
        key_field = KIND_INFO[kind].key_field
        repo = service.repo(kind)
        count = 0
        for record in load_default_records(kind, repo.project_id):
            if repo.first({key_field: record[key_field], "created_by": None}) is None:
                neutral = {k: v for k, v in record.items() if k not in _SUITABLE}
                repo.add(service.validate(kind, neutral))
                count += 1
        added[kind] = count
    return added
