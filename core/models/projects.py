"""Projects: each expert's work in its own workspace.

A project holds one expert profile and everything made for it (clients, emotional journeys, topics, prompt
templates, conversations, jobs, failures, review history, training files). Every other stored row carries
its project's id (``Record.project_id``); rows made before projects existed belong to the first project
(``DEFAULT_PROJECT_ID``, m0014).
"""

from __future__ import annotations

import re
import unicodedata

from pydantic import Field

from core.models.base import DEFAULT_PROJECT_ID, Stored

__all__ = [
    "DEFAULT_PROJECT_ID",
    "DEFAULT_PROJECT_NAME",
    "DEFAULT_PROJECT_SLUG",
    "Project",
    "conversation_prefix",
    "slugify",
]

DEFAULT_PROJECT_SLUG = "default"
DEFAULT_PROJECT_NAME = "My first project"
SLUG_MAX = 48


class Project(Stored):
    """One workspace. ``slug`` names it in addresses and on the command line (unique per owner)."""

    slug: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1, max_length=120)
    description: str = ""
    domain: str = ""
    is_demo: bool = False
    #: Reviewers may read it (and review its conversations); only its owner changes it.
    shared_with_reviewers: bool = True


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
