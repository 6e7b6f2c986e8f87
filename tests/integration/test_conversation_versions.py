"""Item 4 of issue 13: writers of one conversation cannot silently overwrite each other (a version checked on
write). Two turn edits racing keep both; an edit of the same turn meanwhile is a conflict in plain words;
enrichment racing a turn edit re-runs on the edited text instead of ending ``completed`` without it; a review
decision made on an old version is refused. SQLite and the real PostgreSQL."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from core.bootstrap import conversation_store, scaffolding_service
from core.conversations.store import ConversationStore
from core.conversations.versions import VersionConflict
from core.errors import ConflictError
from core.review import revisions
from core.storage.blobs import CONVERSATION_FILES, LocalBlobStore
from core.storage.database import Database
from core.storage.review_log_repo import ReviewLogRepo
from tests.support.review_data import add_conversation

TURNS = ("I am worried about {n}.", "Let us look at it.", "What should I do first?", "Start with the budget.")


@pytest.fixture
def store(db: Database, tmp_path: Path) -> ConversationStore:
    return conversation_store(db, LocalBlobStore(tmp_path / "buckets"))


def turns_of(store: ConversationStore, conversation_id: str) -> list[str]:
    row = store.rows.get(conversation_id)
    return [t["content"] for t in (store.read_json(row.file_path) or {})["turns"]]


def test_an_edit_that_lost_the_race_is_applied_again_on_the_fresh_file(
    store: ConversationStore, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = add_conversation(store, *(t.format(n="rent") for t in TURNS))
    read = store.read_json
    raced = []

    def read_then_someone_else_edits(path: str | None) -> dict | None:
        data = read(path)
        if not raced:  # between A's read and A's write, B edits another turn
            raced.append(path)
            revisions.edit_turn(store, ReviewLogRepo(db), c.conversation_id, 4, "B: start with the fixed costs.", "B")
        return data

    monkeypatch.setattr(store, "read_json", read_then_someone_else_edits)
    revisions.edit_turn(store, ReviewLogRepo(db), c.conversation_id, 2, "A: let us look at it together.", "A")
    turns = turns_of(store, c.conversation_id)
    assert turns[1] == "A: let us look at it together." and turns[3] == "B: start with the fixed costs."
    assert len(db.turn_revisions.list(where={"conversation_id": c.conversation_id})) == 2
    assert store.rows.get(c.conversation_id).row_version == c.row_version + 2


def test_an_edit_of_a_turn_someone_else_just_changed_is_a_conflict(
    store: ConversationStore, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    c = add_conversation(store, *(t.format(n="rent") for t in TURNS))
    read = store.read_json
    raced = []

    def read_then_same_turn_edited(path: str | None) -> dict | None:
        data = read(path)
        if not raced:
            raced.append(path)
            revisions.edit_turn(store, ReviewLogRepo(db), c.conversation_id, 2, "B's words.", "B")
        return data

    monkeypatch.setattr(store, "read_json", read_then_same_turn_edited)
    with pytest.raises(ConflictError, match="changed by someone else"):
        revisions.edit_turn(store, ReviewLogRepo(db), c.conversation_id, 2, "A's words.", "A")
    assert turns_of(store, c.conversation_id)[1] == "B's words."  # B's edit is kept, A's is not applied
    files = store.blobs.list(CONVERSATION_FILES)
    row = store.rows.get(c.conversation_id)
    assert row.file_path in files and all(
        "A's words" not in store.blobs.get(CONVERSATION_FILES, f).decode() for f in files
    )


def edit_at_once(store: ConversationStore, db: Database, conversation_id: str) -> list[Exception]:
    """Turn 2 by A and turn 4 by B, released at the same moment from two threads."""
    barrier = threading.Barrier(2)
    errors: list[Exception] = []

    def edit(turn: int, who: str) -> None:
        barrier.wait()
        try:
            revisions.edit_turn(store, ReviewLogRepo(db), conversation_id, turn, f"{who} edited turn {turn}.", who)
        except Exception as err:
            errors.append(err)

    threads = [threading.Thread(target=edit, args=(2, "A")), threading.Thread(target=edit, args=(4, "B"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_two_editors_at_once_never_lose_an_edit(store: ConversationStore, db: Database) -> None:
    for round_number in range(6):
        c = add_conversation(store, *(t.format(n=f"round {round_number}") for t in TURNS))
        assert edit_at_once(store, db, c.conversation_id) == []
        turns = turns_of(store, c.conversation_id)
        assert (turns[1], turns[3]) == ("A edited turn 2.", "B edited turn 4.")


def test_enrichment_racing_a_turn_edit_ends_with_the_edit(
    store: ConversationStore, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.enrichment import stages
    from core.enrichment.pipeline import EnrichmentService
    from core.scaffolding.defaults import install_defaults
    from core.settings import Settings
    from core.storage.scaffolding_repo import ScaffoldingRepo

    c = add_conversation(store, *(t.format(n="rent") for t in TURNS))
    scaffolding = scaffolding_service(db)
    install_defaults(scaffolding)  # enrichment writes the expert's voice into each pair
    enrichment = EnrichmentService(
        transactions=db,
        conversations=store.rows,
        scaffolding_rows=ScaffoldingRepo(db),
        blobs=store.blobs,
        scaffolding=scaffolding,
        settings=Settings(),
    )
    real = stages.score_and_build
    edited = []

    def slow_scoring(*args: object, **kwargs: object) -> object:  # a slow judge: an edit lands meanwhile
        if not edited:
            edited.append(
                revisions.edit_turn(store, ReviewLogRepo(db), c.conversation_id, 2, "Edited while enriching.", "A")
            )
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(stages, "score_and_build", slow_scoring)
    outcome = enrichment.run_one(c.conversation_id)
    row = store.rows.get(c.conversation_id)
    assert (outcome.outcome, outcome.error, row.enrichment_status) == ("succeeded", None, "completed")
    enriched = store.blobs.get(CONVERSATION_FILES, row.enriched_file_path or "").decode()
    assert outcome.outcome == "succeeded" and row.enrichment_status == "completed"
    assert "Edited while enriching." in enriched


def test_a_write_on_an_old_version_is_refused(store: ConversationStore) -> None:
    c = add_conversation(store)
    with store.transactions.transaction() as conn:
        store.rows.write_if_unchanged(conn, c, review_notes="first")
    with pytest.raises(VersionConflict), store.transactions.transaction() as conn:
        store.rows.write_if_unchanged(conn, c, review_notes="second, on the old version")
    assert store.rows.get(c.conversation_id).review_notes == "first"
