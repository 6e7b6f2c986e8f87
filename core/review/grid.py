"""Pure mapping between a grid page and the table a reviewer sees — no Streamlit here.

Rows show names and plain words, never keys: the conversation as "client · arc", the review status in
the words and colour of ``core.models.status_labels``, quality, enrichment, the date, and a flag for a
conversation that was cut off. Secondary columns are chosen by the reviewer. The selection is a list of
conversation ids kept across pages and sorts; the table only knows row positions on the page shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from core.dates import day, moment
from core.models.status_labels import status_label
from core.review.names import Names, words
from core.review.queries import GridPage

PRIMARY = ("Conversation", "Status", "Quality", "Enrichment", "Date", "Flag")
SECONDARY = ("Topic", "Kind", "Turns", "Reviewed by", "Reviewed on")
#: The secondary columns shown until the reviewer chooses: the topic tells rows of one client and journey apart.
DEFAULT_SECONDARY = ("Topic",)
#: The address value for "no secondary column" (an empty ``cols`` means the default).
NO_COLUMNS = "none"
#: Sort choices: (database column, descending) -> what the reviewer reads.
SORTS: dict[tuple[str, bool], str] = {
    ("created_at", True): "Newest first",
    ("created_at", False): "Oldest first",
    ("quality_score", True): "Quality, highest first",
    ("quality_score", False): "Quality, lowest first",
    ("review_status", False): "Status",
    ("enrichment_status", False): "Enrichment",
    ("conversation_name", False): "Client, A to Z",
    ("topic_key", False): "Topic",
    ("turn_count", True): "Most turns first",
    ("reviewed_by", False): "Reviewer",
}
TRUNCATED = "Cut off"
#: Text colours for the status words (the colour names of ``status_labels``).
HEX: dict[str, str] = {
    "green": "#15803d",
    "orange": "#b45309",
    "red": "#b91c1c",
    "violet": "#6d28d9",
    "blue": "#1d4ed8",
    "gray": "#4b5563",
}


def grid_records(page: GridPage, names: Names) -> list[dict[str, Any]]:
    """The page as table rows (every column; the page picks which to show)."""
    return [
        {
            "Conversation": names.title(r.conversation_name, r.persona_key, r.emotional_arc_key),
            "Status": status_label("review", r.review_status).text,
            "Quality": r.quality_score,
            "Enrichment": status_label("enrichment", r.enrichment_status).text,
            "Date": day(r.created_at),
            "Flag": TRUNCATED if r.is_truncated else "",
            "Topic": names.topic(r.topic_key),
            "Kind": words(r.tier),
            "Turns": r.turn_count,
            "Reviewed by": r.reviewed_by or "",
            "Reviewed on": moment(r.reviewed_at) if r.reviewed_at else "",
        }
        for r in page.rows
    ]


def status_colours(page: GridPage) -> list[str]:
    """The CSS colour of each row's status words, in row order."""
    return [HEX[status_label("review", r.review_status).colour] for r in page.rows]


def columns_shown(secondary: Iterable[str]) -> list[str]:
    """The primary columns and the chosen secondary ones, in a fixed order."""
    chosen = set(secondary)
    return [*PRIMARY, *(c for c in SECONDARY if c in chosen)]


def positions(page_ids: Sequence[str], selected: Iterable[str]) -> list[int]:
    """Row positions on this page of the selected ids (to show the selection after a sort or page change)."""
    chosen = set(selected)
    return [i for i, conversation_id in enumerate(page_ids) if conversation_id in chosen]


def merge_selection(selected: Sequence[str], page_ids: Sequence[str], rows: Iterable[int]) -> list[str]:
    """The selection after the reviewer ticked ``rows`` on this page: rows of other pages stay selected."""
    on_page = set(page_ids)
    ticked = [page_ids[i] for i in sorted(set(rows)) if 0 <= i < len(page_ids)]
    kept = [i for i in selected if i not in on_page]
    return kept + ticked


def keep_present(selected: Sequence[str], present: Iterable[str]) -> list[str]:
    """The selection without ids that left the filtered set (after an action moved them out)."""
    still = set(present)
    return [i for i in selected if i in still]
