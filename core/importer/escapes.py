"""Text the earlier system escaped twice: a literal ``\\n`` (backslash, n) where a line break was meant.

Some of its files hold messages with the two characters ``\\n``, ``\\t``, ``\\"`` or ``\\\\`` instead of a
line break, a tab, a quote or a backslash; a model trained on them learns to write backslashes. A message
is un-escaped only when the signs are clear (two ``\\n`` in a row, ``\\n`` right after the end of a
sentence and before the next one, a quoted span with both quotes escaped); a lone backslash, a path or a
single trailing ``\\"`` (the mark of a reply that was cut off) are left alone.
"""

from __future__ import annotations

import re
from typing import Any

CLEAR_SIGNS = re.compile(
    r"\\n\\n"  # a paragraph break written as text
    r"|[.!?:;,)\]]\\n(?=[A-Z0-9*#\-\u2022])"  # end of a sentence, \n, the next line
    r'|\\"[^"\\\n]{1,300}\\"'  # a quoted span whose two quotes are both escaped
    r"|[.!?:]\\t(?=[A-Z0-9])"
)
ESCAPE = re.compile(r'\\([nt"\\])')
LITERAL_ESCAPE = re.compile(r'\\[nt"\\]')
UNESCAPED = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
PAIR_TEXT = ("current_user_input", "target_response", "system_prompt")


def double_escaped(text: str) -> bool:
    """Whether ``text`` clearly holds escapes written twice."""
    return bool(CLEAR_SIGNS.search(text))


def unescape(text: str) -> str:
    """``text`` with ``\\n``, ``\\t``, ``\\"``, ``\\\\`` turned into what they stand for, when clearly doubled."""
    if not double_escaped(text):
        return text
    return ESCAPE.sub(lambda m: UNESCAPED[m.group(1)], text)


def has_literal_escape(text: str) -> bool:
    """Whether any literal escape sequence remains (what validate-for-trainer warns about)."""
    return bool(LITERAL_ESCAPE.search(text))


def _fix(container: dict[str, Any], key: str) -> int:
    value = container.get(key)
    if not isinstance(value, str):
        return 0
    fixed = unescape(value)
    if fixed == value:
        return 0
    container[key] = fixed
    return 1


def fix_turns(turns: list[Any]) -> int:
    """Un-escape every turn's text in place; the number of messages fixed."""
    return sum(_fix(turn, "content") for turn in turns if isinstance(turn, dict))


def fix_pairs(pairs: list[Any]) -> int:
    """Un-escape the message text of training pairs in place (history included); the number of texts fixed."""
    fixed = 0
    for pair in pairs:
        if not isinstance(pair, dict):
            continue
        fixed += sum(_fix(pair, key) for key in PAIR_TEXT)
        history = pair.get("conversation_history")
        if isinstance(history, list):
            fixed += fix_turns(history)
    return fixed
