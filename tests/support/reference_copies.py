"""Copies of the reference files adjusted for tests that need every conversation whole.

Two of the three conversations of the reference training file have answers cut off mid-sentence (they
end in a stray backslash): imported, they are held for review and left out of exports. Tests about
something else use ``complete_training_file``, where those answers end with a full stop instead.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.support.paths import REFERENCE_DIR

TRAINING_FILE = REFERENCE_DIR / "training-file-brightrun-lora-v4.json"


def complete_training_file(folder: Path, name: str = "training-file-brightrun-lora-v4.json") -> Path:
    """The reference training file with every cut-off answer completed, written into ``folder``."""
    data = json.loads(TRAINING_FILE.read_text(encoding="utf-8"))
    for conversation in data["conversations"]:
        for pair in conversation["training_pairs"]:
            answer = pair.get("target_response")
            if isinstance(answer, str) and answer.rstrip().endswith(("\\", '\\"')):
                pair["target_response"] = answer.rstrip().rstrip('"').rstrip("\\").rstrip() + "."
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


ESCAPED_TWICE = re.compile(r'\\([nt"\\])')


def with_escapes_fixed(data: Any) -> Any:
    """``data`` with every literal ``\\n``, ``\\t``, ``\\"``, ``\\\\`` in its text turned into what it stands for.

    Every message of the reference files that holds one is clearly escaped twice (a ``\\n\\n`` between
    paragraphs), so this is what an import stores and reports as fixed.
    """
    if isinstance(data, dict):
        return {k: with_escapes_fixed(v) for k, v in data.items()}
    if isinstance(data, list):
        return [with_escapes_fixed(v) for v in data]
    if isinstance(data, str):
        return ESCAPED_TWICE.sub(lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), data)
    return data
