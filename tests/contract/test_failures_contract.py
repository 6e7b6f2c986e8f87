"""The ``FailureLog`` port (``core.storage.failures_repo``) on SQLite and on the real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.errors import NotFoundError
from core.models.failures import FailureFilters
from core.models.logs import FailedGeneration
from core.storage.database import Database
from core.storage.failures_repo import FailuresRepo
from core.storage.ports import FailureLog

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def failures(db: Database) -> FailureLog:
    return FailuresRepo(db)


@pytest.fixture
def three(db: Database) -> list[str]:
    """Oldest first: a truncation of job j1, an API error of j2, a truncation without a job."""
    rows = [
        {"failure_type": "truncation", "stop_reason": "max_tokens", "truncation_pattern": "mid_word", "job_id": "j1"},
        {"failure_type": "api_error", "error_message": "overloaded", "job_id": "j2"},
        {"failure_type": "truncation", "stop_reason": "end_turn", "truncation_pattern": "open_quote"},
    ]
    return [
        db.failures.add(
            FailedGeneration.model_validate({"prompt": "p", "model": "m", "created_at": T0 + timedelta(minutes=n)} | r)
        ).id
        for n, r in enumerate(rows)
    ]


def test_a_page_is_newest_first_with_the_total(failures: FailureLog, three: list[str]) -> None:
    page = failures.page(FailureFilters(), page=1, page_size=2)
    assert [r.id for r in page.rows] == [three[2], three[1]] and page.total == 3
    assert [r.id for r in failures.page(FailureFilters(), page=2, page_size=2).rows] == [three[0]]
    assert failures.count() == 3


def test_filters_combine_columns_and_allow_several_values(failures: FailureLog, three: list[str]) -> None:
    truncations = failures.page(FailureFilters(failure_type=["truncation"]))
    assert [r.id for r in truncations.rows] == [three[2], three[0]] and truncations.total == 2
    both = FailureFilters(failure_type=["truncation"], job_id=["j1", "j2"])
    assert [r.id for r in failures.page(both).rows] == [three[0]]
    assert failures.page(FailureFilters(stop_reason=["refusal"])).total == 0


def test_filter_options_are_the_distinct_values_present(failures: FailureLog, three: list[str]) -> None:
    options = failures.filter_options()
    assert options["failure_type"] == ["api_error", "truncation"]
    assert options["job_id"] == ["j1", "j2"]
    assert options["stop_reason"] == ["end_turn", "max_tokens"]


def test_one_failure_by_id_or_not_found(failures: FailureLog, three: list[str]) -> None:
    assert failures.get(three[1]).error_message == "overloaded"
    with pytest.raises(NotFoundError):
        failures.get("nope")


def test_a_recorded_failure_is_stored_as_given_in_its_project(db: Database) -> None:
    from core.models.projects import Project
    from core.storage.ports import FailureWriter

    writer: FailureWriter = FailuresRepo(db)
    failure = FailedGeneration(
        prompt="p",
        model="m",
        failure_type="truncation",
        stop_reason="max_tokens",
        job_id="j1",
        raw_file_path="2026/01/failed-x.json",
        created_at=T0,
    )
    assert writer.record(failure) == failure
    stored = FailuresRepo(db).get(failure.id)
    assert (stored.stop_reason, stored.job_id, stored.raw_file_path, stored.created_at) == (
        "max_tokens",
        "j1",
        "2026/01/failed-x.json",
        T0,
    )
    db.projects.add(Project(id="p-coach", slug="coach", name="Career coach"))
    coach = FailuresRepo(db.in_project("p-coach"))
    coach.record(FailedGeneration(prompt="p", model="m", failure_type="api_error"))
    assert (coach.count(), FailuresRepo(db).count()) == (1, 1)
