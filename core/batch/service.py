"""Batch jobs for people: create (with an estimate first), list, status, pause, resume, cancel, resubmit.

Workers do the work (``core.batch.worker``); this module only changes job and item state, in transactions
that recount the job's counters from its items.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field

from core.batch import joblog
from core.batch.control import JobControls
from core.batch.estimate import BatchEstimate, estimate_batch
from core.batch.store import BatchStore
from core.errors import NotFoundError, ValidationError
from core.generation.service import GenerationService
from core.llm.types import LLMUsage
from core.models.base import utcnow
from core.models.jobs import BatchItem, BatchJob, BatchLogLine, ErrorHandling, JobMode, Priority
from core.models.scaffolding import Tier
from core.models.statuses import RUNNABLE, Item
from core.scaffolding.service import KIND_INFO, Kind, ScaffoldingService
from core.settings import Settings

Keys = list[str] | Literal["all"]
UsageForArc = Callable[[str, str, str, Tier | None, str | None], LLMUsage]


def generation_usage(generation: Callable[[], GenerationService]) -> UsageForArc:
    """Expected usage of one item, from the real request generation would send."""

    def usage(persona: str, arc: str, topic: str, tier: Tier | None, template: str | None) -> LLMUsage:
        return generation().build_request(persona, arc, topic, tier=tier, template_name=template).estimate.usage

    return usage


def _eq(column: str, value: str) -> dict[str, Any]:
    return {column: value}


class BatchRequest(BaseModel):
    """What a person asks for: scaffolding keys (or ``"all"`` active ones) and how to run."""

    name: str | None = None
    personas: Keys = "all"
    arcs: Keys = "all"
    topics: Keys = "all"
    variations: int = Field(default=1, ge=1, le=100)
    concurrency: int = Field(default=4, ge=1, le=64)
    requests_per_minute: int | None = Field(default=None, ge=1)
    input_tokens_per_minute: int | None = Field(default=None, ge=1)
    output_tokens_per_minute: int | None = Field(default=None, ge=1)
    error_handling: ErrorHandling = "continue"
    priority: Priority = "normal"
    budget_usd: float | None = Field(default=None, ge=0)
    mode: JobMode = "online"
    tier: Tier | None = None
    template_name: str | None = None
    temperature: float | None = Field(default=None, ge=0.0, le=1.0)
    created_by: str | None = None
    #: Exactly these (persona, arc, topic) keys instead of the product of the lists above (coverage gaps).
    combinations: list[tuple[str, str, str]] | None = None


class JobProgress(BaseModel):
    """A job with what the page shows about it: rate, ETA, share done."""

    job: BatchJob
    processing: int
    queued: int
    items_per_min: float | None
    eta_s: float | None

    @property
    def fraction(self) -> float:
        done = self.job.completed_items + self.job.cancelled_items
        return done / self.job.total_items if self.job.total_items else 0.0


class BatchService:
    def __init__(
        self,
        store: BatchStore,
        scaffolding: ScaffoldingService,
        settings: Settings,
        usage_for: UsageForArc | None = None,
        settle_batches: Callable[[BatchJob], int] | None = None,
    ) -> None:
        self.store = store
        self.scaffolding = scaffolding
        self.settings = settings
        self.usage_for = usage_for
        #: Pause, resume, cancel, resubmit (``core.batch.control``), on jobs found as ``get`` finds them.
        self.controls = JobControls(store, self.get, settle_batches)

    # -- controlling (``core.batch.control``) ---------------------------------------------------------
    def pause(self, ref: str) -> BatchJob:
        return self.controls.pause(ref)

    def resume(self, ref: str, *, budget_usd: float | None = None) -> BatchJob:
        """Run a paused job again. A job at its budget cap resumes only with a higher ``budget_usd``."""
        return self.controls.resume(ref, budget_usd=budget_usd)

    def cancel(self, ref: str) -> BatchJob:
        return self.controls.cancel(ref)

    def resubmit_failed(self, ref: str) -> int:
        return self.controls.resubmit_failed(ref)

    # -- creating -------------------------------------------------------------------------------------
    def resolve(self, kind: Kind, keys: Keys) -> builtins.list[str]:
        """Keys as given (each must exist), or every active one for ``"all"``."""
        info = KIND_INFO[kind]
        if keys == "all":
            found = [getattr(r, info.key_field) for r in self.scaffolding.list(kind, active_only=True)]
            if not found:
                raise ValidationError(
                    f"There are no active {kind} to batch over.",
                    hint="Add some on the Scaffolding page.",
                    terminal_hint="Run: python -m core scaffolding install-defaults",
                )
            return found
        missing = [k for k in keys if self.scaffolding.repo(kind).find_by(**_eq(info.key_field, k)) is None]
        if missing:
            raise ValidationError(
                f"Unknown {kind}:",
                problems=[f"no {info.label} '{k}'" for k in missing],
                hint="They may have been deleted: see the Scaffolding page.",
                terminal_hint=f"List them with: python -m core scaffolding list {kind}",
            )
        if not keys:
            raise ValidationError(f"Choose at least one of the {kind}, or 'all'.")
        return list(dict.fromkeys(keys))

    def estimate(self, request: BatchRequest) -> BatchEstimate:
        personas, arcs, topics, _ = self._resolve_all(request)
        return self._estimate(request, personas, arcs, topics)

    def _resolve_all(
        self, request: BatchRequest
    ) -> tuple[builtins.list[str], builtins.list[str], builtins.list[str], builtins.list[tuple[str, str, str]]]:
        """The keys of the batch and its (persona, arc, topic) combinations, every key checked."""
        if request.combinations is not None:
            if not request.combinations:
                raise ValidationError("The plan has no combinations to generate.")
            combos = builtins.list(dict.fromkeys(request.combinations))
            personas, arcs, topics = ([c[i] for c in combos] for i in range(3))
            for kind, keys in (("personas", personas), ("arcs", arcs), ("topics", topics)):
                self.resolve(kind, builtins.list(dict.fromkeys(keys)))  # type: ignore[arg-type]
            return personas, arcs, topics, combos
        personas = self.resolve("personas", request.personas)
        arcs = self.resolve("arcs", request.arcs)
        topics = self.resolve("topics", request.topics)
        return personas, arcs, topics, [(p, a, t) for a in arcs for p in personas for t in topics]

    def _estimate(
        self, request: BatchRequest, personas: Sequence[str], arcs: Sequence[str], topics: Sequence[str]
    ) -> BatchEstimate:
        def usage_for_arc(arc: str) -> LLMUsage:
            if self.usage_for is None:
                return LLMUsage(input_tokens=2000, output_tokens=1500)
            return self.usage_for(personas[0], arc, topics[0], request.tier, request.template_name)

        return estimate_batch(
            personas,
            arcs,
            topics,
            variations=request.variations,
            concurrency=request.concurrency,
            usage_for_arc=usage_for_arc,
            model=self.settings.model,
            prices=self.settings.prices_per_mtok,
            limits=(request.requests_per_minute, request.input_tokens_per_minute, request.output_tokens_per_minute),
            combinations=request.combinations,
        )

    def create(self, request: BatchRequest) -> BatchJob:
        """A queued job and one item per persona × arc × topic × variation, written in one transaction."""
        personas, arcs, topics, triples = self._resolve_all(request)
        estimate = self._estimate(request, personas, arcs, topics)
        shared = {
            "variations": request.variations,
            "formula": estimate.formula,
            "estimate": estimate.model_dump(exclude={"warnings"}),
            "estimated_item_cost_usd": (
                estimate.cost_batch_usd if request.mode == "message_batches" else estimate.cost_online_usd
            )
            / max(estimate.count, 1),
        }
        if request.template_name:
            shared["template_name"] = request.template_name
        if request.temperature is not None:
            shared["temperature"] = request.temperature
        settings = request.model_dump(
            include={
                "concurrency",
                "requests_per_minute",
                "input_tokens_per_minute",
                "output_tokens_per_minute",
                "error_handling",
                "priority",
                "budget_usd",
                "mode",
                "tier",
                "created_by",
            }
        )
        name = request.name or f"Batch {utcnow():%Y-%m-%d %H:%M} ({estimate.count} conversations)"
        job = BatchJob(name=name, total_items=estimate.count, shared_parameters=shared, **settings)
        parameters = (
            {"persona_key": p, "arc_key": a, "topic_key": t, "variation": v}
            for p, a, t in triples
            for v in range(1, request.variations + 1)
        )
        with self.store.transactions.transaction() as conn:
            self.store.jobs.add(job, conn=conn)
            first = BatchItem(job_id=job.id, position=1, created_by=request.created_by)
            self.store.queue.insert_items(conn, first, parameters)
            joblog.write(self.store.rows, job.id, f"Created: {estimate.formula}, mode {job.mode}.", conn=conn)
            for warning in estimate.warnings:
                joblog.write(self.store.rows, job.id, warning, level="warning", conn=conn)
        return job

    # -- reading --------------------------------------------------------------------------------------
    def get(self, ref: str) -> BatchJob:
        """A job by id or by a unique prefix of it (as ``batch status`` prints them)."""
        found = self.store.jobs.find(ref)
        if found is not None:
            return found
        matches = [j for j in self.store.jobs.list() if j.id.startswith(ref)] if len(ref) >= 4 else []
        if len(matches) == 1:
            return matches[0]
        raise NotFoundError(
            f"No batch job '{ref}'." if not matches else f"'{ref}' matches several jobs.",
            hint="See the jobs on the Batch jobs page.",
            terminal_hint="List jobs with: python -m core batch list",
        )

    def list(self, *, limit: int = 100) -> list[BatchJob]:
        return self.store.jobs.list(order_by="created_at", descending=True, limit=limit)

    def items(self, job_id: str, *, status: str | Sequence[str] | None = None) -> builtins.list[BatchItem]:
        where: dict[str, object] = {"job_id": job_id}
        if status is not None:
            where["status"] = status if isinstance(status, str) else list(status)
        return self.store.items.list(where=where, order_by="position")

    def log(self, job_id: str, *, limit: int = 50) -> builtins.list[BatchLogLine]:
        return self.store.rows.latest_log(job_id, limit=limit)

    def conversation_ids(self, job_id: str) -> builtins.list[str]:
        """Conversations a job produced (for "Enrich all")."""
        return [i.conversation_id for i in self.items(job_id, status=Item.COMPLETED) if i.conversation_id]

    def progress(self, ref: str) -> JobProgress:
        """The job (its dead workers' expired leases settled first), with rate and ETA."""
        job = self.get(ref)
        if job.status not in RUNNABLE:  # a running job's expired leases are claimed again instead
            with self.store.transactions.transaction() as conn:
                if self.store.queue.reap_expired(conn, job):
                    job = self.store.jobs.get(job.id, conn=conn)
        # The counters say how many finished; only the few in flight are counted (not every item of the job).
        processing = self.store.items.count(where={"job_id": job.id, "status": Item.PROCESSING})
        queued = max(0, job.total_items - job.completed_items - job.cancelled_items - processing)
        counts = {Item.PROCESSING: processing, Item.QUEUED: queued}
        rate = eta = None
        if job.started_at and job.completed_items:
            end = job.completed_at or utcnow()
            minutes = max((end - job.started_at) / timedelta(minutes=1), 1e-6)
            rate = job.completed_items / minutes
            left = counts.get(Item.QUEUED, 0) + counts.get(Item.PROCESSING, 0)
            eta = left / rate * 60 if job.status in RUNNABLE else None
        return JobProgress(
            job=job,
            processing=counts.get(Item.PROCESSING, 0),
            queued=counts.get(Item.QUEUED, 0),
            items_per_min=rate,
            eta_s=eta,
        )
