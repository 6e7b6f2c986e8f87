"""Review's view of ``core.names``: a conversation is "Tomás Ferreira · Confusion → Clarity", never its keys.

``load_names`` reads the names straight from the tables the reviewer can see (three small reads). A key with
no scaffolding row left is shown in words ("Fear to calm").
"""

from __future__ import annotations

from core.names import Names, humanize
from core.storage.ports import ScaffoldingRows


def words(key: str | None) -> str:
    """``"fear_to_calm"`` -> ``"Fear to calm"`` (``core.names.humanize``); ``None`` -> ``""`` (a blank grid cell)."""
    return humanize(key) if key else ""


def load_names(scaffolding: ScaffoldingRows) -> Names:
    """Every persona, arc and topic name by key (three small reads)."""
    personas, arcs, topics = scaffolding.names()
    return Names(personas=personas, arcs=arcs, topics=topics)


__all__ = ["Names", "load_names", "words"]
