"""Generating one conversation: build the request, call Claude, check the reply, store it or the failure.

The steps are separate so the batch runner can reuse them: ``build_request`` (no key needed; also the
page's preview), ``ClaudeClient.create_message`` (or a Message Batches result), then ``ingest_reply`` or
``record_call_error``. The service holds no mutable state, so threads may call ``generate`` at once.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from core.calls import CallLedger
from core.conversations.store import ConversationStore
from core.errors import LLMError, NotFoundError
from core.generation import prompts
from core.generation.checks import check_reply
from core.generation.plan import Estimate, GenerationPlan, GenerationResult, conversation_schema
from core.generation.recording import GenerationRecorder
from core.generation.template_selection import choose_template, rank_templates
from core.generation.variables import Placeholder, build_variables, default_temperature, placeholders
from core.llm.models import model_warning
from core.llm.pricing import cost_usd, estimate_usage
from core.llm.retry import backoff_s, is_transient
from core.llm.types import MessageClient, MessageRequest
from core.models.base import new_id
from core.models.projects import ClientField
from core.models.scaffolding import ExpertProfile, Tier
from core.scaffolding.service import ScaffoldingService
from core.settings import Settings
from core.storage.ports import FailureWriter
from core.storage.ports.blobs import BlobStore

__all__ = ["GenerationService", "check_reply"]


class GenerationService(GenerationRecorder):
    def __init__(
        self,
        failures: FailureWriter,
        blobs: BlobStore,
        scaffolding: ScaffoldingService,
        conversations: ConversationStore,
        settings: Settings,
        llm: Callable[[], MessageClient],
        calls: CallLedger,
        client_fields: Callable[[], list[ClientField]] | None = None,
    ) -> None:
        super().__init__(failures, blobs, conversations, settings, calls)
        self.scaffolding = scaffolding
        self._llm = llm
        #: The custom client fields the project declares (read at each use: the expert may change them).
        self.client_fields: Callable[[], list[ClientField]] = client_fields or list
        #: Seconds to wait before retry ``n`` (tests shorten it).
        self.retry_delay: Callable[[int, float | None], float] = backoff_s

    def for_owner(self, owner: str | None) -> GenerationService:
        """The same service resolving scaffolding (expert, persona, arc, topic, templates) as ``owner`` sees it:
        shared plus their own. Work done on someone's behalf (a batch job) must never use another user's."""
        return self.using(self.scaffolding.for_owner(owner))

    def using(self, scaffolding: ScaffoldingService) -> GenerationService:
        """The same service reading scaffolding through ``scaffolding`` (a batch's cached view of one owner's)."""
        service = GenerationService(
            self.failures,
            self.blobs,
            scaffolding,
            self.conversations,
            self.settings,
            llm=self._llm,
            calls=self.calls,
            client_fields=self.client_fields,
        )
        service.retry_delay = self.retry_delay
        return service

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
                hint="Add one on the Scaffolding page.",
                terminal_hint="Run: python -m core scaffolding install-defaults",
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
        fields = self.client_fields()
        prompts.check_custom_fields(template.template_text, fields, name=template.template_name)
        variables = build_variables(
            expert, persona, arc, topic, tier=tier, temperature=temperature, client_fields=fields
        )
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

    # -- the prompt editor ---------------------------------------------------------------------------
    def placeholders(self) -> list[Placeholder]:
        """The placeholders a prompt of this project may use: the general ones and one per custom client field
        the project declares."""
        return placeholders(self.client_fields())

    def render_draft(self, text: str, persona_key: str, arc_key: str, topic_key: str) -> str:
        """``text`` (a prompt being written) as Claude would get it for this client, journey and topic.
        An unknown placeholder or a syntax error raises ``ValidationError`` in plain words."""
        expert = self.scaffolding.active_expert() or ExpertProfile(profile_key="expert", name="Your expert")
        persona = self.scaffolding.get("personas", persona_key)
        arc = self.scaffolding.get("arcs", arc_key)
        topic = self.scaffolding.get("topics", topic_key)
        fields = self.client_fields()
        prompts.check_custom_fields(text, fields, name="being written")
        variables = build_variables(expert, persona, arc, topic, tier=arc.tier, client_fields=fields)
        return prompts.render_text(text, variables, name="draft")

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
        (unknown scaffolding, template errors, no API key). Transient errors are retried here (not inside
        the SDK), so every attempt has its own log row."""
        plan = self.build_request(
            persona_key, arc_key, topic_key, tier=tier, template_name=template_name, temperature=temperature
        )
        client = self._llm()
        conversation_id = new_id()
        retries = self.settings.max_retries if max_retries is None else max_retries
        for attempt in range(retries + 1):
            entry = self.begin_call(
                plan, conversation_id=conversation_id, job_id=job_id, created_by=created_by, attempt=attempt
            )
            started = time.perf_counter()
            try:
                reply = client.create_message(plan.request, max_retries=0)
            except LLMError as err:
                latency = round((time.perf_counter() - started) * 1000)
                self.fail_call(entry, err, latency_ms=latency)
                if attempt < retries and is_transient(err):
                    time.sleep(self.retry_delay(attempt, err.retry_after))
                    continue
                return self.record_call_error(
                    plan, err, conversation_id=conversation_id, job_id=job_id, created_by=created_by, latency_ms=latency
                )
            return self.ingest_reply(
                plan, reply, conversation_id=conversation_id, job_id=job_id, created_by=created_by, entry=entry
            )
        raise AssertionError("not reached: the last attempt returns")
