"""Generating one conversation: build the request, call Claude, check the reply, store it or the failure.

The steps are separate so the batch runner can reuse them: ``build_request`` (no key needed; also the
page's preview), ``ClaudeClient.create_message`` (or a Message Batches result), then ``ingest_reply`` or
``record_call_error``. The service holds no mutable state, so threads may call ``generate`` at once.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable

import pydantic

from core.conversations.store import ConversationStore, parse_reply
from core.conversations.truncation import UNEXPECTED_STOP_REASON, find_truncation
from core.errors import BrightRunError, LLMError, NotFoundError
from core.generation import prompts
from core.generation.failures import FailureInfo, record_failure
from core.generation.plan import Estimate, GenerationPlan, GenerationResult, conversation_schema
from core.generation.template_selection import choose_template, rank_templates
from core.generation.variables import build_variables, default_temperature
from core.llm.calllog import call_log
from core.llm.models import model_warning
from core.llm.pricing import cost_usd, estimate_usage
from core.llm.types import LLMReply, MessageClient, MessageRequest
from core.models.base import new_id
from core.models.conversation import RawConversation
from core.models.logs import CallStatus, FailedGeneration
from core.models.scaffolding import Tier
from core.scaffolding.service import ScaffoldingService, describe_validation_error
from core.settings import Settings
from core.storage.blobs import BlobStore
from core.storage.database import Database

_STATUS_BY_CODE: dict[str, CallStatus] = {"rate_limited": "rate_limited", "timeout": "timeout"}


class GenerationService:
    def __init__(
        self,
        db: Database,
        blobs: BlobStore,
        scaffolding: ScaffoldingService,
        conversations: ConversationStore,
        settings: Settings,
        llm: Callable[[], MessageClient],
    ) -> None:
        self.db = db
        self.blobs = blobs
        self.scaffolding = scaffolding
        self.conversations = conversations
        self.settings = settings
        self._llm = llm

    # -- step 1: the request -----------------------------------------------------------------------
    def build_request(
        self,
        persona_key: str,
        arc_key: str,
        topic_key: str,
        *,
        tier: Tier | None = None,
        template_name: str | None = None,
        temperature: float | None = None,
        max_tokens: int | None = None,
        model: str | None = None,
    ) -> GenerationPlan:
        """Everything about one generation short of calling Claude (the page previews this)."""
        expert = self.scaffolding.active_expert()
        if expert is None:
            raise NotFoundError(
                "There is no active expert profile.",
                hint="Add one on the Scaffolding page, or run: python -m core scaffolding install-defaults",
            )
        persona = self.scaffolding.get("personas", persona_key)
        arc = self.scaffolding.get("arcs", arc_key)
        topic = self.scaffolding.get("topics", topic_key)
        tier = tier or arc.tier
        templates = self.scaffolding.list("templates")
        keys = {"arc_key": arc.arc_key, "persona_key": persona.persona_key, "topic_key": topic.topic_key}
        ranked = rank_templates(templates, tier=tier, **keys)
        template = choose_template(templates, tier=tier, template_name=template_name, **keys)
        temperature = temperature if temperature is not None else default_temperature(topic)
        variables = build_variables(expert, persona, arc, topic, tier=tier, temperature=temperature)
        system_prompt = prompts.render_system_prompt(variables)
        user_prompt = prompts.render_user_prompt(template, variables)
        model = model or self.settings.model
        request = MessageRequest(
            model=model,
            max_tokens=max_tokens or self.settings.max_tokens,
            system=prompts.system_blocks(system_prompt),
            messages=[{"role": "user", "content": user_prompt}],
            temperature=temperature,
            output_schema=conversation_schema(),
        )
        usage = estimate_usage(system_prompt + user_prompt + str(request.output_schema), arc.target_turn_count)
        return GenerationPlan(
            expert=expert,
            persona=persona,
            arc=arc,
            topic=topic,
            template=template,
            tier=tier,
            ranked=ranked,
            compatibility=self.scaffolding.compatibility(persona.persona_key, arc.arc_key, topic.topic_key),
            system_prompt=system_prompt,
            user_prompt=user_prompt,
            request=request,
            estimate=Estimate(usage, cost_usd(model, usage, self.settings.prices_per_mtok)),
            model_warning=model_warning(model),
        )

    preview = build_request

    # -- all steps -----------------------------------------------------------------------------------
    def generate(
        self,
        persona_key: str,
        arc_key: str,
        topic_key: str,
        *,
        tier: Tier | None = None,
        template_name: str | None = None,
        temperature: float | None = None,
        job_id: str | None = None,
        created_by: str | None = None,
        max_retries: int | None = None,
    ) -> GenerationResult:
        """Generate and store one conversation, or record why it failed. Raises only before any call
        (unknown scaffolding, template errors, no API key)."""
        plan = self.build_request(
            persona_key, arc_key, topic_key, tier=tier, template_name=template_name, temperature=temperature
        )
        client = self._llm()
        conversation_id = new_id()
        started = time.perf_counter()
        try:
            reply = client.create_message(plan.request, max_retries=max_retries)
        except LLMError as err:
            latency = round((time.perf_counter() - started) * 1000)
            return self.record_call_error(
                plan, err, conversation_id=conversation_id, job_id=job_id, created_by=created_by, latency_ms=latency
            )
        return self.ingest_reply(plan, reply, conversation_id=conversation_id, job_id=job_id, created_by=created_by)

    # -- step 3a: a reply --------------------------------------------------------------------------
    def ingest_reply(
        self,
        plan: GenerationPlan,
        reply: LLMReply,
        *,
        conversation_id: str | None = None,
        job_id: str | None = None,
        created_by: str | None = None,
        batch: bool = False,
    ) -> GenerationResult:
        """Log the call, run the fail-fast checks, then store the conversation or the failure."""
        conversation_id = conversation_id or new_id()
        cost = cost_usd(reply.model or plan.request.model, reply.usage, self.settings.prices_per_mtok, batch=batch)
        problem = check_reply(reply)
        conversation = None
        if problem is None:
            try:
                conversation = self.conversations.ingest(
                    reply.text,
                    plan.provenance(),
                    source="generated",
                    conversation_id=conversation_id,
                    created_by=created_by,
                    job_id=job_id,
                )
            except BrightRunError as err:  # e.g. the same conversation already exists
                problem = FailureInfo("validation_error", f"The conversation could not be stored: {err.message}")
        self._log(plan, conversation_id, job_id, created_by, reply=reply, cost=cost, problem=problem)
        if problem is not None:
            failure = self._fail(plan, problem, reply, conversation_id, job_id, created_by)
            return GenerationResult(conversation_id, failure=failure, cost_usd=cost, latency_ms=reply.latency_ms)
        self._count_usage(plan)
        return GenerationResult(conversation_id, conversation=conversation, cost_usd=cost, latency_ms=reply.latency_ms)

    # -- step 3b: a call that failed ------------------------------------------------------------------
    def record_call_error(
        self,
        plan: GenerationPlan,
        err: LLMError,
        *,
        conversation_id: str | None = None,
        job_id: str | None = None,
        created_by: str | None = None,
        latency_ms: int = 0,
    ) -> GenerationResult:
        conversation_id = conversation_id or new_id()
        problem = FailureInfo(
            "api_error", err.message, details=err.code, stack="".join(traceback.format_exception(err, limit=5))
        )
        status = _STATUS_BY_CODE.get(err.code or "", "failed")
        self._log(plan, conversation_id, job_id, created_by, reply=None, problem=problem, error=err, status=status,
                  latency_ms=latency_ms)  # fmt: skip
        failure = self._fail(plan, problem, None, conversation_id, job_id, created_by)
        return GenerationResult(conversation_id, failure=failure, error=err, latency_ms=latency_ms)

    # -- helpers ---------------------------------------------------------------------------------------
    def _fail(
        self,
        plan: GenerationPlan,
        info: FailureInfo,
        reply: LLMReply | None,
        conversation_id: str,
        job_id: str | None,
        created_by: str | None,
    ) -> FailedGeneration:
        return record_failure(
            self.db,
            self.blobs,
            info=info,
            request=plan.request,
            reply=reply,
            ids=plan.ids(),
            conversation_id=conversation_id,
            job_id=job_id,
            created_by=created_by,
        )

    def _log(
        self,
        plan: GenerationPlan,
        conversation_id: str,
        job_id: str | None,
        created_by: str | None,
        *,
        reply: LLMReply | None,
        problem: FailureInfo | None,
        cost: float = 0.0,
        error: LLMError | None = None,
        status: CallStatus | None = None,
        latency_ms: int = 0,
    ) -> None:
        self.db.logs.add(
            call_log(
                reply=reply,
                model=plan.request.model,
                latency_ms=latency_ms,
                conversation_id=conversation_id,
                job_id=job_id,
                template_id=plan.template.id,
                created_by=created_by,
                **({} if reply else {"request_id": error.request_id if error else None}),
                cost_usd=cost,
                status=status or ("failed" if problem else "success"),
                error_message=problem.message if problem else None,
                error_code=(error.code if error else problem.failure_type) if problem else None,
                retry_attempt=reply.retries if reply else 0,
                request_payload=plan.request_payload(),
                response_payload=reply.summary() if reply else None,
            )
        )

    def _count_usage(self, plan: GenerationPlan) -> None:
        for repo, record in (
            (self.db.personas, plan.persona),
            (self.db.arcs, plan.arc),
            (self.db.topics, plan.topic),
            (self.db.templates, plan.template),
        ):
            # One UPDATE per table adds 1 in SQL, so concurrent generations never lose a count.
            repo.update_where({"id": record.id}, usage_count=repo.table.c.usage_count + 1)


def check_reply(reply: LLMReply) -> FailureInfo | None:
    """The fail-fast checks, in order: stop reason, escaped-quote truncation, JSON, schema."""
    if reply.stop_reason != "end_turn":
        return FailureInfo(
            "truncation",
            f"Claude stopped with stop_reason '{reply.stop_reason}' instead of 'end_turn'.",
            pattern=UNEXPECTED_STOP_REASON,
            details=f"stop_reason={reply.stop_reason}",
        )
    truncation = find_truncation(reply.text)
    if truncation is not None:
        return FailureInfo(
            "truncation", "The reply was cut off (it ends in an escaped quote).", truncation.pattern, truncation.details
        )
    data, _method, error = parse_reply(reply.text)
    if data is None:
        return FailureInfo("parse_error", f"The reply is not usable JSON: {error}", details=error)
    data = {k: v for k, v in data.items() if k != "input_parameters"}
    try:
        RawConversation.model_validate(data)
    except pydantic.ValidationError as err:
        problems = describe_validation_error(err)
        return FailureInfo(
            "validation_error", "The reply does not match the conversation schema.", details="; ".join(problems)
        )
    return None
