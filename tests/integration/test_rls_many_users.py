"""Many users on the real Postgres (issue 13, items 7-11): two users, A and B, and a reviewer.

Each test reproduces one way a user reached another's data and shows it refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from core.batch.generation_processor import GenerationProcessor
from core.bootstrap import batch_store, conversation_store, review_service, scaffolding_service
from core.calls import CallLedger
from core.conversations.store import Provenance
from core.demo import load_demo
from core.errors import AccessDeniedError, ConflictError
from core.export import ExportService, TrainingFileService
from core.generation.service import GenerationService
from core.importer import Importer
from core.models.conversation import Conversation
from core.models.jobs import BatchItem, BatchJob
from core.models.review import ReviewAction
from core.models.scaffolding import ExpertProfile, Persona, PromptTemplate
from core.review.failures import failure_report
from core.review.guards import RISKS
from core.scaffolding.defaults import install_defaults
from core.settings import Settings
from core.storage.blobs import CONVERSATION_FILES, TRAINING_FILES, LocalBlobStore, enriched_conversation_path
from core.storage.calllog import SqlCallLog
from core.storage.database import Database
from core.storage.failures_repo import FailuresRepo
from core.storage.rls import as_anon
from core.storage.training_files_repo import TrainingFilesRepo
from tests.integration.conftest import REVIEWER_EMAIL, USER_A, USER_B, Rls

pytestmark = pytest.mark.postgres
FIXTURES = Path(__file__).parents[1] / "fixtures" / "reference"
RAW = (
    '{"conversation_metadata": {"client_persona": "Ann", "session_context": "s", "conversation_phase": "p"},'
    ' "turns": [{"turn_number": 1, "role": "user", "content": "Hello there, I need help.",'
    ' "emotional_context": {"primary_emotion": "worry", "intensity": 0.7}}]}'
)


@pytest.fixture
def blobs(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "blobs")


def _stored(db: Database, blobs: LocalBlobStore, owner: str, text: str = RAW) -> Conversation:
    return conversation_store(db, blobs).ingest(text, Provenance(), created_by=owner)


# -- 7: the batch worker resolves scaffolding as the job's owner ---------------------------------------
def _generation(db: Database, blobs: LocalBlobStore, tmp_path: Path) -> GenerationService:
    scaffolding = scaffolding_service(db)
    settings = Settings(data_dir=tmp_path / "data")
    store, ledger = conversation_store(db, blobs), CallLedger(db, SqlCallLog(db))
    return GenerationService(FailuresRepo(db), blobs, scaffolding, store, settings, llm=lambda: None, calls=ledger)  # type: ignore[arg-type,return-value]


def test_a_batch_job_uses_only_the_scaffolding_its_owner_can_see(
    rls: Rls, blobs: LocalBlobStore, tmp_path: Path
) -> None:
    install_defaults(scaffolding_service(rls.worker))
    shared = rls.worker.templates.list()[0]
    # B's private template (same arc and tier, rated higher) and B's expert profile, made before anything else.
    rls.worker.templates.add(
        PromptTemplate.model_validate(
            shared.model_dump(exclude={"id", "created_at", "updated_at"})
            | {"template_name": "b_private", "created_by": USER_B, "rating": 5.0, "quality_threshold": 5.0}
            | {"template_text": shared.template_text + "\nSECRET-B-TEMPLATE"}
        )
    )
    expert = rls.worker.expert_profiles.list()[0]
    rls.worker.expert_profiles.update(expert.id, created_at=expert.created_at.replace(year=2031))
    rls.worker.expert_profiles.add(
        ExpertProfile.model_validate(
            expert.model_dump(exclude={"id", "profile_key", "created_at", "updated_at"})
            | {"profile_key": "b_expert", "name": "SECRET-B-EXPERT", "created_by": USER_B}
        )
    )
    persona, topic = rls.worker.personas.list()[0], rls.worker.topics.list()[0]
    params = {"persona_key": persona.persona_key, "arc_key": shared.emotional_arc_type, "topic_key": topic.topic_key}
    processor = GenerationProcessor(
        batch_store(rls.worker), _generation(rls.worker, blobs, tmp_path), client=lambda: None
    )  # type: ignore[arg-type,return-value]
    plans = {}
    for owner in (USER_A, USER_B):
        job = rls.worker.jobs.add(BatchJob(name="nightly", created_by=owner, tier=shared.tier))
        plans[owner] = processor.plan(job, BatchItem(job_id=job.id, position=1, parameters=params))
    mine = plans[USER_A]
    assert mine.template.created_by is None and mine.expert.created_by is None
    assert "SECRET-B" not in mine.user_prompt + mine.system_prompt
    # The same lookup for B's own job does pick B's template and profile: the test can see a leak.
    assert "SECRET-B-TEMPLATE" in plans[USER_B].user_prompt
    assert plans[USER_B].expert.name == "SECRET-B-EXPERT"


# -- 8: storage paths ------------------------------------------------------------------------------
def test_a_user_cannot_point_her_rows_at_another_users_files(rls: Rls, blobs: LocalBlobStore) -> None:
    theirs = _stored(rls.worker, blobs, USER_B)
    mine = _stored(rls.worker, blobs, USER_A, RAW.replace("Hello there", "Good morning"))
    as_a = rls.user(USER_A)
    for column in ("file_path", "raw_response_path", "enriched_file_path"):
        with pytest.raises(AccessDeniedError, match="owner's folder"):
            as_a.conversations.update(mine.conversation_id, **{column: theirs.raw_response_path})
    with pytest.raises(AccessDeniedError, match="owner's folder"):
        as_a.conversations.add(Conversation(created_by=USER_A, file_path=f"{USER_B}/x/conversation.json"))
    with pytest.raises(AccessDeniedError, match="owner's folder"):
        as_a.conversations.update(mine.conversation_id, file_path=f"{USER_A}/../{USER_B}/x/conversation.json")
    assert rls.worker.conversations.get(mine.conversation_id).file_path == mine.file_path


def _planted(rls: Rls, blobs: LocalBlobStore) -> tuple[Conversation, Conversation]:
    """A's row pointing at B's files, as a row written before the path guard (or by a bug) would."""
    theirs = _stored(rls.worker, blobs, USER_B)
    mine = _stored(rls.worker, blobs, USER_A, RAW.replace("Hello there", "Good morning"))
    rls.worker.conversations.update(
        mine.conversation_id, file_path=theirs.file_path, raw_response_path=theirs.raw_response_path
    )
    return theirs, mine


def test_a_download_never_follows_a_row_to_another_users_file(rls: Rls, blobs: LocalBlobStore) -> None:
    _theirs, mine = _planted(rls, blobs)
    review_as_a = review_service(rls.user(USER_A), blobs)
    with pytest.raises(AccessDeniedError, match="outside its owner's folder"):
        review_as_a.download(mine.conversation_id, "raw")


def test_a_turn_edit_never_overwrites_another_users_file(rls: Rls, blobs: LocalBlobStore) -> None:
    theirs, mine = _planted(rls, blobs)
    before = blobs.get(CONVERSATION_FILES, theirs.file_path or "")
    system_review = review_service(rls.worker, blobs)
    with pytest.raises(AccessDeniedError):
        system_review.edit_turn_for(
            review_service(rls.user(USER_A), blobs),
            mine.conversation_id,
            1,
            "Overwritten by A.",
            "a",
        )
    assert blobs.get(CONVERSATION_FILES, theirs.file_path or "") == before
    assert rls.worker.turn_revisions.count() == 0


def _training_files(db: Database, blobs: LocalBlobStore) -> TrainingFileService:
    store = conversation_store(db, blobs)
    return TrainingFileService(ExportService(store, scaffolding_service(db)), TrainingFilesRepo(db))


def _enriched_conversations(rls: Rls, blobs: LocalBlobStore, owner: str, count: int) -> list[str]:
    """``count`` conversations of ``owner`` with enrichment completed (the reference enriched file as theirs)."""
    enriched = (FIXTURES / "enriched-conversation.json").read_bytes()
    ids = []
    for number in range(count):
        row = _stored(rls.worker, blobs, owner, RAW.replace("Hello there", f"Hello number {number}"))
        path = enriched_conversation_path(owner, row.conversation_id)
        blobs.put(CONVERSATION_FILES, path, enriched)
        rls.worker.conversations.update(row.conversation_id, enrichment_status="completed", enriched_file_path=path)
        ids.append(row.conversation_id)
    return ids


def test_add_to_training_file_never_replaces_another_users_file(rls: Rls, blobs: LocalBlobStore) -> None:
    ids = {user: _enriched_conversations(rls, blobs, user, 3) for user in (USER_A, USER_B)}
    first_a, *rest_a = ids[USER_A]
    files_a, files_b = _training_files(rls.user(USER_A), blobs), _training_files(rls.user(USER_B), blobs)
    b_file = files_b.create("Set one", conversation_ids=ids[USER_B][:2])
    b_bytes = blobs.get(TRAINING_FILES, b_file.json_file_path)
    # Same name for A: A gets a file of her own; B's is untouched.
    a_file = files_a.add_or_create("Set one", [first_a]).file
    assert a_file.id != b_file.id and a_file.created_by == USER_A
    # A adding to B's file by its id is refused before anything is written.
    with pytest.raises(AccessDeniedError, match="belongs to someone else"):
        files_a.add(b_file.id, rest_a[:1])
    # A pointing her file at B's data: refused by the database, and by the check on the Storage call.
    with pytest.raises(AccessDeniedError, match="own folder"):
        rls.user(USER_A).training_files.update(a_file.id, json_file_path=b_file.json_file_path)
    rls.worker.training_files.update(a_file.id, json_file_path=b_file.json_file_path)
    with pytest.raises(AccessDeniedError, match="outside its own folder"):
        files_a.add(a_file.id, rest_a[:1])
    assert blobs.get(TRAINING_FILES, b_file.json_file_path) == b_bytes


def test_a_failure_row_cannot_point_at_another_failures_report(rls: Rls, tmp_path: Path) -> None:
    from core.models.logs import FailedGeneration

    failure = FailedGeneration(
        created_by=USER_A, prompt="p", prompt_length=1, model="m", max_tokens=1, failure_type="api_error"
    )
    failure.raw_file_path = "2026/01/failed-someone-else-2026.json"
    with pytest.raises(AccessDeniedError, match="its own failure"):
        rls.user(USER_A).failures.add(failure)
    failure.raw_file_path = f"2026/01/failed-{failure.id}-2026.json"
    rls.user(USER_A).failures.add(failure)
    # A row pointed at another report (written before the guard) opens nothing through the download.
    rls.worker.failures.update(failure.id, raw_file_path="2026/01/failed-someone-else-2026.json")
    with pytest.raises(AccessDeniedError, match="another name"):
        failure_report(FailuresRepo(rls.user(USER_A)), LocalBlobStore(tmp_path), failure.id)


# -- 9: uniqueness per owner -----------------------------------------------------------------------
def test_a_second_users_demo_load_gets_rows_of_its_own(rls: Rls, blobs: LocalBlobStore) -> None:
    importer = Importer(conversation_store(rls.worker, blobs), scaffolding_service(rls.worker), max_bytes=10**7)
    first = load_demo(importer, created_by=USER_A)
    second = load_demo(importer, created_by=USER_B)
    assert second.conversations_added == first.conversations_added >= 12
    assert second.conversations_present == 0
    assert rls.user(USER_B).conversations.count() == second.conversations_added
    assert load_demo(importer, created_by=USER_B).conversations_added == 0  # each user's own repeat is recognised


@pytest.mark.parametrize("fixture", ["raw-conversation.json", "enriched-conversation.json"])
def test_importing_a_file_another_user_has_is_not_refused_and_reveals_nothing(
    rls: Rls, blobs: LocalBlobStore, fixture: str
) -> None:
    def importer(user: str) -> Importer:
        db = rls.user(user)
        return Importer(conversation_store(db, blobs), scaffolding_service(db), max_bytes=10**7)

    data = (FIXTURES / fixture).read_bytes()
    first = importer(USER_A).import_bytes(data, source=fixture, created_by=USER_A)
    second = importer(USER_B).import_bytes(data, source=fixture, created_by=USER_B)
    assert len(first.imported) == len(second.imported) == 1 and second.skipped == []
    assert second.imported != first.imported  # B's copy has an id of its own (an enriched file names one)
    again = importer(USER_B).import_bytes(data, source=fixture, created_by=USER_B)
    assert again.imported == [] and again.skipped == second.imported
    assert rls.user(USER_A).conversations.count() == rls.user(USER_B).conversations.count() == 1


def test_scaffolding_keys_and_training_file_names_are_unique_per_owner(rls: Rls) -> None:
    def persona(owner: str) -> Persona:
        return Persona(persona_key="my_client", name="Mine", archetype="A", created_by=owner)

    rls.user(USER_A).personas.add(persona(USER_A))
    rls.user(USER_B).personas.add(persona(USER_B))
    with pytest.raises(ConflictError):
        rls.user(USER_A).personas.add(persona(USER_A))
    rls.worker.personas.add(Persona(persona_key="shared_one", name="S", archetype="A"))
    with pytest.raises(ConflictError):
        rls.worker.personas.add(Persona(persona_key="shared_one", name="S", archetype="A"))
    assert rls.worker.personas.count(where={"persona_key": "my_client"}) == 2


# -- 10: the review gate -----------------------------------------------------------------------------
def test_a_plain_user_cannot_approve_their_own_conversation(rls: Rls, blobs: LocalBlobStore) -> None:
    mine = _stored(rls.worker, blobs, USER_A)
    with pytest.raises(AccessDeniedError, match="only reviewers decide"):
        review_service(rls.user(USER_A), blobs).decide(mine.conversation_id, "approve", "Ann", confirm=RISKS)
    assert rls.worker.conversations.get(mine.conversation_id).review_status == "pending_review"
    assert rls.worker.review_actions.count() == 0
    review_service(rls.reviewer(), blobs).decide(mine.conversation_id, "approve", REVIEWER_EMAIL, confirm=RISKS)
    assert rls.worker.conversations.get(mine.conversation_id).review_status == "approved"


def test_owners_cannot_rewrite_reviewed_by_or_insert_an_approved_conversation(rls: Rls) -> None:
    as_a = rls.user(USER_A)
    saved = as_a.conversations.add(
        Conversation(created_by=USER_A, review_status="approved", reviewed_by="me", review_notes="great")
    )
    stored = rls.worker.conversations.get(saved.conversation_id)
    assert (stored.review_status, stored.reviewed_by, stored.review_notes) == ("pending_review", None, None)
    rls.worker.conversations.update(saved.conversation_id, review_status="approved", reviewed_by="Rita")
    with pytest.raises(AccessDeniedError, match="only reviewers decide"):
        as_a.conversations.update(saved.conversation_id, reviewed_by="Someone else")
    assert rls.worker.conversations.get(saved.conversation_id).reviewed_by == "Rita"


def test_review_history_is_append_only_for_owners_and_reviewers(rls: Rls) -> None:
    conv = rls.worker.conversations.add(Conversation(created_by=USER_A))
    line = rls.reviewer().review_actions.add(
        ReviewAction(conversation_id=conv.conversation_id, action="approved", performed_by=REVIEWER_EMAIL)
    )
    for who in (rls.user(USER_A), rls.reviewer()):
        with pytest.raises(AccessDeniedError, match="permission denied"):
            who.review_actions.update_where({"id": line.id}, performed_by="nobody")
        with pytest.raises(AccessDeniedError, match="permission denied"):
            who.review_actions.delete(line.id)
    with pytest.raises(AccessDeniedError, match="row-level security"):
        rls.user(USER_A).review_actions.add(
            ReviewAction(conversation_id=conv.conversation_id, action="approved", performed_by=USER_A)
        )
    rls.user(USER_A).review_actions.add(
        ReviewAction(conversation_id=conv.conversation_id, action="turn_edited", performed_by=USER_A)
    )
    assert [a.performed_by for a in rls.worker.review_actions.list()] == [REVIEWER_EMAIL, USER_A]


def test_readme_says_what_a_reviewer_may_change() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme.split("### What a reviewer may change", 1)[1].split("\n## ", 1)[0]
    assert "turn" in section and "review history" in section


# -- 11: schema_migrations ------------------------------------------------------------------------
@pytest.mark.parametrize("who", ["anon", "authenticated"])
def test_nobody_but_the_owner_role_touches_schema_migrations(rls: Rls, who: str) -> None:
    db = as_anon(rls.app) if who == "anon" else rls.user(USER_A)
    pending = rls.worker.pending_migrations()
    for statement in (
        "DELETE FROM schema_migrations",
        "INSERT INTO schema_migrations (name, applied_at) VALUES ('9999_fake', now())",
    ):
        with pytest.raises(AccessDeniedError, match="permission denied"), db.transaction() as conn:
            conn.execute(sa.text(statement))
    assert rls.worker.pending_migrations() == pending == []


def test_a_signed_in_user_cannot_truncate_a_table_past_row_level_security(rls: Rls) -> None:
    rls.worker.conversations.add(Conversation(created_by=USER_B))
    with pytest.raises(AccessDeniedError, match="permission denied"), rls.user(USER_A).transaction() as conn:
        conn.execute(sa.text("TRUNCATE conversations CASCADE"))
    assert rls.worker.conversations.count() == 1
