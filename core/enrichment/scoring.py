"""Scoring a validated conversation (rules, and Claude's judge when asked) and building the enriched file:
the enrichment stage of ``core.enrichment.pipeline``."""

from __future__ import annotations

from typing import Any, Protocol

from core.enrichment.context import ContextLoader
from core.enrichment.enrich import CRITERIA, build_enriched
from core.enrichment.models import EnrichmentOutcome, JudgeVerdict
from core.enrichment.quality import combined_score, rule_score
from core.models.conversation import Conversation
from core.models.scaffolding import EmotionalArc, ExpertProfile


class Judge(Protocol):
    """Scores a validated conversation with Claude (``core.enrichment.judge.ClaudeJudge``)."""

    def judge(
        self, conversation_id: str, raw: dict[str, Any], arc: EmotionalArc | None, expert: ExpertProfile
    ) -> JudgeVerdict: ...


def describe(err: Exception) -> str:
    message = getattr(err, "message", None) or str(err) or type(err).__name__
    return str(message)


def score_and_build(
    row: Conversation,
    data: dict[str, Any],
    loader: ContextLoader,
    judge: Judge | None,
    outcome: EnrichmentOutcome,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Score the conversation (rules, and the judge when asked) and build the enriched file."""
    rules = rule_score(data["turns"], row.tier)
    details: dict[str, Any] = {"rules": rules.model_dump(), "judge": None}
    expert = loader.expert(row)
    criteria: dict[str, float | None] = dict.fromkeys(CRITERIA)
    verdict: JudgeVerdict | None = None
    if judge is not None:
        try:
            verdict = judge.judge(row.conversation_id, data, loader.arc(row), expert)
        except Exception as err:  # a judge failure costs the judge scores, not the enrichment
            details["judge_error"] = outcome.judge_error = describe(err)
    if verdict is not None:
        details["judge"] = verdict.model_dump()
        criteria = dict(verdict.criteria())
        outcome.judge_cost_usd = verdict.cost_usd
    score = combined_score(rules.score, verdict.mean if verdict else None)
    details["combined"] = {
        "score": score,
        "rule_weight": 0.4 if verdict else 1.0,
        "judge_weight": 0.6 if verdict else 0.0,
    }
    params = data.get("input_parameters") if isinstance(data.get("input_parameters"), dict) else None
    ctx = loader.load(row, quality_score=score, criteria=criteria, input_parameters=params)
    quality = {"quality_score": score, "quality_details": details, **_score_columns(criteria)}
    return build_enriched(data, ctx), quality


def _score_columns(criteria: dict[str, float | None]) -> dict[str, float | None]:
    return {name: criteria.get(name) for name in CRITERIA}
