"""KTO JSONL (TRL's conversational unpaired preference format): ``{"prompt", "completion", "label"}``.

The label is the review decision: approved -> true, rejected -> false. A turn rated by a reviewer
overrides it for that turn's example (``good`` -> true). Conversations with no decision are skipped.
"""

from __future__ import annotations

from typing import Any

from core.export.common import ExportOptions
from core.export.selection import ExportItem
from core.models.statuses import KTO_DEFAULT, Review

DEFAULT_STATUSES: tuple[str, ...] = KTO_DEFAULT


def records(item: ExportItem, options: ExportOptions) -> list[dict[str, Any]]:
    status = item.row.review_status
    if status not in DEFAULT_STATUSES:
        return []
    ratings = options.ratings_for(item.row.conversation_id)
    out = []
    for example in options.examples(item):
        chat = [{"role": m.role, "content": m.content} for m in example.chat()]
        answer = example.messages[-1]
        rated = ratings.get(answer.turn_number) if answer.turn_number is not None else None
        label = rated == "good" if rated is not None else status == Review.APPROVED
        out.append({"prompt": chat[:-1], "completion": chat[-1:], "label": label})
    return out
