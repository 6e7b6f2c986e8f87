"""The Claude judge: scores a conversation for empathy, clarity, appropriateness, expert-voice alignment
and arc adherence, per client turn, through the Claude adapter with a structured-output schema.

Each call goes to ``settings.cheap_model`` and leaves a ``generation_logs`` row (purpose ``judge``, tokens,
cost, latency). An answer that does not match the schema goes back to the model once with the error;
a second miss raises ``LLMOutputError`` keeping the raw text.

Arc adherence is anchored in numbers we compute: the planned intensity at each client turn moves
linearly from the middle of the arc's starting band to the middle of its ending band; the observed
intensity is the one recorded in the turn. The judge scores how well each turn follows the plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import pydantic
from pydantic import BaseModel, ConfigDict, Field

from core import prompts
from core.calls import CallLedger
from core.enrichment.models import JudgeVerdict, TurnArcAdherence
from core.errors import LLMOutputError
from core.llm.pricing import cost_usd, estimate_tokens, prices_for
from core.llm.retry import backoff_s
from core.llm.types import LLMReply, MessageClient, MessageRequest, SystemBlock
from core.models.logs import GenerationLog
from core.models.scaffolding import EmotionalArc, ExpertProfile
from core.models.statuses import Call
from core.settings import Settings

SYSTEM = prompts.template_source("enrichment/judge_system.md.j2").strip()
MAX_ATTEMPTS = 2
JUDGE_MAX_TOKENS = 2000
PROMPT_OVERHEAD_TOKENS = 900  # rubric, expert profile and schema around the conversation text
OUTPUT_TOKENS_BASE, OUTPUT_TOKENS_PER_TURN = 250, 60


class TurnScore(BaseModel):
    model_config = ConfigDict(extra="forbid")

    turn_number: int
    observed_intensity: float = Field(ge=0.0, le=1.0)
    score: int = Field(ge=1, le=5)
    comment: str


class JudgeReply(BaseModel):
    """What the judge must answer (the structured-output schema is derived from this model)."""

    model_config = ConfigDict(extra="forbid")

    empathy: int = Field(ge=1, le=5)
    clarity: int = Field(ge=1, le=5)
    appropriateness: int = Field(ge=1, le=5)
    expert_voice_alignment: int = Field(ge=1, le=5)
    arc_adherence: int = Field(ge=1, le=5)
    arc_adherence_per_turn: list[TurnScore]
    rationale: str


def intensity_plan(turns: list[dict[str, Any]], arc: EmotionalArc | None) -> list[dict[str, Any]]:
    """Planned intensity at each user turn: linear from the arc's start band middle to its end band middle."""
    user_turns = [t for t in turns if t.get("role") == "user"]
    if arc is not None:
        start = (arc.starting_intensity_min + arc.starting_intensity_max) / 2
        end = (arc.ending_intensity_min + arc.ending_intensity_max) / 2
    else:
        start = float(user_turns[0]["emotional_context"]["intensity"]) if user_turns else 0.7
        end = min(start, 0.4)
    steps = max(len(user_turns) - 1, 1)
    return [
        {"turn_number": t["turn_number"], "expected_intensity": round(start + (end - start) * i / steps, 2)}
        for i, t in enumerate(user_turns)
    ]


def judge_prompt(raw: dict[str, Any], arc: EmotionalArc | None, expert: ExpertProfile) -> str:
    plan = intensity_plan(raw["turns"], arc)
    context = {"expert": expert, "arc": arc, "plan": plan, "turns": raw["turns"]}
    return prompts.render_builtin("enrichment/judge_prompt.md.j2", context).removesuffix("\n")


def estimate_cost(conversations: Iterable[dict[str, Any]], settings: Settings) -> float:
    """Expected USD of judging these raw conversations with the cheap model (about 4 characters a token)."""
    price_in, price_out = prices_for(settings.cheap_model, settings.prices_per_mtok)
    total = 0.0
    for raw in conversations:
        turns = raw.get("turns") or []
        text = "".join(str(t.get("content", "")) for t in turns if isinstance(t, dict))
        tokens_in = estimate_tokens(text) + PROMPT_OVERHEAD_TOKENS
        tokens_out = OUTPUT_TOKENS_BASE + OUTPUT_TOKENS_PER_TURN * len(turns)
        total += (tokens_in * price_in + tokens_out * price_out) / 1_000_000
    return round(total, 4)


