"""The review service: reads for the grid, the queue and the detail view, plus decisions
(``core.review.decisions``) and annotations (``core.review.annotations``).

It gets its storage ports and collaborators from ``core.bootstrap`` (``review_service``): the conversation
store, the ``Transactions`` unit of work, ``ConversationRows``, the ``ReviewLog``, the ``ReviewGrid`` queries
and the ``ScaffoldingRows`` (names); enrichment and training files as factories, since a turn edit re-enriches
and the grid adds to training files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from core.conversations.store import ConversationStore
from core.errors import ConflictError
from core.models.review import ReviewAction, ReviewGrade, TurnRating, TurnRevision
from core.models.review_grid import GridFilters, GridPage, GridQuery
from core.models.statuses import ENRICHED
from core.review import integrations, queries, queue, ratings
from core.review.agreement import Agreement, agreement
from core.review.annotations import Annotations
from core.review.decisions import Decisions
from core.review.detail import ConversationDetail, load_detail
from core.review.guards import Risk, approval_risks
from core.review.names import Names, load_names
from core.storage.ports import ConversationRows, ReviewGrid, ReviewLog, ScaffoldingRows, Transactions
from core.storage.ports.blobs import CONVERSATION_FILES, owned_conversation_path


class ReviewService(Decisions, Annotations):
    """Review reads, decisions and annotations. A service built without ``enricher`` / ``training_files`` is
    for reads, decisions and ratings only (a turn edit then saves but does not re-enrich)."""

    def __init__(
        self,
        store: ConversationStore,
        *,
        transactions: Transactions,
        conversations: ConversationRows,
        log: ReviewLog,
        grid: ReviewGrid,
        scaffolding: ScaffoldingRows,
        enricher: Callable[[], integrations.Enricher] | None = None,
        training_files: Callable[[], integrations.TrainingFiles] | None = None,
    ) -> None:
        self.store = store
        self.transactions = transactions
        self.conversations = conversations
        self.log = log
        self.grid = grid
        self.scaffolding = scaffolding
        self._enricher = enricher
        self._training_files = training_files

    # -- the grid ---------------------------------------------------------------------------------
    def page(self, query: GridQuery) -> GridPage:
        return self.grid.page(query)

    def neighbours(self, query: GridQuery, conversation_id: str) -> tuple[str | None, str | None]:
        return queries.neighbours(self.grid, query, conversation_id)

    def filter_options(self) -> dict[str, list[str]]:
        return self.grid.filter_options()

    def names(self) -> Names:
        """Persona, arc and topic display names by key, for titles and the grid."""
        return load_names(self.scaffolding)

    def exists(self, conversation_id: str) -> bool:
        return self.conversations.find(conversation_id) is not None

    def has_conversations(self) -> bool:
        return self.conversations.count(where={"is_active": True}) > 0

    # -- one conversation ---------------------------------------------------------------------------
    def detail(self, conversation_id: str) -> ConversationDetail:
        return load_detail(self.store, self.log, self.scaffolding, conversation_id)

    def history(self, conversation_id: str) -> list[ReviewAction]:
        """The review history, newest first."""
        return self.log.history(conversation_id)

    def turn_ratings(self, conversation_id: str) -> dict[int, str]:
        """``{turn_number: good|needs_work|bad}``, the latest rating of each turn by any reviewer: the
        export feature reads these as loss weights (``ratings_for``)."""
        return ratings.latest_ratings(self.log, conversation_id)

    def ratings_by_reviewer(self, conversation_id: str) -> dict[str, dict[int, TurnRating]]:
        return ratings.ratings_by_reviewer(self.log, conversation_id)

    def grades_by_reviewer(self, conversation_id: str) -> dict[str, ReviewGrade]:
        return ratings.grades_by_reviewer(self.log, conversation_id)

    def agreement(self) -> Agreement:
        """How alike reviewers rate the turns they both rated (share alike and Cohen's kappa)."""
        return agreement(self.log.all_ratings())

    def revisions(self, conversation_id: str) -> list[TurnRevision]:
        return self.log.revisions(conversation_id)

    def latest_grade(self, conversation_id: str, reviewer: str | None = None) -> ReviewGrade | None:
        """The latest grade of the conversation (of ``reviewer`` when given)."""
        return self.log.latest_grade(conversation_id, reviewer)

    def download(self, conversation_id: str, kind: str) -> tuple[str, bytes]:
        """``(file_name, bytes)`` of the exact raw reply (``raw``) or the enriched file (``enriched``)."""
        row = self.conversations.get(conversation_id)
        raw, enriched = (
            owned_conversation_path(row.created_by, p) for p in (row.raw_response_path, row.enriched_file_path)
        )
        if kind == "raw" and raw:
            return f"{conversation_id}.json", self.store.blobs.get(CONVERSATION_FILES, raw)
        if kind == "enriched" and enriched and row.enrichment_status in ENRICHED:
            return f"{conversation_id}-enriched.json", self.store.blobs.get(CONVERSATION_FILES, enriched)
        raise ConflictError(
            f"'{row.conversation_name}' has no {kind} JSON to download (enrichment: {row.enrichment_status}).",
            hint="Enrich it first." if kind == "enriched" else None,
        )

    # -- the queue ------------------------------------------------------------------------------
    def next_pending(self, query: GridQuery, current: str | None = None, *, skip: Iterable[str] = ()) -> str | None:
        """The next conversation waiting for review after ``current`` in the grid's order."""
        return self.grid.next_pending(query, current, skip=skip)

    def step(self, query: GridQuery, current: str, delta: int) -> str | None:
        """The conversation ``delta`` places from ``current`` in the grid's order (previous / next)."""
        return queue.step(self.grid.ordered_statuses(query), current, delta)

    def still_matching(self, filters: GridFilters, ids: list[str]) -> list[str]:
        """``ids`` (in their order) that are still in the filtered set."""
        found = self.grid.matching_ids(filters, ids)
        return [i for i in ids if i in found]

    def approval_risks(self, ids: list[str]) -> dict[str, list[Risk]]:
        """The approval risks of each of ``ids`` that has any (not enriched, not scored, truncated)."""
        rows = self.conversations.list(where={"conversation_id": ids}) if ids else []
        return {r.conversation_id: risks for r in rows if (risks := approval_risks(r))}

    def progress(self, filters: GridFilters, reviewer: str | None = None) -> str:
        """``"You reviewed 12 today · 188 waiting"`` over the filtered set: ``reviewer``'s own reviews of today
        (everyone's without one: "12 reviewed today · 188 waiting")."""
        done, waiting = self.grid.day_progress(filters, queue.start_of_day(), reviewer)
        return queue.progress_text(done, waiting, mine=reviewer is not None)
