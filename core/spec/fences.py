"""Fenced code blocks in Markdown written by language models, and whether each one is trustworthy.

CommonMark rules decide where a fence opens and closes. On top of that, a fence *looks open* (someone
forgot to close it) when it is never closed, or when it holds a line like ```` ```sql ````: an opening
fence with a language, as long as the fence itself. Such a line cannot close the block, so its author
thought the previous block was already closed, and every later fence is out of step. Text inside a fence
that looks open is not trusted to be code: section and feature headings in it still count.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")


class Fence(BaseModel):
    """An opening fence: its character, length, 0-based line and info string (the language)."""

    model_config = ConfigDict(frozen=True)

    char: str
    length: int
    index: int
    info: str

    @property
    def line(self) -> int:
        return self.index + 1


def opening_fence(line: str, index: int) -> Fence | None:
    """The fence ``line`` opens, or None (a backtick fence's info string may not hold a backtick)."""
    match = FENCE_OPEN.match(line)
    if match is None:
        return None
    marker, info = match.group(1), match.group(2).strip()
    if marker[0] == "`" and "`" in info:
        return None
    return Fence(char=marker[0], length=len(marker), index=index, info=info)


def closes(fence: Fence, line: str) -> bool:
    """True when ``line`` closes ``fence``: the same character, at least as long, nothing after it."""
    stripped = line.strip()
    indent = len(line) - len(line.lstrip(" "))
    return indent <= 3 and bool(stripped) and set(stripped) == {fence.char} and len(stripped) >= fence.length


def _confuses(fence: Fence, line: str) -> bool:
    """A line inside ``fence`` that opens a block with a language and would have closed it if bare."""
    inner = opening_fence(line, 0)
    return inner is not None and bool(inner.info) and inner.char == fence.char and inner.length >= fence.length


def find_close(lines: list[str], fence: Fence) -> tuple[int | None, bool]:
    """0-based line closing ``fence`` (None when it runs to the end), and whether the fence looks open."""
    confused = False
    for index in range(fence.index + 1, len(lines)):
        line = lines[index]
        if closes(fence, line):
            return index, confused
        confused = confused or _confuses(fence, line)
    return None, True


class FenceScan(BaseModel):
    """Per line: inside a fence (fence lines included) and inside a fence that looks open.

    ``unclosed`` holds the 1-based opening line of every fence that looks open.
    """

    code: list[bool]
    suspect: list[bool]
    unclosed: list[int]


def scan_fences(lines: list[str]) -> FenceScan:
    """Mark the fenced lines of ``lines``, and the ones whose fence looks open."""
    code = [False] * len(lines)
    suspect = [False] * len(lines)
    unclosed: list[int] = []
    index = 0
    while index < len(lines):
        fence = opening_fence(lines[index], index)
        if fence is None:
            index += 1
            continue
        close, looks_open = find_close(lines, fence)
        end = close if close is not None else len(lines) - 1
        for position in range(fence.index, end + 1):
            code[position] = True
            suspect[position] = looks_open
        if looks_open:
            unclosed.append(fence.line)
        index = end + 1
    return FenceScan(code=code, suspect=suspect, unclosed=unclosed)


def trusted_text_lines(lines: list[str]) -> list[bool]:
    """True for lines read as Markdown text: outside fences, or inside a fence that looks open."""
    scan = scan_fences(lines)
    return [not code or suspect for code, suspect in zip(scan.code, scan.suspect, strict=True)]
