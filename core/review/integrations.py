"""Hand-offs from review to features built beside it: enrichment and training files.

Both are looked up on the ``Services`` object at call time (``getattr``), so review works, and says
clearly what is missing, in a build where either feature is not wired yet.
"""

from __future__ import annotations

from typing import Any

from core.errors import ConfigError


def _text(result: Any) -> str:
    """A one-line summary of whatever the other feature returned."""
    for name in ("text", "summary"):
        method = getattr(result, name, None)
        if callable(method):
            return str(method())
    return str(result) if result is not None else "done"


def enrich(extensions: object | None, conversation_ids: list[str]) -> str:
    """Run the enrichment pipeline on ``conversation_ids``; ``ConfigError`` when enrichment is not built."""
    service = getattr(extensions, "enrichment", None)
    run = getattr(service, "run_many", None)
    if service is None or not callable(run):
        raise ConfigError(
            "Enrichment is not available in this build.",
            hint="The conversations are left 'not started'; enrich them once the enrichment feature is installed.",
        )
    return _text(run(conversation_ids))


def add_to_training_file(
    extensions: object | None, conversation_ids: list[str], file_name: str, reviewer: str, description: str | None
) -> str:
    """Add ``conversation_ids`` to the training file named ``file_name`` through the export feature."""
    if not file_name.strip():
        raise ConfigError("A training file needs a name.", hint="Type the name of a new or an existing training file.")
    service = getattr(extensions, "training_files", None)
    add = getattr(service, "add_or_create", None)
    if service is None or not callable(add):
        raise ConfigError(
            "Training files are not available in this build.",
            hint="Approve the conversations now; add them to a training file once the export feature is installed.",
        )
    return _text(add(file_name.strip(), conversation_ids, added_by=reviewer, description=description))
