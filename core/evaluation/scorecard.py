"""The held-out scorecard: every client turn of every held-out conversation answered by the base model and
the tuned model (the conversation so far as context), judged pairwise (``core.evaluation.judge``), counted.

The estimate comes first and the run has a spending limit, like batch jobs: before each judge call the run
checks that its spend so far plus that call's expected cost stays within the limit, and stops between calls
otherwise (status ``budget_reached``, the judged turns kept). A turn whose judge prompt (context, both
answers, judge model, rubric) was judged before in this project is reused at no cost: reruns are cached
by content.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from core.evaluation.judge import SYSTEM, BudgetReached, PairJudge, judge_prompt, turn_estimate
from core.evaluation.responder import GenerationSettings, Responder, Turn, client_turns
from core.evaluation.stats import win_rate
from core.models.base import utcnow
from core.models.evaluation import DIMENSIONS, EvaluationJudgment, EvaluationRun
from core.models.scaffolding import ExpertProfile
from core.models.statuses import Evaluation, Verdict
from core.storage.ports import Rows

#: A guess at one answer's length (characters) for the estimate, before any answer exists.
ANSWER_CHARS_GUESS = 800
EPSILON = 1e-9


@dataclass
class HeldOut:
    """One held-out conversation (the validation split of the model's training file) as chat messages."""

    conversation_id: str
    messages: list[dict[str, Any]]


class ScorecardEstimate(BaseModel):
    conversations: int
    turns: int
    calls: int
    estimate_usd: float
    judge_model: str


class Highlight(BaseModel):
    """One of the biggest wins or losses, to read."""

    conversation_id: str
    turn_number: int
    client_message: str
    base_answer: str
    tuned_answer: str
    margin: float
    reason: str


def _margin(judgment: EvaluationJudgment) -> float:
    base = [float(judgment.base_scores.get(d, 0)) for d in DIMENSIONS]
    tuned = [float(judgment.tuned_scores.get(d, 0)) for d in DIMENSIONS]
    return round(sum(tuned) / len(DIMENSIONS) - sum(base) / len(DIMENSIONS), 3)


def highlights(judgments: Sequence[EvaluationJudgment], outcome: str, count: int = 3) -> list[Highlight]:
    """The ``count`` turns of ``outcome`` (``tuned``: wins, ``base``: losses) with the widest score margin."""
    chosen = [j for j in judgments if j.outcome == outcome]
    chosen.sort(key=_margin, reverse=outcome == "tuned")
    return [
        Highlight(
            conversation_id=j.conversation_id,
            turn_number=j.turn_number,
            client_message=str(j.prompt[-1].get("content", "")) if j.prompt else "",
            base_answer=j.base_answer,
            tuned_answer=j.tuned_answer,
            margin=_margin(j),
            reason=j.reason,
        )
        for j in chosen[:count]
    ]


def mean_scores(judgments: Sequence[EvaluationJudgment]) -> dict[str, dict[str, float]]:
    """Mean rubric score per dimension, for base and tuned, over the judged turns."""
    judged = [j for j in judgments if j.outcome != Verdict.FAILED and j.base_scores and j.tuned_scores]
    if not judged:
        return {}
    return {
        side: {
            d: round(sum(float(getattr(j, f"{side}_scores")[d]) for j in judged) / len(judged), 2) for d in DIMENSIONS
        }
        for side in ("base", "tuned")
    }


def content_key(judge_model: str, prompt: str) -> str:
    """What the judge read, hashed: the same key means the same verdict may be reused."""
    return hashlib.sha256(json.dumps([judge_model, SYSTEM, prompt]).encode()).hexdigest()


def turns_of(held_out: Sequence[HeldOut], limit: int | None = None) -> list[Turn]:
    chosen = held_out[:limit] if limit else held_out
    return [
        turn for conversation in chosen for turn in client_turns(conversation.conversation_id, conversation.messages)
    ]


def estimate(
    held_out: Sequence[HeldOut], judge_model: str, settings: Any, limit: int | None = None
) -> ScorecardEstimate:
    """What judging these conversations would cost at most (nothing cached assumed); spends nothing."""
    turns = turns_of(held_out, limit)
    usd = sum(turn_estimate(t.context, 2 * ANSWER_CHARS_GUESS, judge_model, settings) for t in turns)
    return ScorecardEstimate(
        conversations=len(held_out[:limit] if limit else held_out),
        turns=len(turns),
        calls=2 * len(turns),
        estimate_usd=round(usd, 4),
        judge_model=judge_model,
    )


class Scorecard:
    """Runs one scorecard of ``model_id`` and stores it (``evaluation_runs``, ``evaluation_judgments``)."""

    def __init__(
        self,
        runs: Rows[EvaluationRun],
        judgments: Rows[EvaluationJudgment],
        judge: PairJudge,
        expert: ExpertProfile,
    ) -> None:
        self.runs = runs
        self.judgments = judgments
        self.judge = judge
        self.expert = expert

    def run(
        self,
        model_id: str,
        held_out: Sequence[HeldOut],
        base: Responder,
        tuned: Responder,
        *,
        limit: int | None = None,
        budget_usd: float | None = None,
        generation: GenerationSettings | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> EvaluationRun:
        settings = generation or GenerationSettings()
        plan = estimate(held_out, self.judge.model, self.judge.settings, limit)
        run = self.runs.add(
            EvaluationRun(
                model_id=model_id,
                judge_model=self.judge.model,
                status=Evaluation.RUNNING,
                conversations=plan.conversations,
                turns=plan.turns,
                estimate_usd=plan.estimate_usd,
                budget_usd=budget_usd,
            )
        )
        spent = 0.0

        def guard(expected: float) -> None:
            if budget_usd is not None and spent + expected > budget_usd + EPSILON:
                raise BudgetReached

        turns = turns_of(held_out, limit)
        done: list[EvaluationJudgment] = []
        status, message = Evaluation.COMPLETED, None
        try:
            for index, turn in enumerate(turns):
                judgment = self._judge_turn(run.id, model_id, turn, base, tuned, settings, guard)
                spent = round(spent + judgment.cost_usd, 6)
                done.append(judgment)
                self._save(run, done, spent)
                if progress is not None:
                    progress(index + 1, len(turns))
        except BudgetReached:
            status = Evaluation.BUDGET_REACHED
            message = (
                f"Stopped at the spending limit of ${budget_usd or 0:.2f} after {len(done)} of {len(turns)} "
                f"client turns (spent ${spent:.4f})."
            )
        except Exception as err:
            status, message = Evaluation.FAILED, str(getattr(err, "message", "") or err)
            self._save(run, done, spent, status=status, message=message)
            raise
        return self._save(run, done, spent, status=status, message=message)

    def _judge_turn(
        self,
        run_id: str,
        model_id: str,
        turn: Turn,
        base: Responder,
        tuned: Responder,
        settings: GenerationSettings,
        guard: Callable[[float], None],
    ) -> EvaluationJudgment:
        base_answer = base.reply(turn.context, settings)
        tuned_answer = tuned.reply(turn.context, settings)
        key = content_key(self.judge.model, judge_prompt(turn.context, base_answer, tuned_answer, self.expert))
        common: dict[str, Any] = {
            "run_id": run_id,
            "model_id": model_id,
            "content_key": key,
            "conversation_id": turn.conversation_id,
            "turn_number": turn.turn_number,
            "prompt": turn.context,
            "base_answer": base_answer,
            "tuned_answer": tuned_answer,
            "reference_answer": turn.reference,
        }
        before = self.judgments.first({"content_key": key, "outcome": ["tuned", "base", "tie"]})
        if before is not None:
            return self.judgments.add(
                EvaluationJudgment(
                    **common,
                    outcome=before.outcome,
                    verdicts=before.verdicts,
                    base_scores=before.base_scores,
                    tuned_scores=before.tuned_scores,
                    reason=before.reason,
                    cost_usd=0.0,
                    cached=True,
                )
            )
        result = self.judge.compare(turn.conversation_id, turn.context, base_answer, tuned_answer, self.expert, guard)
        return self.judgments.add(
            EvaluationJudgment(
                **common,
                outcome=result.outcome,
                verdicts=result.verdicts,
                base_scores=result.base_scores,
                tuned_scores=result.tuned_scores,
                reason=result.reason,
                error=result.error,
                cost_usd=result.cost_usd,
            )
        )

    def _save(
        self,
        run: EvaluationRun,
        done: list[EvaluationJudgment],
        spent: float,
        *,
        status: str = Evaluation.RUNNING,
        message: str | None = None,
    ) -> EvaluationRun:
        counts = {
            o: sum(1 for j in done if j.outcome == o)
            for o in (Verdict.TUNED, Verdict.TIE, Verdict.BASE, Verdict.FAILED)
        }
        rate = win_rate(counts[Verdict.TUNED], counts[Verdict.TIE], counts[Verdict.BASE])
        finished = status != Evaluation.RUNNING
        return self.runs.update(
            run.id,
            status=status,
            wins=rate.wins,
            ties=rate.ties,
            losses=rate.losses,
            failures=counts[Verdict.FAILED],
            win_rate=rate.win_rate,
            ci_low=rate.ci_low,
            ci_high=rate.ci_high,
            cost_usd=round(spent, 6),
            scores=mean_scores(done),
            message=message,
            finished_at=utcnow() if finished else None,
            updated_at=utcnow(),
        )
