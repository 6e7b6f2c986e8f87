"""Dataset insight for the Export page: coverage persona × arc × topic, distributions, near-duplicates.

Coverage axes are the active scaffolding, so a combination never generated still shows, as a gap.
A cell is a gap when it is *suited* (no compatibility warning: the arc and topic list each other and
the persona, or have no lists) and has fewer approved conversations than the target. ``gap_triples``
is the pure list a batch plan is made from; ``heatmap`` sums the cells per persona × arc, with names,
for the chart. Everything here is data: the page only draws it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, Field

from core.conversations.store import ConversationStore
from core.export.duplicates import matching_passages, near_duplicates, repeated_openings
from core.export.histograms import Category, Histogram, capped_histogram, categories, histogram
from core.models.conversation import Conversation
from core.models.statuses import Review
from core.names import Names
from core.scaffolding.compatibility import check_compatibility
from core.scaffolding.service import ScaffoldingService
from core.storage.ports import Rows

Triple = tuple[str, str, str]
NONE = "(none)"
PASSAGE_CHARS = 600


class Cell(BaseModel):
    persona_key: str
    arc_key: str
    topic_key: str
    generated: int = 0
    approved: int = 0
    suited: bool = True


class Coverage(BaseModel):
    personas: list[str]
    arcs: list[str]
    topics: list[str]
    cells: list[Cell]


class HeatCell(BaseModel):
    """One persona × arc square: totals over its topics, and the suited topics with no approved one."""

    persona_key: str
    arc_key: str
    persona: str
    arc: str
    generated: int
    approved: int
    suited_topics: int
    gaps: list[str]


class DuplicatePair(BaseModel):
    """Two conversations that say nearly the same thing, with the passages that match."""

    left_id: str
    right_id: str
    left_name: str
    right_name: str
    similarity: float
    left_passage: str = ""
    right_passage: str = ""
    left_turn: int | None = None
    right_turn: int | None = None


class Insight(BaseModel):
    conversations: int
    coverage: Coverage
    heatmap: list[HeatCell] = Field(default_factory=list)
    histograms: dict[str, Histogram] = Field(default_factory=dict)
    emotions: dict[str, list[Category]] = Field(default_factory=dict)
    near_duplicates: list[DuplicatePair] = Field(default_factory=list)
    repeated_openings: list[list[str]] = Field(default_factory=list)


def keys_of(row: Conversation) -> Triple:
    """The row's scaffolding keys, else those its input parameters carried (imports)."""
    params = row.input_parameters or {}
    return (
        row.persona_key or params.get("persona_key") or NONE,
        row.emotional_arc_key or params.get("emotional_arc_key") or NONE,
        row.topic_key or params.get("training_topic_key") or NONE,
    )


