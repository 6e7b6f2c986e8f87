"""The blind A/B queue on SQLite and the real PostgreSQL: answers in a stable random order, picks recorded once
per reviewer, the humans' win rate and their agreement with the judge, kept inside the project."""

from __future__ import annotations

from core.evaluation.ab import ABQueue
from core.models.evaluation import EvaluationJudgment
from core.storage.database import Database


def _judgment(db: Database, turn: int, outcome: str, model_id: str = "m1") -> EvaluationJudgment:
    return db.evaluation_judgments.add(
        EvaluationJudgment(
            run_id="r1",
            model_id=model_id,
            content_key=f"k{turn}",
            conversation_id="c1",
            turn_number=turn,
            prompt=[{"role": "user", "content": f"Question {turn}"}],
            base_answer=f"base {turn}",
            tuned_answer=f"tuned {turn}, warmer",
            outcome=outcome,  # type: ignore[arg-type]
        )
    )


def test_picks_count_toward_the_human_win_rate_and_agreement(db: Database) -> None:
    for turn, outcome in enumerate(["tuned", "base", "tie", "tuned"], start=1):
        _judgment(db, turn, outcome)
    _judgment(db, 9, "tuned", model_id="other")
    queue = ABQueue(db.evaluation_judgments, db.preference_picks)
    items = queue.queue("m1", "ana")
    assert len(items) == 4 and [i.judgment_id for i in items] == [i.judgment_id for i in queue.queue("m1", "ana")]
    assert {i.first_source for i in items} == {"base", "tuned"}  # both orders occur across the queue
    judged = {j.id: j.outcome for j in db.evaluation_judgments.list()}
    for item in items:  # ana always picks the tuned answer
        queue.record("m1", item, "first" if item.first_source == "tuned" else "second", "ana")
    assert queue.queue("m1", "ana") == [] and len(queue.queue("m1", "ben")) == 4
    score = queue.human_score("m1")
    assert (score.picks, score.rate.wins, score.rate.win_rate) == (4, 4, 1.0)
    agreeing = sum(1 for outcome in judged.values() if outcome == "tuned") - 1  # the other model's is not counted
    assert score.compared == 4 and score.agreement == agreeing / 4
    other = db.in_project("elsewhere")
    assert ABQueue(other.evaluation_judgments, other.preference_picks).queue("m1", "ana") == []
