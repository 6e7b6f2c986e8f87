"""The scaffolding tables: the ``ScaffoldingRows`` port (``core.storage.ports``)."""

from __future__ import annotations

from typing import Any

from core.errors import ValidationError
from core.models.scaffolding import EmotionalArc, ExpertProfile, Persona, PromptTemplate, TrainingTopic
from core.storage.database import Database
from core.storage.repository import Repository

KINDS = ("experts", "personas", "arcs", "topics", "templates")


class ScaffoldingRepo:
    def __init__(self, db: Database) -> None:
        self.expert_profiles: Repository[ExpertProfile] = db.expert_profiles
        self.personas: Repository[Persona] = db.personas
        self.arcs: Repository[EmotionalArc] = db.arcs
        self.topics: Repository[TrainingTopic] = db.topics
        self.templates: Repository[PromptTemplate] = db.templates

    def rows(self, kind: str) -> Repository[Any]:
        found: dict[str, Repository[Any]] = {
            "experts": self.expert_profiles,
            "personas": self.personas,
            "arcs": self.arcs,
            "topics": self.topics,
            "templates": self.templates,
        }
        if kind not in found:
            raise ValidationError(f"Unknown kind of scaffolding: {kind}.", hint=f"Use one of: {', '.join(KINDS)}.")
        return found[kind]

    def names(self) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        return (
            {p.persona_key: p.name for p in self.personas.list()},
            {a.arc_key: a.name for a in self.arcs.list()},
            {t.topic_key: t.name for t in self.topics.list()},
        )
