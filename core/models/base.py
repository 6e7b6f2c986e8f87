"""Shared pieces of every stored record: ids, timestamps, the NIL user."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

NIL_UUID = "00000000-0000-0000-0000-000000000000"
SNAKE_CASE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


def _snake_case(value: str) -> str:
    if not SNAKE_CASE.fullmatch(value):
        raise ValueError(
            f"'{value}' is not a snake_case key: use lower-case letters, digits and single underscores, "
            "starting with a letter (for example 'anxious_planner')"
        )
    return value


SnakeKey = Annotated[str, Field(min_length=2, max_length=100), AfterValidator(_snake_case)]
Unit = Annotated[float, Field(ge=0.0, le=1.0)]


#: A prompt template's tier, carried by templates, arcs, jobs and conversations.
Tier = Literal["template", "scenario", "edge_case"]
TIERS: tuple[Tier, ...] = ("template", "scenario", "edge_case")

#: The project every row made before projects existed belongs to (m0014), and the one used when none is named.
DEFAULT_PROJECT_ID = "default"


class Stored(BaseModel):
    """A stored row: a UUID string id and audit timestamps."""

    model_config = ConfigDict(validate_assignment=True, extra="ignore", defer_build=True)

    id: str = Field(default_factory=new_id)
    created_by: str | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Record(Stored):
    """A stored row of one project: a database bound to a project (``Database.in_project``) reads only its
    project's rows and stamps its id on every row it writes."""

    project_id: str = DEFAULT_PROJECT_ID
