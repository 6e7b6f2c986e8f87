"""The ``TrainingFileRows`` port (``core.storage.training_files_repo``) on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.errors import ConflictError
from core.models.conversation import Conversation
from core.models.training import TrainingFile, TrainingFileConversation
from core.storage.database import Database
from core.storage.ports import TrainingFileRows
from core.storage.training_files_repo import TrainingFilesRepo

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
OWNER = "11111111-1111-1111-1111-111111111111"


@pytest.fixture
def files(db: Database) -> TrainingFileRows:
    return TrainingFilesRepo(db)


@pytest.fixture
def ids(db: Database) -> list[str]:
    return [db.conversations.add(Conversation(conversation_name=f"c{n}")).conversation_id for n in range(4)]


def members(file_id: str, ids: list[str], start: int = 0) -> list[TrainingFileConversation]:
    return [
        TrainingFileConversation(training_file_id=file_id, conversation_id=c, created_at=T0 + timedelta(minutes=n))
        for n, c in enumerate(ids, start=start)
    ]


def test_a_file_and_its_members_are_created_together_in_order(files: TrainingFileRows, ids: list[str]) -> None:
    row = TrainingFile(name="First set", conversation_count=3)
    files.create(row, members(row.id, [ids[2], ids[0], ids[1]]))
    assert files.files.get(row.id).conversation_count == 3
    assert files.member_ids(row.id) == [ids[2], ids[0], ids[1]]


def test_a_failed_create_keeps_neither_the_file_nor_any_member(files: TrainingFileRows, ids: list[str]) -> None:
    row = TrainingFile(name="Twice the same")
    with pytest.raises(ConflictError):
        files.create(row, members(row.id, [ids[0], ids[0]]))  # one conversation twice in one file
    assert files.files.find(row.id) is None
    assert files.member_ids(row.id) == []


def test_extend_adds_members_and_changes_the_row_together(files: TrainingFileRows, ids: list[str]) -> None:
    row = files.create(TrainingFile(name="Growing", conversation_count=1), members("x", []))
    files.extend(row.id, members(row.id, [ids[0]]), conversation_count=1)
    updated = files.extend(row.id, members(row.id, [ids[1], ids[3]], start=1), conversation_count=3)
    assert updated.conversation_count == 3 and files.files.get(row.id).conversation_count == 3
    assert files.member_ids(row.id) == [ids[0], ids[1], ids[3]]
    with pytest.raises(ConflictError):
        files.extend(row.id, members(row.id, [ids[1]], start=5), conversation_count=99)
    assert files.files.get(row.id).conversation_count == 3


def test_present_names_the_members_among_the_ids_asked(files: TrainingFileRows, ids: list[str]) -> None:
    row = TrainingFile(name="Some")
    other = TrainingFile(name="Other")
    files.create(row, members(row.id, [ids[0], ids[1]]))
    files.create(other, members(other.id, [ids[2]]))
    assert files.present(row.id, [ids[1], ids[2], ids[3]]) == {ids[1]}
    assert files.present(row.id, []) == set()


def test_names_are_unique_per_owner(files: TrainingFileRows, ids: list[str]) -> None:
    files.create(TrainingFile(name="Mine", created_by=OWNER), [])
    files.create(TrainingFile(name="Mine"), [])  # another owner (the system) may use the same name
    with pytest.raises(ConflictError):
        files.create(TrainingFile(name="Mine", created_by=OWNER), [])
    assert files.files.find_by(name="Mine", created_by=OWNER) is not None
    assert files.files.count(where={"name": "Mine"}) == 2


def test_the_acting_user_is_the_signed_in_user_on_postgres_and_nobody_for_system_work(db: Database) -> None:
    from core.storage.rls import as_user

    assert TrainingFilesRepo(db).acting_user is None
    expected = OWNER if db.dialect == "postgresql" else None  # SQLite has no signed-in users
    assert TrainingFilesRepo(as_user(db, OWNER)).acting_user == expected
