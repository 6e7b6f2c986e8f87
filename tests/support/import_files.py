"""Small files of every import format, written for these tests (our own text, no third-party material)."""

from __future__ import annotations

import json
from typing import Any

EXCHANGES = [
    ("I inherited a small brokerage account and I have no idea what is in it.", "Let's open the statement together."),
    ("It lists three funds and a lot of cash. Is the cash a problem?", "Cash is safe, but it may be losing ground."),
    ("So should I move all of it at once?", "Not necessarily; we can plan it in steps."),
]
EMOTIONS = {"detected_emotions": {"primary": "uncertainty", "intensity": 0.6, "secondary": "curiosity"}}


def seed_pairs(exchanges: list[tuple[str, str]] = EXCHANGES, *, prefix: str = "inheritance") -> list[dict[str, Any]]:
    """One pair per exchange: each holds the user input and the answer to it (the seed format)."""
    history: list[dict[str, Any]] = []
    pairs = []
    for number, (question, answer) in enumerate(exchanges, start=1):
        pairs.append(
            {
                "id": f"{prefix}_turn{number}",
                "conversation_id": prefix,
                "turn_number": number,
                "conversation_metadata": {
                    "client_persona": "Sam Ortiz - The Reluctant Heir",
                    "session_context": "First look at an inherited account",
                    "conversation_phase": "orientation",
                    "expected_outcome": "A calm first step",
                },
                "system_prompt": "You are a patient financial planner.",
                "conversation_history": list(history),
                "current_user_input": question,
                "emotional_context": EMOTIONS,
                "target_response": answer,
                "training_metadata": {"quality_score": 4},
            }
        )
        history += [{"turn": 2 * number - 1, "role": "user", "content": question}]
        history += [{"turn": 2 * number, "role": "assistant", "content": answer}]
    return pairs


def per_turn_pairs(
    exchanges: list[tuple[str, str]] = EXCHANGES, *, prefix: str = "inheritance"
) -> list[dict[str, Any]]:
    """One pair per turn (the earlier enrichment): user pairs have no answer."""
    pairs = []
    for seed in seed_pairs(exchanges, prefix=prefix):
        number = seed["turn_number"]
        user = dict(seed, id=f"{prefix}_turn{2 * number - 1}", turn_number=2 * number - 1, target_response=None)
        pairs += [user, dict(seed, id=f"{prefix}_turn{2 * number}", turn_number=2 * number)]
    return pairs


def enriched_file(pairs: list[dict[str, Any]], conversation_id: str) -> dict[str, Any]:
    return {
        "dataset_metadata": {"dataset_name": f"fp_conversation_{conversation_id}", "version": "1.0.0"},
        "consultant_profile": {"name": "Test Planner"},
        "training_pairs": pairs,
    }


def training_file(conversations: list[tuple[str, list[dict[str, Any]]]], **meta: Any) -> dict[str, Any]:
    return {
        "training_file_metadata": {"file_name": "Test set", "version": "4.0.0", "format_spec": "brightrun-lora-v4"}
        | meta,
        "consultant_profile": {"name": "Test Planner"},
        "conversations": [
            {
                "conversation_metadata": {
                    "conversation_id": cid,
                    "quality_tier": "production",
                    "scaffolding": {"persona_name": "Sam Ortiz"},
                },
                "training_pairs": pairs,
            }
            for cid, pairs in conversations
        ],
    }


def raw_file(exchanges: list[tuple[str, str]] = EXCHANGES) -> dict[str, Any]:
    turns = []
    for question, answer in exchanges:
        for role, text in (("user", question), ("assistant", answer)):
            context = {"primary_emotion": "uncertainty", "intensity": 0.5}
            turns.append({"turn_number": len(turns) + 1, "role": role, "content": text, "emotional_context": context})
    return {
        "conversation_metadata": {
            "client_persona": "Sam Ortiz - The Reluctant Heir",
            "session_context": "First look",
            "conversation_phase": "orientation",
        },
        "turns": turns,
    }


def dumps(data: Any) -> bytes:
    return json.dumps(data, indent=2).encode()


def jsonl(meta: dict[str, Any] | None, records: list[dict[str, Any]]) -> bytes:
    lines = ([json.dumps({"_meta": meta})] if meta is not None else []) + [json.dumps(r) for r in records]
    return "\n".join(lines).encode()
