"""What the work cost: spend over time by model, by job and by template, and per conversation and training file.

Every figure comes from ``generation_logs`` (one row per model call, priced when it was made). Pages
draw these rows; nothing here knows about charts. Rows the demo dataset wrote (``is_demo``: what its
conversations would have cost) are never spend: they are left out of every real figure and reported apart,
as ``CostReport.demo``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Literal, NamedTuple

from pydantic import BaseModel, Field

from core.models.conversation import Conversation
from core.models.spend import SpendRow
from core.names import Names
from core.storage.ports import ConversationRows, SpendLog, TrainingFileRows

GroupBy = Literal["model", "job", "template", "purpose"]
SINGLE = "Single generations"
PURPOSES = {
    "generate": "Writing conversations",
    "judge": "Quality judge",
    "key_test": "Key test",
    "draft_starter": "Drafting clients, journeys and topics",
}


class SpendPoint(BaseModel):
    day: date
    group: str
    cost_usd: float
    calls: int


class CostLine(BaseModel):
    name: str
    cost_usd: float
    calls: int = 0
    conversations: int = 0


class CostReport(BaseModel):
    total_usd: float = 0.0
    calls: int = 0
    first_day: date | None = None
    last_day: date | None = None
    over_time: dict[str, list[SpendPoint]] = Field(default_factory=dict)
    totals: dict[str, list[CostLine]] = Field(default_factory=dict)
    conversations: list[CostLine] = Field(default_factory=list)
    training_files: list[CostLine] = Field(default_factory=list)
    #: The demo dataset's figures, apart from real spend (``None`` when the demo is not loaded).
    demo: CostReport | None = None


def _group_name(row: SpendRow, group: GroupBy, names: Names, jobs: dict[str, str]) -> str:
    if group == "model":
        return row.model or "unknown model"
    if group == "job":
        return jobs.get(row.job_id or "", "Deleted job") if row.job_id else SINGLE
    if group == "template":
        return names.template(row.template_id)
    return PURPOSES.get(row.purpose, row.purpose.replace("_", " ").capitalize())


def spend_over_time(rows: list[SpendRow], group: GroupBy, names: Names, jobs: dict[str, str]) -> list[SpendPoint]:
    """Cost per day and group, days in order (a day with no spend in a group is simply absent)."""
    cells: dict[tuple[date, str], list[float]] = defaultdict(lambda: [0.0, 0])
    for row in rows:
        cell = cells[(row.created_at.date(), _group_name(row, group, names, jobs))]
        cell[0] += row.cost_usd
        cell[1] += 1
    return [
        SpendPoint(day=day, group=name, cost_usd=round(cost, 6), calls=int(calls))
        for (day, name), (cost, calls) in sorted(cells.items())
    ]


def totals(points: list[SpendPoint]) -> list[CostLine]:
    """The groups of ``points`` with their total, most expensive first."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for point in points:
        sums[point.group][0] += point.cost_usd
        sums[point.group][1] += point.calls
    lines = [CostLine(name=name, cost_usd=round(cost, 6), calls=int(calls)) for name, (cost, calls) in sums.items()]
    return sorted(lines, key=lambda line: (-line.cost_usd, line.name))


def conversation_costs(rows: list[SpendRow]) -> dict[str, float]:
    """Conversation id → every call made for it (writing, judging, regenerating)."""
    costs: dict[str, float] = defaultdict(float)
    for row in rows:
        if row.conversation_id:
            costs[row.conversation_id] += row.cost_usd
    return {key: round(value, 6) for key, value in costs.items()}


class CostSources(NamedTuple):
    """Where the cost view reads from: the spend log, and the conversations and training files it names."""

    spend: SpendLog
    conversations: ConversationRows
    training_files: TrainingFileRows


def cost_report(sources: CostSources, names: Names) -> CostReport:
    """Everything the cost view shows: real spend, and the demo's figures apart."""
    rows = sources.spend.rows()
    real = [r for r in rows if not r.is_demo]
    demo = [r for r in rows if r.is_demo]
    report = _report(sources, names, real)
    if demo:
        report.demo = _report(sources, names, demo)
    return report


def _report(sources: CostSources, names: Names, rows: list[SpendRow]) -> CostReport:
    if not rows:
        return CostReport()
    jobs = sources.spend.job_names()
    over_time = {group: spend_over_time(rows, group, names, jobs) for group in ("model", "job", "template", "purpose")}
    per_conversation = conversation_costs(rows)
    conversations: dict[str, Conversation] = {
        c.conversation_id: c for c in sources.conversations.list(where={"conversation_id": list(per_conversation)})
    }
    calls: dict[str, int] = defaultdict(int)
    for row in rows:
        calls[row.conversation_id or ""] += 1
    by_conversation = [
        CostLine(name=names.conversation(conversations[cid]), cost_usd=cost, calls=calls[cid])
        for cid, cost in per_conversation.items()
        if cid in conversations
    ]
    files = []
    for training_file in sources.training_files.files.list(order_by="created_at", descending=True):
        members = sources.training_files.member_ids(training_file.id)
        cost = sum(per_conversation.get(conversation_id, 0.0) for conversation_id in members)
        files.append(CostLine(name=training_file.name, cost_usd=round(cost, 6), conversations=len(members)))
    return CostReport(
        total_usd=round(sum(r.cost_usd for r in rows), 6),
        calls=len(rows),
        first_day=rows[0].created_at.date(),
        last_day=rows[-1].created_at.date(),
        over_time=over_time,
        totals={group: totals(points) for group, points in over_time.items()},
        conversations=sorted(by_conversation, key=lambda line: (-line.cost_usd, line.name)),
        training_files=files,
    )
