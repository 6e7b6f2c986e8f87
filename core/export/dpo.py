"""DPO JSONL (TRL's conversational preference format): ``{"prompt", "chosen", "rejected"}``, one pair a line.

``prompt`` is the conversation up to and including the client's turn; ``chosen`` and ``rejected`` are each a
list ending with the assistant's message (here: that one message). The pairs come from two places:

- **Blind A/B picks** (``PreferencePick``): the answer the reviewer picked is chosen, the other rejected; a
  tie, or two answers with the same text, gives no pair.
- **Regenerated conversations**: a conversation whose new attempt was approved while the attempt it replaced
  (``regenerated_from``) was archived or rejected. The prompt is the longest shared start of both
  conversations that ends with a client turn, and the answers that follow it are chosen (new) and rejected
  (old). When the two attempts differ from the client's first message on, the prompt is the new attempt's
  first client turn and the old attempt's first answer is the rejected one: both were written for the same
  client, emotional journey and topic. A conversation without such a counterpart gives no pair.

A pair is written once: the same prompt, chosen and rejected never repeat in a file.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.export.common import ExportResult
from core.jsonutil import dumps_compact
from core.models.evaluation import PreferencePick

Chat = list[dict[str, str]]


@dataclass(frozen=True)
class PreferencePair:
    prompt: Chat
    chosen: Chat
    rejected: Chat
    source: str  # "pick" or "regenerated"

    def record(self) -> dict[str, Any]:
        return {"prompt": self.prompt, "chosen": self.chosen, "rejected": self.rejected}

    @property
    def key(self) -> str:
        return hashlib.sha256(json.dumps(self.record(), sort_keys=True).encode()).hexdigest()


def _message(role: str, content: Any) -> dict[str, str]:
    return {"role": role, "content": str(content)}


def _clean(chat: Iterable[dict[str, Any]]) -> Chat:
    return [_message(str(m.get("role")), m.get("content", "")) for m in chat if str(m.get("content", "")).strip()]


def from_pick(pick: PreferencePick) -> PreferencePair | None:
    """The pair a reviewer's blind pick makes (``None`` for a tie or two equal answers)."""
    if pick.pick == "tie":
        return None
    chosen, rejected = (
        (pick.first_answer, pick.second_answer) if pick.pick == "first" else (pick.second_answer, pick.first_answer)
    )
    prompt = _clean(pick.prompt)
    if not prompt or prompt[-1]["role"] != "user" or not chosen.strip() or chosen.strip() == rejected.strip():
        return None
    return PreferencePair(prompt, [_message("assistant", chosen)], [_message("assistant", rejected)], "pick")


def from_attempts(new: Chat, old: Chat) -> PreferencePair | None:
    """The pair an approved new attempt and the archived or rejected old one make (``None`` without one)."""
    new, old = _clean(new), _clean(old)
    shared = 0
    while shared < min(len(new), len(old)) and new[shared] == old[shared]:
        shared += 1
    # back to the last client turn inside the shared start, so each side goes on with an assistant answer
    cut = shared
    while cut > 0 and new[cut - 1]["role"] != "user":
        cut -= 1
    if cut and cut < len(new) and cut < len(old) and new[cut]["role"] == old[cut]["role"] == "assistant":
        chosen, rejected = new[cut], old[cut]
        prompt = new[:cut]
    else:  # different from the first client message on: the same scenario's first exchange
        first_new = next((i for i, m in enumerate(new) if m["role"] == "user"), None)
        first_old = next((i for i, m in enumerate(old) if m["role"] == "user"), None)
        if first_new is None or first_old is None or first_new + 1 >= len(new) or first_old + 1 >= len(old):
            return None
        chosen, rejected = new[first_new + 1], old[first_old + 1]
        if chosen["role"] != "assistant" or rejected["role"] != "assistant":
            return None
        prompt = new[: first_new + 1]
    if chosen["content"].strip() == rejected["content"].strip():
        return None
    return PreferencePair(prompt, [chosen], [rejected], "regenerated")


def unique(pairs: Iterable[PreferencePair]) -> Iterator[PreferencePair]:
    seen: set[str] = set()
    for pair in pairs:
        if pair.key not in seen:
            seen.add(pair.key)
            yield pair


def write_dpo(pairs: Iterable[PreferencePair], out: Path, *, sources: int) -> ExportResult:
    """Write each pair once; ``sources`` is how many picks and conversations were looked at."""
    out.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        for pair in unique(pairs):
            handle.write(dumps_compact(pair.record()) + "\n")
            written += 1
    return ExportResult(format="dpo", paths=[str(out)], conversations=sources, examples={"train": written})


# -- validation -----------------------------------------------------------------------------------
def _chat_problems(name: str, chat: Any, *, last: str) -> list[str]:
    if not isinstance(chat, list) or not chat:
        return [f"'{name}' must be a non-empty list of messages"]
    problems = []
    for index, message in enumerate(chat, start=1):
        if not isinstance(message, dict) or message.get("role") not in ("system", "user", "assistant"):
            problems.append(f"'{name}' message {index} needs a role of system, user or assistant")
        elif not isinstance(message.get("content"), str) or not message["content"].strip():
            problems.append(f"'{name}' message {index} has empty content")
    if isinstance(chat[-1], dict) and chat[-1].get("role") != last:
        problems.append(f"'{name}' must end with the {last}'s message")
    return problems


def dpo_problems(record: Any) -> list[str]:
    """TRL's conversational preference format: a prompt ending with the user, two different completions."""
    if not isinstance(record, dict):
        return ["not an object"]
    problems = [f"unknown key '{k}'" for k in record if k not in ("prompt", "chosen", "rejected")]
    problems += _chat_problems("prompt", record.get("prompt"), last="user")
    problems += _chat_problems("chosen", record.get("chosen"), last="assistant")
    problems += _chat_problems("rejected", record.get("rejected"), last="assistant")
    if not problems and record["chosen"] == record["rejected"]:
        problems.append("'chosen' and 'rejected' are the same")
    return problems


def repeated_lines(path: Path) -> int:
    """How many lines repeat an earlier one (the same pair twice)."""
    seen: set[str] = set()
    repeats = 0
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            key = hashlib.sha256(line.strip().encode()).hexdigest()
            repeats += key in seen
            seen.add(key)
    return repeats
