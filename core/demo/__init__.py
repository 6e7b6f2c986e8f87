"""The demo dataset: default scaffolding plus realistic conversations, loaded in one step, never twice."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from core.importer import Importer
from core.scaffolding.defaults import install_defaults

DEMO_DIR = Path(__file__).resolve().parent / "conversations"


class DemoLoadResult(BaseModel):
    scaffolding_added: dict[str, int]
    conversations_added: int
    conversations_present: int

    def summary(self) -> str:
        added = sum(self.scaffolding_added.values())
        return (
            f"Demo loaded: {self.conversations_added} conversations added, {self.conversations_present} already "
            f"present; {added} scaffolding records added."
        )


def demo_files() -> list[Path]:
    return sorted(DEMO_DIR.glob("*.json"))


def load_demo(importer: Importer, *, created_by: str | None = None) -> DemoLoadResult:
    """Install the default scaffolding (shared: no owner) and import the demo conversations as ``created_by``.

    Run it with system services: on Supabase the shared defaults must not belong to whoever clicked.
    """
    scaffolding_added = install_defaults(importer.scaffolding)
    added = present = 0
    for path in demo_files():
        result = importer.import_path(path, created_by=created_by)
        for conversation_id in result.imported:
            importer.store.db.conversations.update(conversation_id, source="demo")
        added += len(result.imported)
        present += len(result.skipped)
    return DemoLoadResult(scaffolding_added=scaffolding_added, conversations_added=added, conversations_present=present)
