"""Blind A/B for reviewers: held-out client turns with the base and the tuned answer in a random order (the
same order for the same reviewer every time), the reviewer's pick, and the humans' win rate beside the judge's.

The queue is built from a model's scorecard runs (each judged turn holds both answers). A pick is stored as a
``PreferencePick`` (also a DPO preference pair); the tuned model wins a pick when the reviewer chose its answer.
Agreement: among turns both a reviewer and the judge decided (the judge did not fail), the share where they
name the same outcome (tuned, base, or tie).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from pydantic import BaseModel

from core.errors import ValidationError
from core.evaluation.stats import WinRate, win_rate
from core.models.evaluation import EvaluationJudgment, PickChoice, PreferencePick
from core.models.statuses import Verdict
from core.storage.ports import Rows


class ABItem(BaseModel):
    """One blind comparison as a reviewer sees it: no word of which model wrote which answer."""

    judgment_id: str
    conversation_id: str
    turn_number: int
    prompt: list[dict[str, str]]
    first_answer: str
    second_answer: str
    first_source: str
    second_source: str


class HumanScore(BaseModel):
    picks: int
    rate: WinRate
    agreement: float | None
    compared: int


def tuned_first(judgment_id: str, reviewer: str) -> bool:
    """Whether the tuned answer is shown first: a coin flip fixed by the turn and the reviewer."""
    return hashlib.sha256(f"{judgment_id}:{reviewer}".encode()).digest()[0] % 2 == 0


def item_for(judgment: EvaluationJudgment, reviewer: str) -> ABItem:
    flip = tuned_first(judgment.id, reviewer)
    answers = [("tuned", judgment.tuned_answer), ("base", judgment.base_answer)]
    (first_source, first), (second_source, second) = answers if flip else answers[::-1]
    return ABItem(
        judgment_id=judgment.id,
        conversation_id=judgment.conversation_id,
        turn_number=judgment.turn_number,
        prompt=[{"role": str(m.get("role")), "content": str(m.get("content", ""))} for m in judgment.prompt],
        first_answer=first,
        second_answer=second,
        first_source=first_source,
        second_source=second_source,
    )


def picked_outcome(pick: PreferencePick) -> str:
    """What a pick says about the tuned model: ``tuned``, ``base`` or ``tie``."""
    if pick.pick == "tie":
        return Verdict.TIE
    return pick.first_source if pick.pick == "first" else pick.second_source


class ABQueue:
    def __init__(self, judgments: Rows[EvaluationJudgment], picks: Rows[PreferencePick]) -> None:
        self.judgments = judgments
        self.picks = picks

    def queue(self, model_id: str, reviewer: str) -> list[ABItem]:
        """The turns this reviewer has not picked yet, each once (the newest judged copy of a turn), in a
        shuffled but stable order; turns whose two answers are the same text are left out."""
        done = {p.judgment_id for p in self.picks.list(where={"model_id": model_id, "reviewer": reviewer})}
        seen: set[tuple[str, int, str, str]] = set()
        items: list[ABItem] = []
        for judgment in self.judgments.list(where={"model_id": model_id}, order_by="created_at", descending=True):
            key = (judgment.conversation_id, judgment.turn_number, judgment.base_answer, judgment.tuned_answer)
            if key in seen or judgment.base_answer.strip() == judgment.tuned_answer.strip():
                continue
            seen.add(key)
            if judgment.id not in done:
                items.append(item_for(judgment, reviewer))
        items.sort(key=lambda item: hashlib.sha256(f"{reviewer}:{item.judgment_id}".encode()).hexdigest())
        return items

    def record(self, model_id: str, item: ABItem, choice: PickChoice, reviewer: str) -> PreferencePick:
        if choice not in ("first", "second", "tie"):
            raise ValidationError("Pick the first answer, the second, or a tie.")
        return self.picks.add(
            PreferencePick(
                model_id=model_id,
                judgment_id=item.judgment_id,
                conversation_id=item.conversation_id,
                turn_number=item.turn_number,
                prompt=item.prompt,
                first_answer=item.first_answer,
                second_answer=item.second_answer,
                first_source=item.first_source,
                second_source=item.second_source,
                pick=choice,
                reviewer=reviewer,
            )
        )

    def human_score(self, model_id: str) -> HumanScore:
        picks = self.picks.list(where={"model_id": model_id})
        return score(picks, self._judged({p.judgment_id for p in picks if p.judgment_id}))

    def _judged(self, ids: set[str]) -> dict[str, str]:
        if not ids:
            return {}
        return {j.id: j.outcome for j in self.judgments.list(where={"id": sorted(ids)})}


def score(picks: Sequence[PreferencePick], judge_outcomes: dict[str, str]) -> HumanScore:
    """Humans' win rate for the tuned model (ties as half, Wilson 95%), and their agreement with the judge."""
    outcomes = [picked_outcome(p) for p in picks]
    rate = win_rate(outcomes.count("tuned"), outcomes.count(Verdict.TIE), outcomes.count("base"))
    pairs = [
        (outcome, judge_outcomes[p.judgment_id])
        for p, outcome in zip(picks, outcomes, strict=True)
        if p.judgment_id in judge_outcomes and judge_outcomes[p.judgment_id] != Verdict.FAILED
    ]
    agreement = round(sum(h == j for h, j in pairs) / len(pairs), 4) if pairs else None
    return HumanScore(picks=len(picks), rate=rate, agreement=agreement, compared=len(pairs))
