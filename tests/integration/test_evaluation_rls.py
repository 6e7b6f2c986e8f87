"""Scorecards and A/B picks on Postgres with row-level security: each user reaches only their own rows, and a
row inserted without an owner is stamped with the signed-in user (m0016)."""

from __future__ import annotations

from core.models.evaluation import EvaluationRun, PreferencePick
from core.models.statuses import Evaluation
from tests.integration.conftest import USER_A, USER_B, Rls


def _pick(model_id: str) -> PreferencePick:
    return PreferencePick(
        model_id=model_id,
        prompt=[{"role": "user", "content": "Hi"}],
        first_answer="a",
        second_answer="b",
        first_source="base",
        second_source="tuned",
        pick="second",
    )


def test_picks_and_scorecards_are_their_owners_alone(rls: Rls) -> None:
    a, b = rls.user(USER_A), rls.user(USER_B)
    a.preference_picks.add(_pick("m-a"))
    a.evaluation_runs.add(EvaluationRun(model_id="m-a", judge_model="j", status=Evaluation.COMPLETED))
    b.preference_picks.add(_pick("m-b"))
    assert [p.model_id for p in a.preference_picks.list()] == ["m-a"]
    assert [p.model_id for p in b.preference_picks.list()] == ["m-b"]
    assert b.evaluation_runs.list() == []
    assert {p.created_by for p in rls.worker.preference_picks.list()} == {USER_A, USER_B}  # stamped
    assert b.preference_picks.update_where({"model_id": "m-a"}, pick="first") == 0
