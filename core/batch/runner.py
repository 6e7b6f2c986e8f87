"""Working a job outside any browser: ``concurrency`` lanes (threads) per process, each claiming one item at
a time under a lease, calling through the shared rate limiter, retrying transient errors, then finishing
the item (the real processor finishes it where it stores the result, and claims the lane's next item in that
same transaction: two write transactions per item). A heartbeat renews this worker's leases; a monitor stops the lanes when the job is paused,
cancelled or stopped. Any number of processes may run the same job: claims keep them apart.
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from core.batch import joblog
from core.batch.admission import WINDOW_S, JobAdmission, has_limits
from core.batch.liveness import gone_here, worker_id
from core.batch.processor import ClaimAhead, ItemOutcome, ItemProcessor, PreparedItem
from core.batch.ratelimit import RateLimiter
from core.batch.store import BatchStore
from core.errors import BrightRunError, LLMError
from core.llm.retry import backoff_s, is_throttle, is_transient
from core.models.jobs import BatchItem, BatchJob, Claim
from core.models.statuses import RUNNABLE, ClaimFound

log = logging.getLogger("core.batch")


#: How often a lane that finds every slot taken looks for claims of workers gone from this machine.
RECLAIM_EVERY_S = 2.0
__all__ = ["JobRunner", "RunnerOptions", "worker_id"]


@dataclass
class RunnerOptions:
    lease_s: float = 60.0
    poll_s: float = 0.5
    max_attempts: int = 5
    #: First backoff of a transient error without ``retry-after`` (doubles per attempt).
    retry_base_s: float = 1.0
    #: The window of the job's per-minute limits across processes (tests shorten it; limits scale with it).
    rate_window_s: float = WINDOW_S


class _Lanes:
    """Everything one job run shares between its lanes."""

    def __init__(self, job: BatchJob, stop: threading.Event) -> None:
        self.job = job
        self.stop = stop
        self.limiter = RateLimiter(
            concurrency=job.concurrency,
            requests_per_minute=job.requests_per_minute,
            input_tokens_per_minute=job.input_tokens_per_minute,
            output_tokens_per_minute=job.output_tokens_per_minute,
        )


class JobRunner:
    """Runs online jobs with ``processor``; ``owner`` names this worker in the leases it takes."""

    def __init__(
        self,
        store: BatchStore,
        processor: ItemProcessor[Any],
        *,
        owner: str | None = None,
        options: RunnerOptions | None = None,
    ) -> None:
        self.store = store
        self.queue = store.queue
        self.processor = processor
        self.owner = owner or worker_id()
        self.options = options or RunnerOptions()
        self.admission = JobAdmission(store.transactions, store.queue, store.calls, self.options.rate_window_s)
        self._reclaim_lock = threading.Lock()
        self._reclaimed_at = float("-inf")

    # -- one job --------------------------------------------------------------------------------------
    def run(self, job_id: str, *, stop: threading.Event | None = None) -> BatchJob:
        """Work the job until nothing is left to claim, it stops running, or ``stop`` is set."""
        job = self.store.jobs.get(job_id)
        if job.status not in RUNNABLE:
            return job
        outer = stop or threading.Event()
        lanes = _Lanes(job, threading.Event())
        joblog.write(
            self.store.rows,
            job_id,
            f"Started: writing up to {job.concurrency} conversation{'s' if job.concurrency != 1 else ''} at once.",
        )
        self._reclaim_dead(job_id)  # a restarted job: a killed worker's claims must not hold every slot
        watcher = threading.Thread(target=self._watch, args=(job_id, lanes, outer), daemon=True)
        watcher.start()
        try:
            with ThreadPoolExecutor(job.concurrency, thread_name_prefix=f"job-{job_id[:8]}") as pool:
                for future in [pool.submit(self._lane, lanes) for _ in range(job.concurrency)]:
                    future.result()
        finally:
            lanes.stop.set()
            watcher.join()
        return self.store.jobs.get(job_id)

    def _watch(self, job_id: str, lanes: _Lanes, outer: threading.Event) -> None:
        """Heartbeat and monitor: renew leases, and stop the lanes when the job no longer runs."""
        renew_every = max(self.options.lease_s / 3, self.options.poll_s)
        renewed = 0.0
        while not lanes.stop.wait(self.options.poll_s):
            renewed += self.options.poll_s
            try:
                if renewed >= renew_every:
                    renewed = 0.0
                    self.queue.renew_leases(self.owner, lease_s=self.options.lease_s)
                job = self.store.jobs.find(job_id)
            except BrightRunError:
                log.exception("heartbeat failed; retrying")
                continue
            if outer.is_set() or job is None or job.status not in RUNNABLE:
                lanes.stop.set()
            elif job.throttled_until is not None:  # another worker of the job was told to back off
                lanes.limiter.pause_until_wall(job.throttled_until)

    def _lane(self, lanes: _Lanes) -> None:
        claim: Claim | None = None  # the next item, when it was claimed where the last one finished
        while not lanes.stop.is_set():
            claim = claim or self.queue.claim(lanes.job.id, self.owner, n=1, lease_s=self.options.lease_s)
            if claim.item is not None:
                item, claim = claim.item, None
                try:
                    claim = self._work(lanes, item)
                except Exception:
                    # A storage failure while finishing: the lease lapses and another claim redoes the item.
                    log.exception("lane failed on item %s", item.id)
                continue
            if claim.state != ClaimFound.WAITING:
                lanes.stop.set()  # done, stopped or out of budget: the other lanes end too
                return
            claim = None
            self._reclaim_dead(lanes.job.id)
            lanes.stop.wait(self.options.poll_s)
        if claim is not None and claim.item is not None:
            self.queue.release([claim.item], self.owner)  # claimed ahead, then told to stop: back to the queue

    def _reclaim_dead(self, job_id: str) -> None:
        """Claims of workers whose process is gone from this machine: their leases end now, so the next claim
        takes them (``core.batch.liveness``). At most every few seconds, and only when slots are all taken."""
        now = time.monotonic()
        with self._reclaim_lock:
            if now - self._reclaimed_at < RECLAIM_EVERY_S:
                return
            self._reclaimed_at = now
        try:
            for owner in self.queue.lease_owners(job_id):
                if owner != self.owner and gone_here(owner):
                    self.queue.expire_leases(job_id, [owner], f"Worker {owner} on this machine is gone")
        except BrightRunError:
            log.exception("looking for claims of workers that are gone failed; leases still run out")

    # -- one item -------------------------------------------------------------------------------------
    def _work(self, lanes: _Lanes, item: BatchItem) -> Claim | None:
        """Work one item; returns the lane's next claim when it was made where this item finished."""
        try:
            prepared = self.processor.prepare(lanes.job, item)
        except BrightRunError as err:
            self.queue.finish(item, self.owner, ItemOutcome.failure(err.message))
            return None
        except Exception as err:
            log.exception("preparing item %s failed", item.id)
            self.queue.finish(item, self.owner, ItemOutcome.failure(f"Unexpected error: {err!r}"))
            return None
        outcome = prepared if isinstance(prepared, ItemOutcome) else self._call(lanes, prepared)
        if outcome is None:
            self.queue.release([item], self.owner)  # stopped before it was sent: back to the queue
            return None
        if outcome.finished:  # finished where its result was stored (the next claim was made there too)
            return outcome.next_claim
        if not self.queue.finish(item, self.owner, outcome):
            # Another worker took the item over while this one stalled: drop the result (its cost is recorded).
            message = f"Item {item.position}: claimed again by another worker meanwhile; this result was dropped."
            joblog.write(self.store.rows, item.job_id, message, item_id=item.id)
        return None

    def _call(self, lanes: _Lanes, prepared: PreparedItem) -> ItemOutcome | None:
        """Call with retries; None when the lanes were stopped before the item got a final answer."""
        estimate = (prepared.input_tokens, prepared.output_tokens)
        for attempt in range(self.options.max_attempts):
            if not lanes.limiter.acquire(*estimate, lanes.stop):
                return None
            if not self._admit(lanes, prepared, estimate):
                lanes.limiter.done(estimated=estimate)
                return None
            try:
                outcome = self.processor.execute(prepared, ClaimAhead(self.owner, self.options.lease_s))
            except LLMError as err:
                throttled = is_throttle(err)
                lanes.limiter.done(estimated=estimate, throttled=throttled)
                if not is_transient(err) or attempt == self.options.max_attempts - 1:
                    return self.processor.give_up(prepared, err)
                paused = lanes.limiter.paused_until
                delay = (
                    lanes.limiter.throttled(err.retry_after, attempt)
                    if throttled
                    else backoff_s(attempt, err.retry_after, lanes.limiter.rng, base_s=self.options.retry_base_s)
                )
                if lanes.limiter.paused_until > paused:  # frequent throttling: every worker of the job waits
                    self.admission.throttled(prepared.job.id, delay)
                reason = f"HTTP {err.status_code}" if err.status_code else (err.code or "error")
                joblog.write(
                    self.store.rows,
                    prepared.job.id,
                    f"Item {prepared.item.position}: {reason} ({err.code}); retry {attempt + 1} in {delay:.2f}s.",
                    level="warning",
                    item_id=prepared.item.id,
                )
                if lanes.stop.wait(delay):
                    return None
                continue
            except BrightRunError as err:
                lanes.limiter.done(estimated=estimate)
                return ItemOutcome.failure(err.message)
            except Exception as err:
                lanes.limiter.done(estimated=estimate)
                log.exception("item %s failed unexpectedly", prepared.item.id)
                return ItemOutcome.failure(f"Unexpected error: {err!r}")
            lanes.limiter.done(estimated=estimate, used=(outcome.input_tokens, outcome.output_tokens))
            return outcome
        return None  # not reached: the last attempt returns above

    def _admit(self, lanes: _Lanes, prepared: PreparedItem, estimate: tuple[int, int]) -> bool:
        """Wait for room in the job's limits across all its workers (only jobs with limits); the processor
        writes the call's log row in the transaction that admits it. False if the lanes were stopped meanwhile."""
        if not has_limits(lanes.job):
            return True
        while not lanes.stop.is_set():
            wait = self.admission.admit(lanes.job, estimate, lambda conn: self.processor.reserve(prepared, conn))
            if wait <= 0:
                return True
            lanes.stop.wait(min(wait, 1.0))
        return False
