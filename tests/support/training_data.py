"""A training file for training tests: the reference conversations, imported, enriched and approved as they are.

``clean`` undoes the earlier system's double escaping (``\\n`` written as two characters), which training refuses;
``pairs`` keeps only each conversation's first answers (shorter conversations train faster on a CPU).
"""

from __future__ import annotations

import json
from pathlib import Path

from core.bootstrap import Services
from core.models.training import TrainingFile
from tests.support.reference_copies import complete_training_file


def unescape(text: str) -> str:
    return text.replace("\\n", "\n").replace('\\"', '"')


def make_training_file(
    svc: Services, folder: Path, name: str = "Set A", *, clean: bool = True, pairs: int | None = 4
) -> TrainingFile:
    path = complete_training_file(folder)
    data = json.loads(path.read_text(encoding="utf-8"))
    for conversation in data["conversations"]:
        if pairs is not None:
            conversation["training_pairs"] = conversation["training_pairs"][:pairs]
        for pair in conversation["training_pairs"]:
            for key, value in list(pair.items()):
                if clean and isinstance(value, str):
                    pair[key] = unescape(value)
            for turn in pair.get("conversation_history") or []:
                if clean and isinstance(turn.get("content"), str):
                    turn["content"] = unescape(turn["content"])
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    svc.importer.import_path(path)
    return svc.training_files.create(name)
