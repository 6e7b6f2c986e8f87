"""Dataset insight for the Export page: coverage persona × arc × topic, distributions, near-duplicates.

Coverage axes are the active scaffolding, so a combination never generated still shows, as a gap.
A cell is a gap when it is *suited* (no compatibility warning: the arc and topic list each other and
the persona, or have no lists) and has fewer approved conversations than the target. ``gap_triples``
is the pure list a batch plan is made from.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable

from datasketch import MinHash, MinHashLSH
from pydantic import BaseModel, Field

from core.models.conversation import Conversation
from core.scaffolding.compatibility import check_compatibility
from core.scaffolding.service import ScaffoldingService

Triple = tuple[str, str, str]
WORD = re.compile(r"[a-z0-9']+")
NONE = "(none)"


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


class Insight(BaseModel):
    conversations: int
    coverage: Coverage
    distributions: dict[str, dict[str, int]]
    near_duplicates: list[tuple[str, str, float]] = Field(default_factory=list)
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
        cell[1] += row.review_status == "approved"
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


def coverage_rows(cov: Coverage) -> list[dict[str, str]]:
    """The matrix for display: one row per persona × arc, one column per topic, cells ``approved/generated``.

    A gap cell ends with ``" !"`` so the page can highlight it without knowing the rule.
    """
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for c in cov.cells:
        row = rows.setdefault((c.persona_key, c.arc_key), {"persona": c.persona_key, "arc": c.arc_key})
        row[c.topic_key] = f"{c.approved}/{c.generated}" + (" !" if c.suited and c.approved < 1 else "")
    return list(rows.values())


def _bucket(value: float | None, width: float) -> str:
    if value is None:
        return NONE
    low = int(value / width) * width
    return f"{low:g}–{low + width:g}"


def distributions(rows: Iterable[Conversation]) -> dict[str, dict[str, int]]:
    """Counts behind the charts: emotions, intensities, turns, estimated tokens, quality."""
    tables: dict[str, Counter[str]] = {
        name: Counter() for name in ("starting_emotion", "ending_emotion", "intensity", "turns", "tokens", "quality")
    }
    for row in rows:
        tables["starting_emotion"][row.starting_emotion or NONE] += 1
        tables["ending_emotion"][row.ending_emotion or NONE] += 1
        tables["intensity"][_bucket(row.emotional_intensity_start, 0.2)] += 1
        tables["turns"][str(row.turn_count)] += 1
        tables["tokens"][_bucket(len(row.search_text) / 4, 500)] += 1
        tables["quality"][_bucket(row.quality_score, 0.5)] += 1
    return {name: dict(sorted(counts.items())) for name, counts in tables.items()}


def _minhash(text: str, num_perm: int) -> MinHash:
    words = WORD.findall(text.lower())
    shingles = {" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))}
    signature = MinHash(num_perm=num_perm)
    for shingle in shingles:
        signature.update(shingle.encode("utf-8"))
    return signature


def near_duplicates(
    texts: dict[str, str], *, threshold: float = 0.8, num_perm: int = 128
) -> list[tuple[str, str, float]]:
    """Pairs of conversations whose word 3-grams overlap at least ``threshold`` (MinHash estimate)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    signatures = {key: _minhash(text, num_perm) for key, text in texts.items() if text.strip()}
    found: set[tuple[str, str, float]] = set()
    for key, signature in signatures.items():
        for other in lsh.query(signature):
            similarity = round(signature.jaccard(signatures[other]), 2)
            if similarity >= threshold:
                found.add((*sorted((key, other)), similarity))  # type: ignore[arg-type]
        lsh.insert(key, signature)
    return sorted(found, key=lambda f: (-f[2], f[0], f[1]))


def repeated_openings(texts: dict[str, str], *, words: int = 8) -> list[list[str]]:
    """Groups of conversations whose first ``words`` words are the same (a template showing through)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for key, text in texts.items():
        opening = " ".join(WORD.findall(text.lower())[:words])
        if opening:
            groups[opening].append(key)
    return sorted((sorted(ids) for ids in groups.values() if len(ids) > 1), key=lambda g: (-len(g), g))


def dataset_insight(scaffolding: ScaffoldingService, *, threshold: float = 0.8) -> Insight:
    """Everything the Export page shows about the active conversations."""
    rows = scaffolding.db.conversations.list(where={"is_active": True}, order_by=("created_at", "conversation_id"))
    texts = {r.conversation_id: r.search_text for r in rows}
    return Insight(
        conversations=len(rows),
        coverage=coverage(rows, scaffolding),
        distributions=distributions(rows),
        near_duplicates=near_duplicates(texts, threshold=threshold),
        repeated_openings=repeated_openings(texts),
    )
