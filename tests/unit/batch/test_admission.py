"""Item 14 of issue 13: a job's per-minute limits hold across workers. Admission counts the job's calls of the
window in the database and records the admitted call in the same transaction; SQLite and Postgres. Issue 24
item 10: requests are paced evenly (one call per 60/RPM seconds), never a window's worth in a burst."""

from __future__ import annotations

import itertools
import threading
from datetime import datetime, timedelta

from core.batch.admission import JobAdmission
from core.models.base import utcnow
from core.models.logs import GenerationLog
from core.storage.calllog import SqlCallLog
from core.storage.database import Database
from core.storage.jobqueue import SqlJobQueue
from tests.unit.batch.helpers import make_job


def reserver(db: Database, job_id: str, tokens: tuple[int, int] = (100, 50), at: datetime | None = None):  # type: ignore[no-untyped-def]
    def reserve(conn) -> None:  # type: ignore[no-untyped-def]
        entry = GenerationLog(job_id=job_id, status="sent", input_tokens=tokens[0], output_tokens=tokens[1])
        if at is not None:
            entry.created_at = at
        db.logs.add(entry, conn=conn)

    return reserve


def test_sixty_a_minute_is_one_call_a_second_whichever_worker_asks(db: Database) -> None:
    """Issue 24 item 10: six workers asking at once get one call through; the others wait about a second."""
    job = make_job(db, 1, requests_per_minute=60)
    admission = JobAdmission(db, SqlJobQueue(db), SqlCallLog(db))
    answers: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(5):
            wait = admission.admit(job, (100, 50), reserver(db, job.id))
            with lock:
                answers.append(wait)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers.count(0.0) == 1 == db.logs.count(where={"job_id": job.id})
    assert all(0 < wait <= 1.0 for wait in answers if wait)


def test_a_minute_of_asking_admits_sixty_evenly_and_no_sliding_window_holds_more(db: Database) -> None:
    """Asked every quarter second for two minutes (time given, calls stamped at it): calls a second apart, and
    the worst sliding minute holds 60, not a burst of 60 at the start of each minute."""
    job = make_job(db, 1, requests_per_minute=60)
    admission = JobAdmission(db, SqlJobQueue(db), SqlCallLog(db))
    start = utcnow()
    admitted = []
    for step in range(480):
        at = start + timedelta(seconds=step * 0.25)
        if admission.admit(job, (100, 50), reserver(db, job.id, at=at), now=at) == 0.0:
            admitted.append(at)
    gaps = {(b - a).total_seconds() for a, b in itertools.pairwise(admitted)}
    assert gaps == {1.0}
    minute = timedelta(seconds=60)
    assert max(sum(1 for other in admitted if at <= other < at + minute) for at in admitted) == 60


def test_token_limits_count_estimates_and_a_big_call_still_fits_an_empty_window(db: Database) -> None:
    job = make_job(db, 1, input_tokens_per_minute=1000)
    admission = JobAdmission(db, SqlJobQueue(db), SqlCallLog(db))
    assert admission.admit(job, (5000, 10), reserver(db, job.id, (5000, 10))) == 0.0  # alone, it may go
    assert admission.admit(job, (100, 10), reserver(db, job.id)) > 0  # the window is used up


def test_a_shorter_window_scales_the_limit(db: Database) -> None:
    job = make_job(db, 1, input_tokens_per_minute=600)
    admission = JobAdmission(db, SqlJobQueue(db), SqlCallLog(db), window_s=5)
    results = [admission.admit(job, (10, 1), reserver(db, job.id, (10, 1))) for _ in range(6)]
    assert results[:5] == [0.0] * 5 and results[5] > 0  # 50 tokens in 5 seconds: 600 a minute


def test_a_throttle_recorded_by_one_worker_holds_back_every_worker(db: Database) -> None:
    job = make_job(db, 1)
    admission = JobAdmission(db, SqlJobQueue(db), SqlCallLog(db))
    admission.throttled(job.id, 30)
    assert 25 < admission.admit(job, (1, 1), reserver(db, job.id)) <= 30
    assert db.logs.count(where={"job_id": job.id}) == 0
