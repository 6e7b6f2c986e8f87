"""The pairwise judge: Claude scores two answers to the same client turn on the project's rubric and says
which is better, asked twice with the positions swapped.

A turn's outcome: when both verdicts name the same model, that model wins; when they disagree (position
bias), or either says tie, it is a tie. A reply that does not parse or was cut at ``max_tokens`` is asked
again (``MAX_ATTEMPTS`` in all); after that the turn is a recorded failure, counted neither as a win nor as
a loss. Every call leaves its ``generation_logs`` row (purpose ``evaluate``), written before it goes out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field

from core import prompts
from core.calls import CallLedger
from core.llm.pricing import cost_usd, prices_for
from core.llm.retry import backoff_s
from core.llm.types import LLMReply, MessageClient, MessageRequest, SystemBlock
from core.models.evaluation import DIMENSIONS, Outcome
from core.models.logs import GenerationLog
from core.models.scaffolding import ExpertProfile
from core.models.statuses import Call, Verdict
from core.settings import Settings

SYSTEM = prompts.template_source("evaluation/pair_judge_system.md.j2").strip()
PROMPT_TEMPLATE = "evaluation/pair_judge_prompt.md.j2"
MAX_ATTEMPTS = 2
JUDGE_MAX_TOKENS = 600
PROMPT_OVERHEAD_TOKENS = 700  # rubric and expert profile around the conversation and the answers
OUTPUT_TOKENS = 160
CALLS_PER_TURN = 2  # positions swapped
PURPOSE = "evaluate"


class AnswerScores(BaseModel):
    model_config = ConfigDict(extra="forbid")

    empathy: int = Field(ge=1, le=5)
    clarity: int = Field(ge=1, le=5)
    appropriateness: int = Field(ge=1, le=5)
    expert_voice_alignment: int = Field(ge=1, le=5)


class PairReply(BaseModel):
    """What the judge must answer (the structured-output schema is derived from this model)."""

    model_config = ConfigDict(extra="forbid")

    answer_a: AnswerScores
    answer_b: AnswerScores
    better: Literal["A", "B", "tie"]
    reason: str


@dataclass
class PairResult:
    """One client turn judged: the outcome for the tuned model, both verdicts, mean scores, cost."""

    outcome: Outcome
    verdicts: list[str] = field(default_factory=list)
    base_scores: dict[str, float] = field(default_factory=dict)
    tuned_scores: dict[str, float] = field(default_factory=dict)
    reason: str = ""
    error: str | None = None
    cost_usd: float = 0.0


class BudgetReached(Exception):
    """The next call would take the run past its spending limit (raised before the call goes out)."""


#: Called with the expected cost of the next call, before it goes out; raises ``BudgetReached`` to stop.
SpendGuard = Callable[[float], None]


def no_limit(expected_usd: float) -> None:
    return None


def judge_prompt(messages: list[dict[str, Any]], answer_a: str, answer_b: str, expert: ExpertProfile) -> str:
    shown = [m for m in messages if m.get("role") in ("user", "assistant")]
    context = {"expert": expert, "messages": shown, "answer_a": answer_a, "answer_b": answer_b}
    return prompts.render_builtin(PROMPT_TEMPLATE, context).removesuffix("\n")


def call_estimate(prompt_chars: int, model: str, settings: Settings) -> float:
    """Expected USD of one judge call whose conversation and answers hold ``prompt_chars`` characters."""
    price_in, price_out = prices_for(model, settings.prices_per_mtok)
    tokens_in = -(-prompt_chars // 4) + PROMPT_OVERHEAD_TOKENS
    return (tokens_in * price_in + OUTPUT_TOKENS * price_out) / 1_000_000


def turn_estimate(messages: list[dict[str, Any]], answer_chars: int, model: str, settings: Settings) -> float:
    """Expected USD of judging one turn (two calls); ``answer_chars`` is a guess at both answers' length."""
    chars = sum(len(str(m.get("content", ""))) for m in messages) + answer_chars
    return CALLS_PER_TURN * call_estimate(chars, model, settings)


def _mean(a: AnswerScores | None, b: AnswerScores | None) -> dict[str, float]:
    given = [s for s in (a, b) if s is not None]
    if not given:
        return {}
    return {d: round(sum(getattr(s, d) for s in given) / len(given), 2) for d in DIMENSIONS}


