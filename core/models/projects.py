"""Projects: each expert's work in its own workspace.

A project holds one expert profile and everything made for it (clients, emotional journeys, topics, prompt
templates, conversations, jobs, failures, review history, training files). Every other stored row carries
its project's id (``Record.project_id``); rows made before projects existed belong to the first project
(``DEFAULT_PROJECT_ID``, m0014).
"""

from __future__ import annotations

import re
import unicodedata

from pydantic import BaseModel, Field, field_validator

from core.models.base import DEFAULT_PROJECT_ID, Stored

__all__ = [
    "DEFAULT_PROJECT_ID",
    "DEFAULT_PROJECT_NAME",
    "DEFAULT_PROJECT_SLUG",
    "ClientField",
    "Project",
    "conversation_prefix",
    "field_name",
    "slugify",
]

DEFAULT_PROJECT_SLUG = "default"
DEFAULT_PROJECT_NAME = "My first project"
SLUG_MAX = 48
FIELD_LABEL_MAX = 80


def field_name(label: str) -> str:
    """``"Career stage"`` -> ``"career_stage"``: what names a custom client field inside files and prompts."""
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii").lower()
    name = re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:60].strip("_")
    if name and not name[0].isalpha():
        name = f"field_{name}"
    return name or "field"


class ClientField(BaseModel):
    """A custom field a project gives its clients, besides the general ones (who they are, situation…).

    ``name`` (snake case, made from the label) is where a client keeps its value (``Persona.demographics``)
    and names its placeholder (``client_<name>``); ``label`` and ``help`` are what the client form shows."""

    name: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1, max_length=FIELD_LABEL_MAX)
    help: str = Field(default="", max_length=300)

    @field_validator("label", "help", mode="before")
    @classmethod
    def _one_line(cls, value: object) -> object:
        return " ".join(value.split()) if isinstance(value, str) else value


class Project(Stored):
    """One workspace. ``slug`` names it in addresses and on the command line (unique per owner)."""

    slug: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    domain: str = ""
    is_demo: bool = False
    #: Reviewers may read it (and review its conversations); only its owner changes it.
    shared_with_reviewers: bool = True
    #: The custom fields its clients have (m0021); a new project has none, the demo its financial ones.
    client_fields: list[ClientField] = Field(default_factory=list)


def conversation_prefix(slug: str) -> str:
    """What names a project's conversations in files (``{prefix}_conversation_{id}``): the project's slug with
    underscores; the first project keeps the earlier system's ``fp`` so its files stay as they were."""
    if slug in ("", DEFAULT_PROJECT_SLUG):
        return "fp"
    return slug.replace("-", "_")


def slugify(name: str) -> str:
    """``"Career coach: Priya's clients"`` -> ``"career-coach-priya-s-clients"`` (ASCII, lower case, dashes)."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-") or "project"
