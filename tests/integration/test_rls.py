"""Row-level security on the real Postgres: users reach their own rows, reviewers change review fields only.

Users connect as ``app_user``, a login role that is not a superuser and may ``SET ROLE authenticated``
(what Supabase's ``authenticator`` does); the superuser connection plays the worker (owner role).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from core.bootstrap import conversation_store, review_service, scaffolding_service
from core.conversations.store import ConversationStore, Provenance
from core.demo import load_demo
from core.errors import AccessDeniedError, NotFoundError
from core.importer import Importer
from core.models.conversation import Conversation
from core.models.jobs import BatchItem, BatchJob, BatchLogLine
from core.models.review import TurnRating
from core.models.scaffolding import Persona
from core.models.training import TrainingFile
from core.review.service import ReviewService
from core.storage.blobs import BUCKETS, LocalBlobStore
from core.storage.database import Database
from core.storage.migrations import all_migrations
from core.storage.rls import as_anon
from tests.integration.conftest import REVIEWER_EMAIL, USER_A, USER_B, Rls

pytestmark = pytest.mark.postgres


def _conversation(owner: str | None, name: str = "mine") -> Conversation:
    return Conversation(created_by=owner, conversation_name=name)


def test_a_user_reads_only_their_own_conversations(rls: Rls) -> None:
    rls.worker.conversations.add_many([_conversation(USER_A, "a"), _conversation(USER_B, "b")])
    seen = rls.user(USER_A).conversations.list()
    assert [c.conversation_name for c in seen] == ["a"]
    assert rls.worker.conversations.count() == 2  # the worker (owner role) bypasses RLS


def test_a_user_cannot_change_or_delete_another_users_conversation(rls: Rls) -> None:
    theirs = rls.worker.conversations.add(_conversation(USER_B))
    as_a = rls.user(USER_A)
    assert as_a.conversations.update_where({"conversation_id": theirs.conversation_id}, conversation_name="x") == 0
    with pytest.raises(NotFoundError):
        as_a.conversations.update(theirs.conversation_id, review_status="approved")
    as_a.conversations.delete(theirs.conversation_id)
    assert rls.worker.conversations.get(theirs.conversation_id).conversation_name == "mine"


def test_a_user_cannot_insert_a_row_owned_by_someone_else(rls: Rls) -> None:
    with pytest.raises(AccessDeniedError, match="row-level security"):
        rls.user(USER_A).conversations.add(_conversation(USER_B))
    assert rls.worker.conversations.count() == 0


def test_a_row_inserted_without_an_owner_is_stamped_with_the_signed_in_user(rls: Rls) -> None:
    saved = rls.user(USER_A).jobs.add(BatchJob(name="nightly"))
    assert rls.worker.jobs.get(saved.id).created_by == USER_A
    assert rls.user(USER_B).jobs.count() == 0


def test_a_reviewer_reads_every_conversation(rls: Rls) -> None:
    rls.worker.conversations.add_many([_conversation(USER_A), _conversation(USER_B)])
    assert rls.reviewer().conversations.count() == 2
    assert rls.user(USER_A).conversations.count() == 1


def test_a_reviewer_changes_review_fields_of_another_users_conversation(rls: Rls) -> None:
    theirs = rls.worker.conversations.add(_conversation(USER_A))
    rls.reviewer().conversations.update(theirs.conversation_id, review_status="approved", review_notes="fine")
    stored = rls.worker.conversations.get(theirs.conversation_id)
    assert (stored.review_status, stored.review_notes) == ("approved", "fine")


def test_a_reviewer_cannot_change_other_fields(rls: Rls) -> None:
    theirs = rls.worker.conversations.add(_conversation(USER_A))
    with pytest.raises(AccessDeniedError, match="only the review fields"):
        rls.reviewer().conversations.update(theirs.conversation_id, conversation_name="renamed")
    with pytest.raises(AccessDeniedError):
        rls.reviewer().conversations.update(theirs.conversation_id, review_status="approved", quality_score=5.0)
    assert rls.worker.conversations.get(theirs.conversation_id).review_status == "pending_review"


def test_a_reviewer_cannot_delete_another_users_conversation(rls: Rls) -> None:
    theirs = rls.worker.conversations.add(_conversation(USER_A))
    rls.reviewer().conversations.delete(theirs.conversation_id)
    assert rls.worker.conversations.find(theirs.conversation_id) is not None


def test_training_files_are_read_by_signed_in_users_and_changed_by_their_owner(rls: Rls) -> None:
    file = rls.user(USER_A).training_files.add(TrainingFile(name="set one"))
    as_b = rls.user(USER_B)
    assert [f.name for f in as_b.training_files.list()] == ["set one"]
    assert as_b.training_files.update_where({"id": file.id}, name="stolen") == 0
    rls.user(USER_A).training_files.update(file.id, description="v2")
    assert rls.worker.training_files.get(file.id).description == "v2"


def test_shared_scaffolding_is_read_by_everyone_and_changed_by_no_user(rls: Rls) -> None:
    shared = rls.worker.personas.add(Persona(persona_key="shared_one", name="S", archetype="A"))
    rls.user(USER_B).personas.add(Persona(persona_key="b_own", name="B", archetype="A"))
    as_a = rls.user(USER_A)
    assert [p.persona_key for p in as_a.personas.list()] == ["shared_one"]
    assert as_a.personas.update_where({"id": shared.id}, name="hacked") == 0
    assert rls.worker.personas.get(shared.id).name == "S"


def test_batch_items_follow_their_job(rls: Rls) -> None:
    job = rls.user(USER_A).jobs.add(BatchJob(name="mine"))
    rls.user(USER_A).items.add(BatchItem(job_id=job.id, position=1))
    assert rls.user(USER_A).items.count() == 1
    assert rls.user(USER_B).items.count() == 0
    with pytest.raises(AccessDeniedError):
        rls.user(USER_B).items.add(BatchItem(job_id=job.id, position=2))


def test_review_records_are_reached_by_reviewers_and_the_conversation_owner(rls: Rls) -> None:
    conv = rls.worker.conversations.add(_conversation(USER_A))
    rls.reviewer().turn_ratings.add(
        TurnRating(conversation_id=conv.conversation_id, turn_number=1, rating="good", rated_by=REVIEWER_EMAIL)
    )
    assert rls.user(USER_A).turn_ratings.count() == 1
    assert rls.user(USER_B).turn_ratings.count() == 0


def test_without_a_user_session_the_app_login_reaches_no_table(rls: Rls) -> None:
    with pytest.raises(sa.exc.ProgrammingError, match="permission denied"):
        rls.app.conversations.count()


def test_the_migration_adds_the_private_buckets_and_owner_folder_policies(rls: Rls) -> None:
    with rls.worker.engine.begin() as conn:
        buckets = {row.id: row.public for row in conn.execute(sa.text("SELECT id, public FROM storage.buckets"))}
        policies = set(
            conn.execute(sa.text("SELECT policyname FROM pg_policies WHERE schemaname = 'storage'")).scalars()
        )
    assert buckets == dict.fromkeys(BUCKETS, False)
    assert "brightrun_conversation_files_owner" in policies


def test_running_the_rls_migrations_again_changes_nothing(rls: Rls) -> None:
    count = "SELECT count(*) FROM pg_policies"
    with rls.worker.engine.begin() as conn:
        before = conn.execute(sa.text(count)).scalar_one()
        for _name, upgrade in all_migrations():
            upgrade(conn)
        assert conn.execute(sa.text(count)).scalar_one() == before
    assert rls.user(USER_A).conversations.count() == 0


def test_nobody_signed_in_reaches_no_row_and_is_told_to_sign_in(rls: Rls) -> None:
    rls.worker.conversations.add(_conversation(USER_A))
    with pytest.raises(AccessDeniedError, match="permission denied") as caught:
        as_anon(rls.app).conversations.count()
    assert "Sign in" in caught.value.user_message


def test_batch_log_lines_follow_their_job(rls: Rls) -> None:
    job = rls.worker.jobs.add(BatchJob(name="mine", created_by=USER_A))
    rls.worker.batch_logs.add(BatchLogLine(job_id=job.id, message="started"))
    assert rls.user(USER_A).batch_logs.count() == 1
    assert rls.user(USER_B).batch_logs.count() == 0


def _parsed_conversation(
    rls: Rls, tmp_path_factory: pytest.TempPathFactory, owner: str
) -> tuple[str, ConversationStore]:
    """A conversation of ``owner`` with a parsed file, stored by the worker (system work)."""
    store = conversation_store(rls.worker, LocalBlobStore(tmp_path_factory.mktemp("blobs")))
    raw = '{"conversation_metadata": {"client_persona": "Ann", "session_context": "s", "conversation_phase": "p"},'
    raw += ' "turns": [{"turn_number": 1, "role": "user", "content": "Hello there, I need help.",'
    raw += ' "emotional_context": {"primary_emotion": "worry", "intensity": 0.7}}]}'
    row = store.ingest(raw, Provenance(), created_by=owner)
    return row.conversation_id, store


def _view(user_db: Database, store: ConversationStore) -> ReviewService:
    """The review service as a signed-in user sees it (what a page holds)."""
    return review_service(user_db, store.blobs)


def test_a_reviewer_edits_a_turn_of_another_users_conversation(
    rls: Rls, tmp_path_factory: pytest.TempPathFactory
) -> None:
    conversation_id, store = _parsed_conversation(rls, tmp_path_factory, USER_A)
    system_review = review_service(rls.worker, store.blobs, store=store)
    result = system_review.edit_turn_for(
        _view(rls.reviewer(), store), conversation_id, 1, "Hello, I could use some help.", "rev"
    )
    assert result.revision.original_content == "Hello there, I need help."
    assert rls.worker.conversations.get(conversation_id).enrichment_status == "not_started"


def test_a_user_cannot_edit_a_turn_of_someone_elses_conversation(
    rls: Rls, tmp_path_factory: pytest.TempPathFactory
) -> None:
    conversation_id, store = _parsed_conversation(rls, tmp_path_factory, USER_A)
    with pytest.raises(NotFoundError):
        review_service(rls.worker, store.blobs, store=store).edit_turn_for(
            _view(rls.user(USER_B), store), conversation_id, 1, "Changed by B.", "b"
        )
    assert rls.worker.turn_revisions.count() == 0


def test_the_demo_loaded_for_a_user_shares_its_scaffolding_and_gives_them_the_conversations(
    rls: Rls, tmp_path_factory: pytest.TempPathFactory
) -> None:
    store = conversation_store(rls.worker, LocalBlobStore(tmp_path_factory.mktemp("blobs")))
    importer = Importer(store, scaffolding_service(rls.worker), max_bytes=10**7)
    result = load_demo(importer, created_by=USER_A)
    assert rls.user(USER_A).conversations.count() == result.conversations_added >= 12
    assert rls.user(USER_B).conversations.count() == 0
    assert rls.user(USER_B).personas.count() == rls.worker.personas.count() > 0
