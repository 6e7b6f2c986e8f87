"""The judge's pure parts and its reask loop, with a scripted client (the HTTP path is in integration)."""

from __future__ import annotations

from typing import Any

import pytest

from core.calls import CallLedger
from core.enrichment.judge import ClaudeJudge, JudgeReply, estimate_cost, intensity_plan
from core.errors import LLMError, LLMOutputError
from core.llm.claude import strict_json_schema
from core.llm.types import LLMReply, LLMUsage, MessageRequest
from core.settings import Settings
from core.storage.calllog import SqlCallLog
from core.storage.database import Database

GOOD = {
    "empathy": 5,
    "clarity": 4,
    "appropriateness": 4,
    "expert_voice_alignment": 3,
    "arc_adherence": 4,
    "arc_adherence_per_turn": [{"turn_number": 1, "observed_intensity": 0.8, "score": 4, "comment": "on plan"}],
    "rationale": "Warm and clear.",
}


class Scripted:
    """Answers each call with the next text, or raises it when it is an ``LLMError``."""

    def __init__(self, *texts: str | LLMError) -> None:
        self.texts = list(texts)
        self.requests: list[MessageRequest] = []

    def create_message(
        self, request: MessageRequest, *, max_retries: int | None = None, timeout_s: float | None = None
    ) -> LLMReply:
        self.requests.append(request)
        text = self.texts.pop(0)
        if isinstance(text, LLMError):
            raise text
        usage = LLMUsage(input_tokens=1000, output_tokens=200)
        return LLMReply(text=text, stop_reason="end_turn", model=request.model, usage=usage)


@pytest.fixture
def database(tmp_path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'judge.sqlite3'}")
    db.upgrade()
    return db


def test_planned_intensity_moves_linearly_from_start_to_end_band(raw, arc) -> None:
    raw["turns"] += [dict(raw["turns"][0], turn_number=3), dict(raw["turns"][1], turn_number=4)]
    assert intensity_plan(raw["turns"], arc) == [
        {"turn_number": 1, "expected_intensity": 0.8},
        {"turn_number": 3, "expected_intensity": 0.4},
    ]


def _keys(node: object) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in _keys(v)}
    return {k for v in node for k in _keys(v)} if isinstance(node, list) else set()


def test_schema_is_closed_and_requires_every_field() -> None:
    schema = strict_json_schema(JudgeReply)
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == set(JudgeReply.model_fields)
    assert not {"maximum", "minimum"} & _keys(schema)  # bounds go into descriptions; we validate them after


def test_a_valid_answer_becomes_a_verdict_and_a_logged_call(raw, arc, expert, database) -> None:
    client = Scripted(JudgeReply.model_validate(GOOD).model_dump_json())
    verdict = ClaudeJudge(client, CallLedger(database, SqlCallLog(database)), Settings()).judge("c1", raw, arc, expert)
    assert verdict.criteria()["empathy_score"] == 5.0 and verdict.mean == 4.0
    assert verdict.arc_adherence_per_turn[0].expected_intensity == 0.8
    assert client.requests[0].model == Settings().cheap_model
    [log] = database.logs.list()
    assert (log.purpose, log.conversation_id, log.cost_usd) == ("judge", "c1", verdict.cost_usd)


def test_an_invalid_answer_is_sent_back_once_then_accepted(raw, arc, expert, database) -> None:
    client = Scripted('{"empathy": 9}', JudgeReply.model_validate(GOOD).model_dump_json())
    verdict = ClaudeJudge(client, CallLedger(database, SqlCallLog(database)), Settings()).judge("c1", raw, arc, expert)
    assert "does not match the schema" in client.requests[1].messages[-1]["content"]
    assert [log.status for log in database.logs.list(order_by="retry_attempt")] == ["failed", "success"]
    assert verdict.cost_usd > 0


def test_two_invalid_answers_raise_with_the_raw_text(raw, arc, expert, database) -> None:
    client = Scripted("not json", "still not json")
    with pytest.raises(LLMOutputError) as caught:
        ClaudeJudge(client, CallLedger(database, SqlCallLog(database)), Settings()).judge("c1", raw, arc, expert)
    assert caught.value.raw_text == "still not json"


def test_cost_estimate_grows_with_the_conversation(raw: dict[str, Any]) -> None:
    one = estimate_cost([raw], Settings())
    assert 0 < one < estimate_cost([raw, raw], Settings())


def test_a_throttled_judge_call_is_retried_and_every_call_has_its_own_log_row(raw, arc, expert, database) -> None:
    throttled = LLMError("Claude is overloaded.", status_code=529, code="overloaded")
    client = Scripted(throttled, JudgeReply.model_validate(GOOD).model_dump_json())
    judge = ClaudeJudge(client, CallLedger(database, SqlCallLog(database)), Settings())
    judge.retry_delay = lambda attempt, retry_after: 0.0
    judge.judge("c1", raw, arc, expert)
    rows = database.logs.list(order_by="retry_attempt")
    assert [(r.status, r.retry_attempt, r.purpose) for r in rows] == [("failed", 0, "judge"), ("success", 1, "judge")]
    assert "overloaded" in (rows[0].error_message or "")


def test_a_judge_call_in_flight_is_already_logged_as_sent(raw, arc, expert, database) -> None:
    seen: list[list[str]] = []

    class Watching(Scripted):
        def create_message(self, request: MessageRequest, **options: object) -> LLMReply:
            seen.append([r.status for r in database.logs.list()])
            return super().create_message(request)

    ClaudeJudge(
        Watching(JudgeReply.model_validate(GOOD).model_dump_json()),
        CallLedger(database, SqlCallLog(database)),
        Settings(),
    ).judge("c1", raw, arc, expert)
    assert seen == [["sent"]]
    assert [r.status for r in database.logs.list()] == ["success"]
