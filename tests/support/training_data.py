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
    svc: Services, folder: Path, name: str = "Set A", *, clean: bool = True, pairs: int | None = 4, copies: int = 1
) -> TrainingFile:
    """``copies`` > 1 imports that many variants of each conversation (their own ids, an answer told apart), for
    services that need more conversations."""
    path = complete_training_file(folder)
    original = path.read_text(encoding="utf-8")
    for copy in range(1, copies):
        variant = json.loads(original)
        text = json.dumps(variant)
        for conversation in variant["conversations"]:
            old = conversation["conversation_metadata"]["conversation_id"]
            text = text.replace(old, f"{old[:-4]}{copy:04d}")
        data = json.loads(text)
        for conversation in data["conversations"]:
            for pair in conversation["training_pairs"]:
                if isinstance(pair.get("target_response"), str):
                    pair["target_response"] += f" (Variant {copy}.)"
        _write_and_import(svc, data, folder / f"copy-{copy}.json", clean=clean, pairs=pairs)
    _write_and_import(svc, json.loads(original), path, clean=clean, pairs=pairs)
    return svc.training_files.create(name)


def _write_and_import(svc: Services, data: dict, path: Path, *, clean: bool, pairs: int | None) -> None:
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
