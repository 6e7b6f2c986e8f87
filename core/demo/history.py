"""The demo's generation history: what writing its conversations cost, as the app would have logged it.

The demo conversations ship as files, so no model call made them here. This records the calls that
would have: for each conversation the prompt the Generate page builds for its scaffolding (real input
tokens), the stored reply's own size (output tokens) and the configured prices (cost). Each of these rows is
marked ``is_demo``: the cost view shows them apart as demo data and never counts them as spend. The first
conversations come from one finished batch job with its items and log; the rest from single
generations on earlier days. That gives the Jobs page a finished job and the cost view real figures.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from core.errors import BrightRunError
from core.generation.plan import GenerationPlan
from core.generation.service import GenerationService
from core.llm.calllog import call_log
from core.llm.pricing import cost_usd, estimate_tokens
from core.llm.types import LLMReply, LLMUsage
from core.models.base import utcnow
from core.models.conversation import Conversation
from core.models.jobs import BatchItem, BatchJob, BatchLogLine
from core.models.statuses import Call as CallState
from core.models.statuses import Item, Job
from core.storage.ports import DemoRows

DEMO_JOB_NAME = "Demo: planner conversations, first batch"
BATCH_SIZE = 8
#: Seconds one generation took in the demo job, and how many ran at once.
SECONDS_PER_ITEM = 38
CONCURRENCY = 4
#: The demo job's last item ran out of room: its reply stopped at this many tokens (max_tokens).
TRUNCATED_AT_TOKENS = 900


@dataclass
class Call:
    conversation: Conversation
    plan: GenerationPlan
    usage: LLMUsage
    cost: float


def _call(generation: GenerationService, row: Conversation, reply_text: str) -> Call | None:
    """The call that writes ``row``: its prompt (input) and its reply (output), priced. None when the
    scaffolding it names no longer exists."""
    if not (row.persona_key and row.emotional_arc_key and row.topic_key):
        return None
    try:
        plan = generation.preview(row.persona_key, row.emotional_arc_key, row.topic_key, tier=row.tier)
    except BrightRunError:
        return None
    usage = LLMUsage(input_tokens=plan.estimate.usage.input_tokens, output_tokens=estimate_tokens(reply_text))
    prices = generation.settings.prices_per_mtok
    return Call(row, plan, usage, cost_usd(plan.request.model, usage, prices))


def _log(rows: DemoRows, call: Call, *, at: datetime, job_id: str | None, created_by: str | None) -> None:
    latency = SECONDS_PER_ITEM * 1000 + call.usage.output_tokens  # about as long as a real reply takes
    reply = LLMReply(
        text="", stop_reason="end_turn", model=call.plan.request.model, usage=call.usage, latency_ms=latency
    )
    row = call_log(
        reply=reply,
        model=call.plan.request.model,
        conversation_id=call.conversation.conversation_id,
        job_id=job_id,
        template_id=call.plan.template.id,
        created_by=created_by,
        cost_usd=call.cost,
        status=CallState.SUCCESS,
    )
    rows.add_call(row.model_copy(update={"created_at": at, "updated_at": at}))


def _link(rows: DemoRows, call: Call, job_id: str | None) -> None:
    rows.link(call.conversation.conversation_id, template_id=call.plan.template.id, job_id=job_id)


def _job(calls: list[Call], start: datetime, created_by: str | None) -> tuple[BatchJob, list[BatchItem], list[str]]:
    items: list[BatchItem] = []
    lines: list[str] = [f"Created: {len(calls)} conversations (persona × arc × topic as listed), mode online."]
    for position, call in enumerate(calls, start=1):
        began = start + timedelta(seconds=SECONDS_PER_ITEM * ((position - 1) // CONCURRENCY))
        row = call.conversation
        params: dict[str, Any] = {
            "persona_key": row.persona_key,
            "arc_key": row.emotional_arc_key,
            "topic_key": row.topic_key,
            "variation": 1,
        }
        items.append(
            BatchItem(
                job_id="",
                position=position,
                status=Item.COMPLETED,
                parameters=params,
                attempts=1,
                conversation_id=row.conversation_id,
                cost_usd=call.cost,
                input_tokens=call.usage.input_tokens,
                output_tokens=call.usage.output_tokens,
                started_at=began,
                finished_at=began + timedelta(seconds=SECONDS_PER_ITEM),
                created_by=created_by,
            )
        )
        lines.append(f"Item {position}: stored '{row.conversation_name}' (${call.cost:.4f}).")
    finished = max(i.finished_at for i in items if i.finished_at) if items else start
    total = round(sum(c.cost for c in calls), 6)
    job = BatchJob(
        name=DEMO_JOB_NAME,
        status=Job.COMPLETED,
        total_items=len(calls),
        completed_items=len(calls),
        successful_items=len(calls),
        concurrency=CONCURRENCY,
        cost_usd=total,
        input_tokens=sum(c.usage.input_tokens for c in calls),
        output_tokens=sum(c.usage.output_tokens for c in calls),
        shared_parameters={"demo": True},
        started_at=start,
        completed_at=finished,
        created_by=created_by,
        created_at=start,
        updated_at=finished,
    )
    return job, [i.model_copy(update={"job_id": job.id}) for i in items], lines


def _truncated_item(
    generation: GenerationService, call: Call, reply_text: str, job: BatchJob, position: int, created_by: str | None
) -> BatchItem:
    """One more item of the job whose reply hit ``max_tokens`` mid-conversation: recorded through the real
    fail-fast checks (a generation log, a failed-generation record with its report file)."""
    request = call.plan.request.model_copy(update={"max_tokens": TRUNCATED_AT_TOKENS})
    plan = dataclasses.replace(call.plan, request=request)
    cut = reply_text[: TRUNCATED_AT_TOKENS * 4]
    usage = LLMUsage(input_tokens=call.usage.input_tokens, output_tokens=TRUNCATED_AT_TOKENS)
    reply = LLMReply(
        text=cut, stop_reason="max_tokens", model=request.model, usage=usage, latency_ms=SECONDS_PER_ITEM * 700
    )
    result = generation.ingest_reply(plan, reply, job_id=job.id, created_by=created_by)
    row = call.conversation
    began = job.started_at or utcnow()
    return BatchItem(
        job_id=job.id,
        position=position,
        status=Item.FAILED,
        parameters={
            "persona_key": row.persona_key,
            "arc_key": row.emotional_arc_key,
            "topic_key": row.topic_key,
            "variation": 2,
        },
        attempts=1,
        failure_id=result.failure.id if result.failure else None,
        error_message=result.message,
        cost_usd=result.cost_usd,
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        started_at=began,
        finished_at=began + timedelta(seconds=SECONDS_PER_ITEM),
        created_by=created_by,
    )


def record_history(
    demo: DemoRows, generation: GenerationService, rows: list[Conversation], *, created_by: str | None = None
) -> bool:
    """Record the demo's generation calls and its batch job, once; returns whether anything was added."""
    if demo.has_job(DEMO_JOB_NAME):
        return False
    calls = [
        call
        for row in rows
        if row.conversation_id and not demo.has_calls(row.conversation_id)
        for call in [_call(generation, row, _reply_text(generation, row))]
        if call is not None
    ]
    if not calls:
        return False
    now = utcnow().replace(microsecond=0)
    batch, singles = calls[:BATCH_SIZE], calls[BATCH_SIZE:]
    start = now - timedelta(days=3, hours=2)
    job, items, lines = _job(batch, start, created_by)
    demo.add_job(job, items)
    for call, item in zip(batch, items, strict=True):
        _log(demo, call, at=item.finished_at or start, job_id=job.id, created_by=created_by)
        _link(demo, call, job.id)
    last = batch[-1]
    reply_text = _reply_text(generation, last.conversation)
    failed = _truncated_item(generation, last, reply_text, job, len(items) + 1, created_by)
    demo.add_item(failed)
    when = failed.finished_at or start  # the call belongs to the job's day, not to the moment the demo loaded
    demo.backdate_failed_calls(job.id, when)
    if failed.failure_id:
        demo.backdate_failure(failed.failure_id, when)
    lines.append(f"Item {failed.position} failed: {failed.error_message}")
    cost = round(job.cost_usd + failed.cost_usd, 6)
    lines.append(f"Job completed: {len(items)} succeeded, 1 failed (${cost:.4f}).")
    job = demo.update_job(
        job.id,
        total_items=len(items) + 1,
        completed_items=len(items) + 1,
        failed_items=1,
        cost_usd=cost,
        input_tokens=job.input_tokens + failed.input_tokens,
        output_tokens=job.output_tokens + failed.output_tokens,
    )
    # Lines in the order they were written: lanes finish together, so each item gets its own millisecond.
    done = [(i.finished_at or start) + timedelta(milliseconds=i.position) for i in [*items, failed]]
    stamps = [start, *done, (job.completed_at or start) + timedelta(seconds=1)]
    failed_line = f"Item {failed.position} failed"
    demo.add_log_lines(
        [
            BatchLogLine(
                job_id=job.id,
                level="error" if message.startswith(failed_line) else "info",
                message=message,
                created_by=created_by,
                created_at=at,
                updated_at=at,
            )
            for message, at in zip(lines, stamps, strict=True)
        ]
    )
    for index, call in enumerate(singles):
        # Single generations on the Generate page, on the days before and after the batch.
        at = now - timedelta(days=6 - index, hours=3 + index)
        _log(demo, call, at=at, job_id=None, created_by=created_by)
        _link(demo, call, None)
    # Every call row written here (the truncated item's too) is demo data: never real spend.
    demo.mark_demo(job_id=job.id, conversation_ids=[c.conversation.conversation_id for c in singles])
    return True


def _reply_text(generation: GenerationService, row: Conversation) -> str:
    raw = generation.conversations.raw_text(row)
    if raw is not None:
        return raw
    parsed = generation.conversations.read_json(row.file_path)
    return "" if parsed is None else str(parsed)
