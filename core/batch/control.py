"""Controlling a job: pause, resume, cancel, resubmit failed items. Each change is one transaction that holds
the job row, recounts its items and writes the job log.

The budget cap holds across all of them: spend is never reset (``core.models.budget``), resubmitting a job at
its cap leaves it paused, and resuming it needs a higher cap.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from core.batch import joblog
from core.batch.store import BatchStore
from core.errors import BrightRunError, ConflictError, ValidationError
from core.models.budget import budget_reason, over_budget
from core.models.jobs import BatchJob
from core.models.statuses import RUNNABLE, TERMINAL, Job

RAISE_CAP = "Give the job a higher budget cap to resume it."
log = logging.getLogger("core.batch")


class JobControls:
    """Pause, resume, cancel and resubmit, on jobs found by reference (``find``: an id or a unique prefix)."""

    def __init__(
        self,
        store: BatchStore,
        find: Callable[[str], BatchJob],
        settle_batches: Callable[[BatchJob], int] | None = None,
    ) -> None:
        self.store = store
        self.queue = store.queue
        self.get = find
        #: Cancels a cancelled Message Batches job's batches at the API and ingests what ended (given by the
        #: composition root: it needs the Claude client); workers keep polling the rest until they have ended.
        self.settle_batches = settle_batches

    def pause(self, ref: str) -> BatchJob:
        return self._transition(ref, RUNNABLE, Job.PAUSED, "Paused.")

    def resume(self, ref: str, *, budget_usd: float | None = None) -> BatchJob:
        """Run a paused job again. A job at its budget cap resumes only with a higher ``budget_usd``."""
        job = self.get(ref)
        with self.store.transactions.transaction() as conn:
            current = self.queue.lock_job(conn, job.id)
            if current is None or current.status != Job.PAUSED:
                state = current.status if current else "gone"
                raise ConflictError(f"The job is {state}; it cannot be resumed.", hint="Only a paused job resumes.")
            if budget_usd is not None:
                if budget_usd <= current.cost_usd:
                    raise ValidationError(
                        f"A budget cap of ${budget_usd:.2f} is not above what the job has already spent "
                        f"(${current.cost_usd:.4f}).",
                        hint="Choose a higher cap.",
                    )
                current = current.model_copy(update={"budget_usd": budget_usd})
            if over_budget(current, self.queue.in_flight(conn, job.id)):
                cap = f"${current.budget_usd or 0:.2f}"
                raise ConflictError(
                    f"The job has spent ${current.cost_usd:.4f} of its {cap} budget cap; the next item would pass it.",
                    hint=RAISE_CAP,
                )
            fields: dict[str, object] = {
                "status": Job.PROCESSING if current.started_at else Job.QUEUED,
                "stop_reason": None,
            }
            if budget_usd is not None:
                fields["budget_usd"] = budget_usd
            self.store.jobs.update(job.id, conn=conn, **fields)
            note = f" with a budget cap of ${budget_usd:.2f}" if budget_usd is not None else ""
            joblog.write(self.store.rows, job.id, f"Resumed{note}.", conn=conn)
        return self.store.jobs.get(job.id)

    def cancel(self, ref: str) -> BatchJob:
        """Cancel: queued items become ``cancelled`` now; items in flight finish and count as they end.

        Message Batches: the job's batches are cancelled at the API at once; their results that finished are
        ingested (their real cost) and the rest marked cancelled, now or, while Anthropic is still ending a
        batch, by the worker that keeps polling it."""
        job = self.get(ref)
        with self.store.transactions.transaction() as conn:
            current = self.queue.lock_job(conn, job.id)
            if current is None or current.status in TERMINAL:
                state = current.status if current else "gone"
                raise ConflictError(f"The job is already {state}; it cannot be cancelled.")
            self.queue.stop_job(conn, job.id, Job.CANCELLED, "Cancelled.")
            self.queue.reap_expired(conn, self.store.jobs.get(job.id, conn=conn))
            self.queue.recount(conn, job.id)
        cancelled = self.store.jobs.get(job.id)
        if cancelled.mode == "message_batches" and cancelled.message_batch_ids and self.settle_batches is not None:
            try:
                self.settle_batches(cancelled)
            except BrightRunError as err:  # Claude unreachable now: the worker's polling asks again
                joblog.write(
                    self.store.rows, job.id, f"Could not cancel at Anthropic yet: {err.message}", level="warning"
                )
            except Exception:
                log.exception("cancelling the message batches of job %s failed; workers will retry", job.id)
        return self.store.jobs.get(job.id)

    def resubmit_failed(self, ref: str) -> int:
        """Put the job's failed items back in the queue (both modes) and run the job again. What their
        earlier calls cost stays spent; a job at its budget cap stays paused until the cap is raised."""
        job = self.get(ref)
        with self.store.transactions.transaction() as conn:
            current = self.queue.lock_job(conn, job.id)
            count = self.queue.requeue_failed(conn, job.id)
            if count and current is not None:
                self.queue.recount(conn, job.id)
                capped = over_budget(current, self.queue.in_flight(conn, job.id))
                status = (
                    {"status": Job.PAUSED, "stop_reason": budget_reason(current)}
                    if capped
                    else {"status": Job.PROCESSING, "stop_reason": None}
                )
                self.store.jobs.update(job.id, completed_at=None, conn=conn, **status)
                note = " The job stays paused at its budget cap." if capped else ""
                joblog.write(self.store.rows, job.id, f"Resubmitted {count} failed item(s).{note}", conn=conn)
        return count

    def _transition(self, ref: str, allowed: tuple[str, ...], target: str, message: str) -> BatchJob:
        job = self.get(ref)
        with self.store.transactions.transaction() as conn:
            current = self.queue.lock_job(conn, job.id)
            if current is None or current.status not in allowed:
                state = current.status if current else "gone"
                raise ConflictError(
                    f"The job is {state}; it cannot be {target}.", hint=f"Allowed from: {', '.join(allowed)}."
                )
            self.store.jobs.update(job.id, conn=conn, status=target)
            joblog.write(self.store.rows, job.id, message, conn=conn)
        return self.store.jobs.get(job.id)
