"""Money and access at the edges on the real Postgres (issue 24, items 1, 2, 5, 6 and 15): two users, A and
B, and a reviewer, each signed in with row-level security, as on Supabase.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.auth import AuthUser
from core.bootstrap import Services, user_services
from core.conversation_actions import ReplaceNeedsConfirmation
from core.errors import AccessDeniedError, ExportError, NotFoundError, ValidationError
from core.models.base import new_id
from core.models.review import ReviewAction, TurnRating
from core.models.training import TrainingFile, TrainingFileConversation
from core.review.guards import RISKS
from core.scaffolding.defaults import install_defaults
from core.settings import Settings
from core.storage.blobs import CONVERSATION_FILES, TRAINING_FILES, LocalBlobStore, enriched_conversation_path
from core.storage.rls import as_anon
from tests.fakes.anthropic_server import FakeAnthropicServer, FakeRequest, FakeResponse
from tests.integration.conftest import REVIEWER, REVIEWER_EMAIL, USER_A, USER_B, Rls

pytestmark = pytest.mark.postgres
KEYS = ("anxious_planner", "confusion_to_clarity", "roth_ira_conversion")
FIXTURES = Path(__file__).parents[1] / "fixtures" / "reference"
EMAIL = {USER_A: "ann@example.com", USER_B: "ben@example.com", REVIEWER: REVIEWER_EMAIL}
#: What a signed-in user may hold on an app table: row-level security decides which rows.
SIGNED_IN_MAY = {"SELECT", "INSERT", "UPDATE", "DELETE"}


@pytest.fixture
def system(rls: Rls, claude_settings: Settings, tmp_path: Path) -> Iterator[Services]:
    """System services (workers, the CLI) on the RLS database, the fake Claude server and the defaults."""
    built = Services(settings=claude_settings, db=rls.worker, blobs=LocalBlobStore(tmp_path / "blobs"))
    install_defaults(built.scaffolding)
    yield built


def signed_in(system: Services, rls: Rls, user: str) -> Services:
    """The services a signed-in user's pages get (``core.bootstrap.user_services``), on the app's login."""
    role = "reviewer" if user == REVIEWER else "user"
    return user_services(dataclasses.replace(system, db=rls.app), AuthUser(id=user, email=EMAIL[user], role=role))


# -- 1: a plain user regenerates their own conversation ------------------------------------------------------
def test_a_plain_user_regenerates_their_own_conversation_and_the_old_one_is_archived(
    system: Services, rls: Rls, fake_claude: FakeAnthropicServer
) -> None:
    ann = signed_in(system, rls, USER_A)
    first = ann.actions.generate(*KEYS, created_by=USER_A, enrich=False).result.conversation_id
    again = ann.actions.regenerate(first, by=EMAIL[USER_A], enrich=False)
    assert again.result.ok and again.replaced == first, again.message
    old, new = rls.worker.conversations.get(first), rls.worker.conversations.get(again.result.conversation_id)
    assert (old.review_status, old.reviewed_by) == ("archived", None)  # the owner's action, not a decision
    assert (new.created_by, new.regenerated_from) == (USER_A, first)
    line = rls.worker.review_actions.list(where={"conversation_id": first})[0]
    assert (line.action, line.performed_by) == ("replaced", EMAIL[USER_A])
    assert fake_claude.request_count == 2 and rls.worker.conversations.count() == 2


def test_the_owner_may_archive_only_an_attempt_they_replaced(system: Services, rls: Rls) -> None:
    ann = signed_in(system, rls, USER_A)
    first = ann.actions.generate(*KEYS, created_by=USER_A, enrich=False).result.conversation_id
    # No newer attempt names it: archiving is a review decision, refused as before.
    with pytest.raises(AccessDeniedError, match="only reviewers decide"):
        rls.user(USER_A).conversations.update(first, review_status="archived")
    rls.worker.conversations.update(first, review_status="approved", reviewed_by=REVIEWER_EMAIL)
    ann.actions.regenerate(first, by=EMAIL[USER_A], enrich=False, confirm=True)
    # Archived by its owner; even then the owner cannot approve it back or write a reviewer's name.
    for change in ({"review_status": "approved"}, {"reviewed_by": EMAIL[USER_A]}):
        with pytest.raises(AccessDeniedError, match="only reviewers decide"):
            rls.user(USER_A).conversations.update(first, **change)


def test_regenerate_is_refused_before_the_paid_call_when_it_could_not_finish(
    system: Services, rls: Rls, fake_claude: FakeAnthropicServer
) -> None:
    ann = signed_in(system, rls, USER_A)
    first = ann.actions.generate(*KEYS, created_by=USER_A, enrich=False).result.conversation_id
    calls, logs = fake_claude.request_count, rls.worker.logs.count()
    with pytest.raises(NotFoundError):  # B cannot see it at all
        signed_in(system, rls, USER_B).actions.regenerate(first, by=EMAIL[USER_B])
    with pytest.raises(AccessDeniedError, match="only the person who wrote it"):
        signed_in(system, rls, REVIEWER).actions.regenerate(first, by=REVIEWER_EMAIL)
    review = signed_in(system, rls, REVIEWER).review
    review.decide(first, "approve", REVIEWER_EMAIL, confirm=RISKS)
    with pytest.raises(ReplaceNeedsConfirmation, match="it is approved"):
        ann.actions.regenerate(first, by=EMAIL[USER_A])
    assert (fake_claude.request_count, rls.worker.logs.count()) == (calls, logs)
    assert rls.worker.conversations.count() == 1


def test_a_refused_archive_after_the_call_keeps_both_and_says_so(system: Services, rls: Rls) -> None:
    ann = signed_in(system, rls, USER_A)
    first = ann.actions.generate(*KEYS, created_by=USER_A, enrich=False).result.conversation_id
    again = ann.actions.regenerate(first, by="Not Ann", enrich=False)  # a name the database refuses
    assert again.result.ok and again.replaced is None and "could not be archived" in again.message
    assert rls.worker.conversations.get(first).review_status == "pending_review"
    assert rls.worker.conversations.get(again.result.conversation_id).regenerated_from == first


# -- 2: a decision made during the call wins ------------------------------------------------------------------
def test_a_reviewers_decision_during_regenerate_is_kept_on_postgres(
    system: Services, rls: Rls, fake_claude: FakeAnthropicServer
) -> None:
    ann = signed_in(system, rls, USER_A)
    first = ann.actions.generate(*KEYS, created_by=USER_A, enrich=False).result.conversation_id
    rita = signed_in(system, rls, REVIEWER).review

    def reviewer_rejects_meanwhile(server: FakeAnthropicServer, request: FakeRequest) -> FakeResponse:
        if server.request_count == 2:
            rita.decide(first, "reject", REVIEWER_EMAIL, reasons=["tone"])
        return server.handle_messages(request)

    fake_claude.routes.insert(0, ("POST", re.compile(r"/v1/messages/?$"), reviewer_rejects_meanwhile))
    again = ann.actions.regenerate(first, by=EMAIL[USER_A], enrich=False)
    assert again.result.ok and again.replaced is None and "rejected meanwhile" in again.message
    assert rls.worker.conversations.get(first).review_status == "rejected"
    assert rls.worker.conversations.get(again.result.conversation_id).regenerated_from == first


# -- 5: grants ----------------------------------------------------------------------------------------------
def test_no_table_keeps_a_grant_the_app_does_not_need(rls: Rls) -> None:
    """The rule, for every table in ``public`` (those added later included): ``anon`` holds nothing;
    signed-in users (``authenticated``) hold at most SELECT, INSERT, UPDATE, DELETE, and only on a table with
    row-level security on (never ``schema_migrations``). The database starts with Supabase's default grants
    (everything to both), so a migration that forgets to narrow its table fails here, naming it."""
    query = """
        SELECT c.relname, c.relrowsecurity, g.grantee, g.privilege_type
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN information_schema.role_table_grants g
          ON g.table_schema = n.nspname AND g.table_name = c.relname
         AND g.grantee IN ('anon', 'authenticated', 'PUBLIC')
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
        ORDER BY 1, 3, 4"""
    with rls.worker.transaction() as conn:
        rows = conn.execute(sa.text(query)).all()
    tables = {row.relname for row in rows}
    assert {"conversations", "spec_projects", "schema_migrations"} <= tables
    problems = []
    for table, secured, grantee, privilege in rows:
        if grantee is None:
            continue
        if grantee in ("anon", "PUBLIC"):
            problems.append(f"{table}: {grantee} holds {privilege} (revoke it: anon reaches no table)")
        elif table == "schema_migrations" or privilege not in SIGNED_IN_MAY:
            problems.append(f"{table}: authenticated holds {privilege}, which the app never needs (revoke it)")
        elif not secured:
            problems.append(f"{table}: authenticated holds {privilege} but row-level security is off")
    assert not problems, "Grants left to anon or signed-in users:\n" + "\n".join(problems)


@pytest.mark.parametrize("who", ["anon", "authenticated"])
def test_nobody_signed_in_or_not_truncates_spec_projects(rls: Rls, who: str) -> None:
    from core.models.spec_project import SpecProject

    rls.worker.spec_projects.add(SpecProject(name="B's", abbrev="b", created_by=USER_B))
    db = as_anon(rls.app) if who == "anon" else rls.user(USER_A)
    with pytest.raises(AccessDeniedError, match="permission denied"), db.transaction() as conn:
        conn.execute(sa.text("TRUNCATE spec_projects"))
    assert rls.worker.spec_projects.count() == 1


def test_a_table_made_by_a_later_migration_starts_without_supabases_broad_grants(rls: Rls) -> None:
    with rls.worker.engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE later_table (id TEXT PRIMARY KEY)"))
    try:
        with rls.worker.transaction() as conn:
            held = conn.execute(
                sa.text(
                    "SELECT grantee || ' ' || privilege_type FROM information_schema.role_table_grants"
                    " WHERE table_name = 'later_table' AND grantee IN ('anon', 'authenticated') ORDER BY 1"
                )
            ).scalars()
            assert [h for h in held if h.startswith("anon") or h.split()[1] not in SIGNED_IN_MAY] == []
    finally:
        with rls.worker.engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE later_table"))


# -- 6: the reviewer's name is the signed-in user's ----------------------------------------------------------
def test_a_reviewer_cannot_record_a_review_under_another_name(system: Services, rls: Rls) -> None:
    conversation = signed_in(system, rls, USER_A).actions.generate(*KEYS, created_by=USER_A, enrich=False)
    cid = conversation.result.conversation_id
    rita = signed_in(system, rls, REVIEWER).review
    forged = "Someone else"
    with pytest.raises(AccessDeniedError, match="own name"):
        rita.decide(cid, "approve", forged, confirm=RISKS)
    with pytest.raises(AccessDeniedError, match="own name"):
        rita.rate_turn(cid, 1, "good", forged)
    with pytest.raises(AccessDeniedError, match="own name"):
        rita.grade(
            cid, forged, overall=4, rubric=dict.fromkeys(("empathy", "clarity", "appropriateness", "expert_voice"), 4)
        )
    with pytest.raises(AccessDeniedError, match="own name"):
        rls.reviewer().conversations.update(cid, reviewed_by=forged)
    with pytest.raises(AccessDeniedError, match="own name"):
        rls.reviewer().turn_ratings.add(TurnRating(conversation_id=cid, turn_number=1, rating="bad", rated_by=forged))
    assert rls.worker.review_actions.count() == rls.worker.turn_ratings.count() == rls.worker.review_grades.count() == 0
    # Under their own name it is recorded; an owner's line is under the owner's name too.
    rita.decide(cid, "approve", REVIEWER_EMAIL, confirm=RISKS)
    with pytest.raises(AccessDeniedError, match="own name"):
        rls.user(USER_A).review_actions.add(
            ReviewAction(conversation_id=cid, action="turn_edited", performed_by="Rita")
        )
    row = rls.worker.conversations.get(cid)
    assert (row.review_status, row.reviewed_by) == ("approved", REVIEWER_EMAIL)


def test_the_database_stamps_the_reviewer_when_none_is_given(system: Services, rls: Rls) -> None:
    cid = signed_in(system, rls, USER_A).actions.generate(*KEYS, created_by=USER_A, enrich=False).result
    with rls.reviewer().transaction() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO turn_ratings (id, created_at, updated_at, conversation_id, turn_number, rating)"
                " VALUES (:id, now(), now(), :cid, 1, 'good')"
            ),
            {"id": new_id(), "cid": cid.conversation_id},
        )
    assert [r.rated_by for r in rls.worker.turn_ratings.list()] == [REVIEWER_EMAIL]


# -- 15: training-file members are conversations their owner can read ------------------------------------------
def _enriched(system: Services, rls: Rls, owner: str, text: str) -> str:
    done = signed_in(system, rls, owner).actions.generate(*KEYS, created_by=owner, enrich=False).result
    cid = done.conversation_id
    path = enriched_conversation_path(owner, cid)
    enriched = (FIXTURES / "enriched-conversation.json").read_text().replace("I've been", f"{text} I've been")
    system.blobs.put(CONVERSATION_FILES, path, enriched.encode())
    rls.worker.conversations.update(cid, enrichment_status="completed", enriched_file_path=path)
    return cid


def test_a_training_file_takes_only_conversations_its_owner_can_read(system: Services, rls: Rls) -> None:
    mine = _enriched(system, rls, USER_A, "ANN-OWN-WORDS")
    theirs = _enriched(system, rls, USER_B, "BEN-SECRET-WORDS")
    files_a = signed_in(system, rls, USER_A).training_files
    a_file = files_a.create("Mine", conversation_ids=[mine])
    as_a = rls.user(USER_A)
    # At the database: B's conversation and one that does not exist are refused alike.
    refusals = []
    for cid in (theirs, new_id()):
        with pytest.raises(AccessDeniedError) as refused:
            as_a.training_members.add(TrainingFileConversation(training_file_id=a_file.id, conversation_id=cid))
        refusals.append(str(refused.value))
        member = as_a.training_members.list(where={"training_file_id": a_file.id})[0]
        with pytest.raises(AccessDeniedError):
            as_a.training_members.update(member.id, conversation_id=cid)
    assert refusals[0] == refusals[1]
    # Through the app: the same words for B's conversation as for an id that was never used.
    messages = []
    for cid in (theirs, "no-such-id"):
        with pytest.raises(ValidationError) as refused:
            files_a.add(a_file.id, [cid])
        messages.append([p.replace(cid, "ID") for p in refused.value.problems])
    assert messages[0] == messages[1] == [["ID: no such conversation"]][0]
    # A member planted past the check (system work): rebuilding the file reads as its owner, so B's text never
    # gets in: the rebuild is refused and the stored file is unchanged.
    rls.worker.training_members.add(TrainingFileConversation(training_file_id=a_file.id, conversation_id=theirs))
    before = system.blobs.get(TRAINING_FILES, a_file.json_file_path)
    other = _enriched(system, rls, USER_A, "ANN-MORE-WORDS")
    with pytest.raises(ExportError):
        files_a.add(a_file.id, [other])
    after = system.blobs.get(TRAINING_FILES, a_file.json_file_path)
    assert after == before and b"BEN-SECRET-WORDS" not in after
    assert rls.worker.training_files.get(a_file.id).conversation_count == 1


def test_a_reviewer_may_put_any_conversation_they_read_in_their_own_file(system: Services, rls: Rls) -> None:
    theirs = _enriched(system, rls, USER_B, "BEN-WORDS")
    made = signed_in(system, rls, REVIEWER).training_files.create("Rita's", conversation_ids=[theirs])
    assert isinstance(made, TrainingFile) and made.conversation_count == 1


def test_readme_says_what_a_plain_user_and_a_reviewer_may_do_including_regenerate() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    plain = readme.split("### What a plain user may do", 1)[1].split("### ", 1)[0]
    reviewer = readme.split("### What a reviewer may change", 1)[1].split("\n## ", 1)[0]
    assert "regenerate" in plain and "before Claude is called" in plain and "both conversations are kept" in plain
    assert "Regenerate" in reviewer and "own name" in reviewer and "label" in reviewer
