"""Every CSV the app writes or reads goes through here, so a cell is never a live spreadsheet formula.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some, a tab or a carriage
return) as a formula: a persona named ``=HYPERLINK(...)`` would become a link in the reader's sheet. Such a
cell is written with a leading ``'`` (the usual spreadsheet-safety rule; a spreadsheet shows the text as is)
and the quote is taken off again on import, so values round-trip. A value that itself starts with quotes
before such a character gets one more quote, so reading back never eats a quote that was part of the value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping

#: What a spreadsheet reads as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def escape_cell(value: str) -> str:
    """``value`` as a cell a spreadsheet shows as text."""
    return QUOTE + value if value.lstrip(QUOTE).startswith(FORMULA_STARTS) else value


def unescape_cell(value: str) -> str:
    """The value :func:`escape_cell` was given."""
    if value.startswith(QUOTE) and value.lstrip(QUOTE).startswith(FORMULA_STARTS):
        return value[1:]
    return value


def write_csv(fieldnames: list[str], rows: Iterable[Mapping[str, str]]) -> str:
    """A CSV text with a header, every cell escaped."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[escape_cell(name) for name in fieldnames])
    writer.writeheader()
    for row in rows:
        writer.writerow({escape_cell(k): escape_cell(v) for k, v in row.items()})
    return out.getvalue()


class CsvRows:
    """The rows of a CSV text as dicts, every cell (and header) unescaped; ``fieldnames`` is the header."""

    def __init__(self, text: str) -> None:
        self._reader = csv.DictReader(io.StringIO(text))
        names = self._reader.fieldnames
        self.fieldnames: list[str] | None = [unescape_cell(n) for n in names] if names else None
        if self.fieldnames is not None:
            self._reader.fieldnames = self.fieldnames

    def __iter__(self) -> Iterator[dict[str, str | None]]:
        for row in self._reader:
            yield {k: (unescape_cell(v) if isinstance(v, str) else None) for k, v in row.items() if k is not None}