def coverage(rows: Iterable[Conversation], scaffolding: ScaffoldingService) -> Coverage:
    personas = {p.persona_key: p for p in scaffolding.list("personas", active_only=True)}
    arcs = {a.arc_key: a for a in scaffolding.list("arcs", active_only=True)}
    topics = {t.topic_key: t for t in scaffolding.list("topics", active_only=True)}
    counts: dict[Triple, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        cell = counts[keys_of(row)]
        cell[0] += 1
        cell[1] += row.review_status == Review.APPROVED
    axes = [sorted(set(known) | {k[i] for k in counts}) for i, known in enumerate((personas, arcs, topics))]
    cells = []
    for p in axes[0]:
        for a in axes[1]:
            for t in axes[2]:
                generated, approved = counts.get((p, a, t), [0, 0])
                found = (personas.get(p), arcs.get(a), topics.get(t))
                suited = None not in found and check_compatibility(*found).score == 1.0
                cells.append(
                    Cell(persona_key=p, arc_key=a, topic_key=t, generated=generated, approved=approved, suited=suited)
                )
    return Coverage(personas=axes[0], arcs=axes[1], topics=axes[2], cells=cells)


def gap_triples(cov: Coverage, *, min_approved: int = 1) -> list[Triple]:
    """Suited combinations with fewer than ``min_approved`` approved conversations: what to generate next."""
    return [(c.persona_key, c.arc_key, c.topic_key) for c in cov.cells if c.suited and c.approved < min_approved]


def batch_commands(gaps: list[Triple]) -> list[str]:
    """``python -m core batch create`` commands covering exactly ``gaps`` (one per persona and arc)."""
    topics: dict[tuple[str, str], list[str]] = defaultdict(list)
    for persona, arc, topic in gaps:
        topics[(persona, arc)].append(topic)
    return [
        f"python -m core batch create --personas {p} --arcs {a} --topics {','.join(ts)}"
        for (p, a), ts in topics.items()
    ]


def heatmap(cov: Coverage, names: Names, *, min_approved: int = 1) -> list[HeatCell]:
    """Persona × arc squares (every pair, so an empty one shows), with names and the gaps inside each."""
    squares: dict[tuple[str, str], HeatCell] = {}
    for c in cov.cells:
        square = squares.get((c.persona_key, c.arc_key))
        if square is None:
            square = squares[(c.persona_key, c.arc_key)] = HeatCell(
                persona_key=c.persona_key,
                arc_key=c.arc_key,
                persona=names.persona(c.persona_key),
                arc=names.arc(c.arc_key),
                generated=0,
                approved=0,
                suited_topics=0,
                gaps=[],
            )
        square.generated += c.generated
        square.approved += c.approved
        if c.suited:
            square.suited_topics += 1
            if c.approved < min_approved:
                square.gaps.append(c.topic_key)
    return list(squares.values())


def plan_for(cells: Iterable[HeatCell]) -> list[dict[str, str]]:
    """The gap combinations of these squares, in the shape the Batch jobs page takes a plan in."""
    return [{"persona_key": c.persona_key, "arc_key": c.arc_key, "topic_key": t} for c in cells for t in c.gaps]


def histograms(rows: list[Conversation]) -> dict[str, Histogram]:
    """The numeric distributions, each in numeric order with numeric bin edges."""
    return {
        "quality": capped_histogram(
            [r.quality_score for r in rows], width=0.25, top=5.0, title="Quality score", unit="score (1–5)"
        ),
        "intensity": capped_histogram(
            [r.emotional_intensity_start for r in rows],
            width=0.1,
            top=1.0,
            title="Opening intensity",
            unit="intensity (0–1)",
        ),
        "turns": histogram([r.turn_count for r in rows], width=1, title="Turns", unit="turns", whole_numbers=True),
        "tokens": histogram(
            [len(r.search_text) / 4 for r in rows], width=250, title="Length", unit="tokens (estimated)"
        ),
    }


def _turn_texts(store: ConversationStore, row: Conversation) -> list[str]:
    parsed = store.read_json(row.file_path) or {}
    return [str(t.get("content", "")) for t in parsed.get("turns", []) if isinstance(t, dict)]


def _clip(text: str) -> str:
    return text if len(text) <= PASSAGE_CHARS else text[: PASSAGE_CHARS - 1].rstrip() + "…"


def explain_pairs(
    pairs: list[tuple[str, str, float]],
    by_id: dict[str, Conversation],
    names: Names,
    store: ConversationStore | None,
) -> list[DuplicatePair]:
    """Each pair with both conversations' names and, when the files can be read, the passages that match."""
    explained = []
    for left, right, similarity in pairs:
        pair = DuplicatePair(
            left_id=left,
            right_id=right,
            left_name=names.conversation(by_id[left]),
            right_name=names.conversation(by_id[right]),
            similarity=similarity,
        )
        if store is not None:
            lefts, rights = _turn_texts(store, by_id[left]), _turn_texts(store, by_id[right])
            if lefts and rights:
                i, j, _ = matching_passages(lefts, rights)
                pair.left_passage, pair.right_passage = _clip(lefts[i]), _clip(rights[j])
                pair.left_turn, pair.right_turn = i + 1, j + 1
        explained.append(pair)
    return explained


def insight_version(scaffolding: ScaffoldingService, store: ConversationStore) -> tuple[tuple[int, str], ...]:
    """A cheap fingerprint of what ``dataset_insight`` reads (counts and latest edits of the conversations and
    the scaffolding): the page recomputes the insight only when this changes."""
    scaffolding_rows = scaffolding.rows
    parts = []
    repos: tuple[Rows[Any], ...] = (
        store.rows,
        scaffolding_rows.personas,
        scaffolding_rows.arcs,
        scaffolding_rows.topics,
        scaffolding_rows.expert_profiles,
    )
    for repo in repos:
        latest = repo.list(order_by="updated_at", descending=True, limit=1)
        parts.append((repo.count(), latest[0].updated_at.isoformat() if latest else ""))
    return tuple(parts)


def dataset_insight(scaffolding: ScaffoldingService, store: ConversationStore, *, threshold: float = 0.8) -> Insight:
    """Everything the Export page shows about the active conversations."""
    rows = store.rows.list(where={"is_active": True}, order_by=("created_at", "conversation_id"))
    by_id = {r.conversation_id: r for r in rows}
    names = Names.of(scaffolding)
    texts = {r.conversation_id: r.search_text for r in rows}
    cov = coverage(rows, scaffolding)
    openings = repeated_openings(texts)
    return Insight(
        conversations=len(rows),
        coverage=cov,
        heatmap=heatmap(cov, names),
        histograms=histograms(rows),
        emotions={
            "Opening emotion": categories(r.starting_emotion for r in rows),
            "Closing emotion": categories(r.ending_emotion for r in rows),
        },
        near_duplicates=explain_pairs(near_duplicates(texts, threshold=threshold), by_id, names, store),
        repeated_openings=[[names.conversation(by_id[i]) for i in group] for group in openings],
    )
