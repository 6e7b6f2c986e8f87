"""The scaffolding port."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from core.models.scaffolding import EmotionalArc, ExpertProfile, Persona, PromptTemplate, TrainingTopic
    from core.storage.ports.base import Rows


class ScaffoldingRows(Protocol):
    """The expert profile, personas, emotional arcs, training topics and prompt templates."""

    @property
    def expert_profiles(self) -> Rows[ExpertProfile]: ...

    @property
    def personas(self) -> Rows[Persona]: ...

    @property
    def arcs(self) -> Rows[EmotionalArc]: ...

    @property
    def topics(self) -> Rows[TrainingTopic]: ...

    @property
    def templates(self) -> Rows[PromptTemplate]: ...

    def rows(self, kind: str) -> Rows[Any]:
        """The rows of ``kind`` (``experts``, ``personas``, ``arcs``, ``topics``, ``templates``)."""
        ...

    def names(self) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
        """``(personas, arcs, topics)``: each one's display name by key."""
        ...
