"""Item 14 of issue 13: a job's per-minute limits hold across workers. Admission counts the job's calls of the
window in the database and records the admitted call in the same transaction; SQLite and Postgres."""

from __future__ import annotations

import threading
from datetime import timedelta

from core.batch.admission import JobAdmission
from core.models.base import utcnow
from core.models.logs import GenerationLog
from core.storage.database import Database
from core.storage.jobqueue import SqlJobQueue
from tests.unit.batch.helpers import make_job


def reserver(db: Database, job_id: str, tokens: tuple[int, int] = (100, 50)):  # type: ignore[no-untyped-def]
    def reserve(conn) -> None:  # type: ignore[no-untyped-def]
        entry = GenerationLog(job_id=job_id, status="sent", input_tokens=tokens[0], output_tokens=tokens[1])
        db.logs.add(entry, conn=conn)

    return reserve


def test_sixty_requests_a_minute_across_many_workers_admit_exactly_sixty(db: Database) -> None:
    job = make_job(db, 1, requests_per_minute=60)
    admission = JobAdmission(db, SqlJobQueue(db))
    admitted: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(20):
            if admission.admit(job, (100, 50), reserver(db, job.id)) == 0.0:
                with lock:
                    admitted.append(1)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(admitted) == 60 == db.logs.count(where={"job_id": job.id})
    wait = admission.admit(job, (100, 50), reserver(db, job.id))
    assert 55 < wait <= 60  # the oldest call leaves the window in about a minute
    later = utcnow() + timedelta(seconds=61)
    assert admission.admit(job, (100, 50), reserver(db, job.id), now=later) == 0.0


def test_token_limits_count_estimates_and_a_big_call_still_fits_an_empty_window(db: Database) -> None:
    job = make_job(db, 1, input_tokens_per_minute=1000)
    admission = JobAdmission(db, SqlJobQueue(db))
    assert admission.admit(job, (5000, 10), reserver(db, job.id, (5000, 10))) == 0.0  # alone, it may go
    assert admission.admit(job, (100, 10), reserver(db, job.id)) > 0  # the window is used up


def test_a_shorter_window_scales_the_limit(db: Database) -> None:
    job = make_job(db, 1, requests_per_minute=60)
    admission = JobAdmission(db, SqlJobQueue(db), window_s=5)
    results = [admission.admit(job, (1, 1), reserver(db, job.id)) for _ in range(6)]
    assert results[:5] == [0.0] * 5 and results[5] > 0


def test_a_throttle_recorded_by_one_worker_holds_back_every_worker(db: Database) -> None:
    job = make_job(db, 1)
    admission = JobAdmission(db, SqlJobQueue(db))
    admission.throttled(job.id, 30)
    assert 25 < admission.admit(job, (1, 1), reserver(db, job.id)) <= 30
    assert db.logs.count(where={"job_id": job.id}) == 0