class PairJudge:
    """Compares a base and a tuned answer to one client turn (two calls, positions swapped)."""

    def __init__(
        self,
        client: MessageClient,
        ledger: CallLedger,
        settings: Settings,
        *,
        model: str | None = None,
    ) -> None:
        self.client = client
        self.settings = settings
        self.model = model or settings.cheap_model
        self.ledger = ledger  # each call's row, written before it goes out
        self.retry_delay: Callable[[int, float | None], float] = backoff_s

    def compare(
        self,
        conversation_id: str,
        messages: list[dict[str, Any]],
        base_answer: str,
        tuned_answer: str,
        expert: ExpertProfile,
        guard: SpendGuard = no_limit,
    ) -> PairResult:
        """Judge both orders; ``guard`` is asked before every call and may stop the run (``BudgetReached``)."""
        result = PairResult(outcome=Verdict.FAILED)
        # first order: base shown as A; second order: tuned shown as A
        orders: list[tuple[str, str, str, str]] = [
            (base_answer, tuned_answer, "base", "tuned"),
            (tuned_answer, base_answer, "tuned", "base"),
        ]
        base_seen: list[AnswerScores] = []
        tuned_seen: list[AnswerScores] = []
        reasons: list[str] = []
        for answer_a, answer_b, source_a, source_b in orders:
            prompt = judge_prompt(messages, answer_a, answer_b, expert)
            reply, cost, error = self._ask(conversation_id, prompt, guard)
            result.cost_usd = round(result.cost_usd + cost, 6)
            if reply is None:
                result.error = error
                result.verdicts.append(Verdict.FAILED)
                return result
            verdict = {"A": source_a, "B": source_b}.get(reply.better, "tie")
            result.verdicts.append(verdict)
            by_source = {source_a: reply.answer_a, source_b: reply.answer_b}
            base_seen.append(by_source["base"])
            tuned_seen.append(by_source["tuned"])
            reasons.append(reply.reason.strip())
        first, second = result.verdicts
        result.outcome = "tie"
        if first == second == "base":
            result.outcome = "base"
        elif first == second == "tuned":
            result.outcome = "tuned"
        result.base_scores = _mean(*base_seen)
        result.tuned_scores = _mean(*tuned_seen)
        result.reason = reasons[0] if reasons else ""
        return result

    def _ask(self, conversation_id: str, prompt: str, guard: SpendGuard) -> tuple[PairReply | None, float, str | None]:
        """One verdict: asked again when the reply does not parse or was cut; ``None`` with why after that."""
        from core.llm.claude import strict_json_schema  # the SDK's schema transform, as for the enrichment judge

        request = MessageRequest(
            model=self.model,
            max_tokens=JUDGE_MAX_TOKENS,
            system=[SystemBlock(text=SYSTEM, cache=True)],
            messages=[{"role": "user", "content": prompt}],
            output_schema=strict_json_schema(PairReply),
        )
        spent = 0.0
        problem = "no answer"
        for attempt in range(MAX_ATTEMPTS):
            expected = call_estimate(len(prompt), self.model, self.settings)
            guard(expected)
            reply, entry = self._call(request, conversation_id, attempt, expected)
            cost = cost_usd(reply.model or request.model, reply.usage, self.settings.prices_per_mtok)
            spent += cost
            if reply.stop_reason == "max_tokens":
                problem = "the judge's answer was cut off before it ended"
            else:
                try:
                    answer = PairReply.model_validate_json(reply.text)
                except pydantic.ValidationError as err:
                    problem = f"the judge's answer did not match its form ({err.error_count()} problem(s))"
                else:
                    self._complete(entry, reply, cost)
                    return answer, spent, None
            self._complete(entry, reply, cost, error=problem)
        return None, spent, f"{problem}, {MAX_ATTEMPTS} times"

    def _call(
        self, request: MessageRequest, conversation_id: str, attempt: int, expected: float
    ) -> tuple[LLMReply, GenerationLog]:
        """One call through the ledger: its row written ``sent`` before it goes out; transient errors retried."""
        return self.ledger.call(
            self.client,
            request,
            conversation_id=conversation_id,
            purpose=PURPOSE,
            attempt=attempt,
            estimate_cost=expected,
            max_retries=self.settings.max_retries,
            retry_delay=self.retry_delay,
        )

    def _complete(self, entry: GenerationLog, reply: LLMReply, cost: float, *, error: str | None = None) -> None:
        self.ledger.complete(
            entry,
            reply=reply,
            status=Call.FAILED if error else Call.SUCCESS,
            cost=cost,
            error_message=error,
            response_payload=reply.summary() | {"text": reply.text},
        )