class ClaudeJudge:
    """Scores one conversation per call; every call is logged with its cost."""

    def __init__(self, client: MessageClient, ledger: CallLedger, settings: Settings) -> None:
        self.client = client
        self.settings = settings
        self.ledger = ledger  # each call's row, written before it goes out
        self.retry_delay: Callable[[int, float | None], float] = backoff_s

    def judge(
        self, conversation_id: str, raw: dict[str, Any], arc: EmotionalArc | None, expert: ExpertProfile
    ) -> JudgeVerdict:
        from core.llm.claude import strict_json_schema  # the SDK's schema transform, as for generation

        messages: list[dict[str, Any]] = [{"role": "user", "content": judge_prompt(raw, arc, expert)}]
        total_cost = 0.0
        for attempt in range(MAX_ATTEMPTS):
            request = MessageRequest(
                model=self.settings.cheap_model,
                max_tokens=JUDGE_MAX_TOKENS,
                system=[SystemBlock(text=SYSTEM, cache=True)],
                messages=messages,
                output_schema=strict_json_schema(JudgeReply),
            )
            reply, entry = self._call(request, conversation_id, attempt)
            cost = cost_usd(reply.model or request.model, reply.usage, self.settings.prices_per_mtok)
            total_cost += cost
            try:
                answer = JudgeReply.model_validate_json(reply.text)
            except pydantic.ValidationError as err:
                self._complete(entry, reply, cost=cost, error=f"invalid judge output: {err}")
                messages = [
                    *messages,
                    {"role": "assistant", "content": reply.text},
                    {
                        "role": "user",
                        "content": f"That answer does not match the schema: {err}. Reply again, JSON only.",
                    },
                ]
                continue
            self._complete(entry, reply, cost=cost)
            return self._verdict(answer, raw, arc, reply.model or request.model, round(total_cost, 6))
        raise LLMOutputError(
            "The quality judge's answer did not match its schema twice.",
            raw_text=reply.text,
            hint="Run the judge again, or enrich without it.",
        )

    def _call(self, request: MessageRequest, conversation_id: str, attempt: int) -> tuple[LLMReply, GenerationLog]:
        """One judge call through the ledger (a row written ``sent`` before it goes out, transient errors retried
        with a row each). Returns the reply and its row, which the caller completes once it knows whether the
        answer was usable."""
        return self.ledger.call(
            self.client,
            request,
            conversation_id=conversation_id,
            purpose="judge",
            attempt=attempt,
            estimate_cost=0.0,
            max_retries=self.settings.max_retries,
            retry_delay=self.retry_delay,
        )

    def _verdict(
        self, answer: JudgeReply, raw: dict[str, Any], arc: EmotionalArc | None, model: str, cost: float
    ) -> JudgeVerdict:
        planned = {p["turn_number"]: p["expected_intensity"] for p in intensity_plan(raw["turns"], arc)}
        observed = {t["turn_number"]: t["emotional_context"]["intensity"] for t in raw["turns"] if t["role"] == "user"}
        per_turn = [
            TurnArcAdherence(
                turn_number=s.turn_number,
                expected_intensity=planned[s.turn_number],
                observed_intensity=float(observed.get(s.turn_number, s.observed_intensity)),
                score=float(s.score),
                comment=s.comment,
            )
            for s in answer.arc_adherence_per_turn
            if s.turn_number in planned
        ]
        return JudgeVerdict(
            empathy=answer.empathy,
            clarity=answer.clarity,
            appropriateness=answer.appropriateness,
            expert_voice_alignment=answer.expert_voice_alignment,
            arc_adherence=answer.arc_adherence,
            arc_adherence_per_turn=per_turn,
            rationale=answer.rationale,
            model=model,
            cost_usd=cost,
        )

    def _complete(
        self, entry: GenerationLog, reply: LLMReply, *, cost: float, error: str | None = None, latency_ms: int = 0
    ) -> None:
        self.ledger.complete(
            entry,
            reply=reply,
            status=Call.FAILED if error else Call.SUCCESS,
            cost=cost,
            error_message=error,
            latency_ms=latency_ms,
            response_payload=reply.summary() | {"text": reply.text},
        )
