"""Training pairs back into the conversation's turns: user input, then the answer to it.

Two shapes of pair list exist:

- *one pair per turn* (the earlier enrichment): a user pair has ``target_response: null`` and its text in
  ``current_user_input``; an assistant pair has the answer in ``target_response``;
- *one pair per exchange* (seed-format files and every JSONL): each pair holds the user input and the
  answer to it, and no pair holds a user turn alone.

Both rebuild to alternating user/assistant turns. A pair list that cannot (an answer with no user input
before it, two user turns in a row, fewer than two turns) is refused with the reason: a partial
conversation is never stored.
"""

from __future__ import annotations

from typing import Any

from core.importer.checks import expect, optional_object, refuse, text_fields

PAIR_TEXT = ("current_user_input", "target_response", "system_prompt", "id")


def _emotions(pair: dict[str, Any], *, source: str, where: str) -> dict[str, Any]:
    context = optional_object(pair, "emotional_context", source=source, where=where)
    detected = optional_object(context, "detected_emotions", source=source, where=f"{where}emotional_context.")
    expect(detected.get("primary"), (str,), source=source, where=f"{where}emotional_context.detected_emotions.primary")
    intensity = expect(
        detected.get("intensity"),
        (int, float),
        source=source,
        where=f"{where}emotional_context.detected_emotions.intensity",
    )
    emotional: dict[str, Any] = {"primary_emotion": detected.get("primary") or "", "intensity": intensity}
    if isinstance(detected.get("secondary"), str) and detected["secondary"]:
        emotional["secondary_emotion"] = detected["secondary"]
    return emotional


def check_pair(pair: Any, *, source: str, where: str) -> dict[str, Any]:
    """One pair's fields have the types the format gives them."""
    expect(pair, (dict,), source=source, where=where.rstrip(". ") or "training pair", required=True)
    text_fields(pair, PAIR_TEXT, source=source, where=where)
    expect(pair.get("turn_number"), (int,), source=source, where=f"{where}turn_number")
    expect(pair.get("conversation_history"), (list,), source=source, where=f"{where}conversation_history")
    expect(pair.get("training_metadata"), (dict,), source=source, where=f"{where}training_metadata")
    meta = optional_object(pair, "conversation_metadata", source=source, where=where)
    text_fields(
        meta,
        ("client_persona", "session_context", "conversation_phase", "expected_outcome"),
        source=source,
        where=f"{where}conversation_metadata.",
    )
    return pair


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def turns_from_pairs(pairs: list[Any], *, source: str, where: str = "") -> list[dict[str, Any]]:
    """The turns the pairs describe, numbered 1..n, or ``ImportFormatError`` saying why they cannot be."""
    turns: list[dict[str, Any]] = []

    def add(role: str, content: str, emotional: dict[str, Any]) -> None:
        turns.append({"turn_number": len(turns) + 1, "role": role, "content": content, "emotional_context": emotional})

    for index, pair in enumerate(pairs, start=1):
        at = f"{where}training pair {index}"
        check_pair(pair, source=source, where=f"{at}: ")
        emotional = _emotions(pair, source=source, where=f"{at}: ")
        user_text, answer = _text(pair.get("current_user_input")), pair.get("target_response")
        if answer is None:
            if not user_text:
                raise refuse(source, f"{at} has neither a user input nor an answer")
            if turns and turns[-1]["role"] == "user":
                raise refuse(source, f"{at} is a second user turn in a row, so the turns cannot be rebuilt")
            add("user", user_text, emotional)
            continue
        if not _text(answer):
            raise refuse(source, f"{at} has an empty answer (target_response)")
        if not turns or turns[-1]["role"] != "user":
            if not user_text:
                raise refuse(
                    source,
                    f"{at} answers no user input (current_user_input is empty), so its user turn cannot be rebuilt",
                )
            add("user", user_text, dict(emotional))
        add("assistant", answer, emotional)
    if len(turns) < 2:
        raise refuse(source, f"{where}the training pairs hold {len(turns)} turn(s); a conversation needs at least two")
    return turns


def raw_from_pairs(pairs: list[Any], *, source: str, where: str = "") -> dict[str, Any]:
    """A raw conversation (``conversation_metadata`` + ``turns``) rebuilt from training pairs."""
    turns = turns_from_pairs(pairs, source=source, where=where)
    first = pairs[0] if pairs and isinstance(pairs[0], dict) else {}
    meta = first.get("conversation_metadata") or {}
    keys = ("client_persona", "session_context", "conversation_phase", "expected_outcome")
    return {"conversation_metadata": {k: meta.get(k) for k in keys}, "turns": turns}
