"""The rules one exported record must meet, per format: OpenAI chat fine-tuning (roles, order, non-empty
content, one system message first, weights on assistant messages only, example length estimate), ShareGPT role
tags and order, KTO fields, the v4 JSONL shape. Each returns the record's problems in words (none: it passes)."""

from __future__ import annotations

import itertools
from typing import Any

from core.export.messages import Message, estimate_tokens

OPENAI_MAX_TOKENS = 65_536
OPENAI_KEYS = {"messages", "tools", "functions", "parallel_tool_calls"}
SHAREGPT_ROLES = {"system", "human", "gpt"}


# -- per-record rules ------------------------------------------------------------------------------
def _order_problems(roles: list[str], user: str, assistant: str, system: str) -> list[str]:
    problems = []
    if roles.count(system) > 1 or (system in roles and roles[0] != system):
        problems.append(f"one '{system}' message is allowed, and only first")
    turns = [r for r in roles if r != system]
    if not turns or turns[0] != user:
        problems.append(f"the first message after the system prompt must be '{user}'")
    if any(a == b for a, b in itertools.pairwise(turns)):
        problems.append(f"'{user}' and '{assistant}' must alternate")
    if not turns or turns[-1] != assistant:
        problems.append(f"the last message must be '{assistant}'")
    return problems


def openai_problems(record: Any, *, max_tokens: int = OPENAI_MAX_TOKENS) -> list[str]:
    if not isinstance(record, dict) or not isinstance(record.get("messages"), list) or not record["messages"]:
        return ["no non-empty 'messages' list"]
    problems = [f"unknown key '{k}'" for k in record if k not in OPENAI_KEYS]
    roles: list[str] = []
    for index, message in enumerate(record["messages"], start=1):
        if not isinstance(message, dict):
            problems.append(f"message {index} is not an object")
            continue
        role = message.get("role")
        roles.append(str(role))
        if role not in ("system", "user", "assistant"):
            problems.append(f"message {index} has role {role!r} (system, user or assistant expected)")
        if not isinstance(message.get("content"), str) or not message["content"].strip():
            problems.append(f"message {index} has empty content")
        if "weight" in message and (role != "assistant" or message["weight"] not in (0, 1)):
            problems.append(f"message {index}: weight must be 0 or 1 and only on assistant messages")
        problems += [
            f"message {index} has unknown key '{k}'" for k in message if k not in ("role", "content", "weight", "name")
        ]
    problems += _order_problems(roles, "user", "assistant", "system")
    chat = [Message("user", str(m.get("content", ""))) for m in record["messages"] if isinstance(m, dict)]
    if (tokens := estimate_tokens(chat)) > max_tokens:
        problems.append(f"about {tokens} tokens, over the {max_tokens}-token example limit")
    return problems


def sharegpt_problems(record: Any) -> list[str]:
    if not isinstance(record, dict) or not isinstance(record.get("conversations"), list) or not record["conversations"]:
        return ["no non-empty 'conversations' list"]
    problems, tags = [], []
    for index, turn in enumerate(record["conversations"], start=1):
        if not isinstance(turn, dict):
            problems.append(f"turn {index} is not an object")
            continue
        tags.append(str(turn.get("from")))
        if turn.get("from") not in SHAREGPT_ROLES:
            problems.append(f"turn {index} has from={turn.get('from')!r} (system, human or gpt expected)")
        if not isinstance(turn.get("value"), str) or not turn["value"].strip():
            problems.append(f"turn {index} has an empty value")
        if "train" in turn and not isinstance(turn["train"], bool):
            problems.append(f"turn {index}: 'train' must be true or false")
    return problems + _order_problems(tags, "human", "gpt", "system")


def kto_problems(record: Any) -> list[str]:
    if not isinstance(record, dict):
        return ["not an object"]
    problems = []
    if not isinstance(record.get("label"), bool):
        problems.append("'label' must be true or false")
    completion = record.get("completion")
    if not (isinstance(completion, list) and len(completion) == 1 and completion[0].get("role") == "assistant"):
        problems.append("'completion' must be one assistant message")
    prompt = record.get("prompt")
    if not isinstance(prompt, list) or not prompt or prompt[-1].get("role") != "user":
        problems.append("'prompt' must be a list of messages ending with the user's")
    else:
        problems += openai_problems({"messages": prompt + (completion or [])})
    return problems


def v4_line_problems(record: Any) -> list[str]:
    if not isinstance(record, dict):
        return ["not an object"]
    missing = [
        k for k in ("id", "conversation_id", "turn_number", "current_user_input", "target_response") if k not in record
    ]
    problems = [f"missing '{k}'" for k in missing]
    if not isinstance(record.get("target_response"), str) or not record.get("target_response", "").strip():
        problems.append("empty target_response")
    return problems
