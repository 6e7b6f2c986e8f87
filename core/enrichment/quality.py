"""The rule-based quality score: the rubric of earlier-system.md §7.3, mapped to the 1.0–5.0 scale.

Four components on 0–10, weighted: turn count 0.30, length 0.25, structure 0.30, variety 0.15 (the
legacy "confidence" signals: vocabulary variety, turn-length spread, question rate, a closing reply).
The weighted 0–10 total maps linearly to 1.0–5.0 (``1 + total * 0.4``), one decimal.

One deliberate change: vocabulary variety is the mean type/token ratio *per turn*. Over a whole
conversation the ratio falls with length (every real 8-turn conversation would score "< 0.6"), so the
per-turn mean is what makes the signal mean something.

When the Claude judge also ran, ``combined_score`` blends both: 40 % rules, 60 % judge (the mean of its
five 1–5 dimensions). Both parts stay in ``quality_details`` so the number can be explained.
"""

from __future__ import annotations

import itertools
import statistics
import string
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from core.models.scaffolding import Tier

WEIGHTS = {"turns": 0.30, "length": 0.25, "structure": 0.30, "variety": 0.15}
VERY_SHORT_CHARS = 20
# Words: lower-cased, ASCII punctuation deleted, dashes split words, whitespace-separated. Done on UTF-8
# bytes because bytes.translate is several times faster than a regex or str.translate here.
PUNCTUATION = string.punctuation.replace("'", "").encode()


def words(text: str) -> list[bytes]:
    return text.lower().replace("—", " ").replace("–", " ").encode().translate(None, PUNCTUATION).split()


@dataclass(frozen=True)
class TierBands:
    optimal_turns: tuple[int, int]
    acceptable_turns: tuple[int, int]
    optimal_chars: tuple[int, int]
    acceptable_chars: tuple[int, int]
    min_total_chars: int


BANDS: dict[str, TierBands] = {
    "template": TierBands((8, 16), (6, 20), (100, 400), (50, 600), 1000),
    "scenario": TierBands((10, 20), (8, 24), (150, 500), (80, 700), 1500),
    "edge_case": TierBands((6, 12), (4, 16), (120, 450), (60, 650), 800),
}


class RuleScore(BaseModel):
    """The measured score and how it was reached (stored under ``quality_details.rules``)."""

    score: float
    total_0_10: float
    components: dict[str, float]
    signals: dict[str, float]
    tier: str


def band_score(value: float, optimal: tuple[float, float], acceptable: tuple[float, float]) -> float:
    """10 inside the optimal band; 7 → 5 across the acceptable margin; 3 below it, 4 above it."""
    low, high = optimal
    if low <= value <= high:
        return 10.0
    if value < acceptable[0]:
        return 3.0
    if value > acceptable[1]:
        return 4.0
    if value < low:
        distance, margin = low - value, low - acceptable[0]
    else:
        distance, margin = value - high, acceptable[1] - high
    return 7.0 - 2.0 * (distance / margin if margin else 1.0)


def structure_score(roles: list[str], lengths: list[int]) -> float:
    score = 10.0
    if roles and roles[0] != "user":
        score -= 2
    score -= 1.5 * sum(1 for a, b in itertools.pairwise(roles) if a == b)
    score -= 2 * sum(1 for n in lengths if n == 0)
    score -= 0.5 * sum(1 for n in lengths if 0 < n < VERY_SHORT_CHARS)
    if abs(roles.count("user") - roles.count("assistant")) > 1:
        score -= 1
    return max(score, 0.0)


def variety_signals(texts: list[str]) -> dict[str, float]:
    ratios = []
    for text in texts:
        found = words(text)
        if found:
            ratios.append(len(set(found)) / len(found))
    lengths = [len(t) for t in texts]
    mean = statistics.fmean(lengths) if lengths else 0.0
    return {
        "vocabulary_variety": round(statistics.fmean(ratios), 3) if ratios else 0.0,
        "length_cv": round(statistics.pstdev(lengths) / mean, 3) if mean else 0.0,
        "question_rate": round(sum("?" in t for t in texts) / len(texts), 3) if texts else 0.0,
    }


def variety_score(signals: dict[str, float], last_role: str | None, last_length: int) -> float:
    score = 7.0
    if signals["vocabulary_variety"] > 0.9:
        score += 1.5
    elif signals["vocabulary_variety"] < 0.6:
        score -= 2
    if signals["length_cv"] < 0.5:
        score += 1
    elif signals["length_cv"] > 1.5:
        score -= 1
    if 0.2 <= signals["question_rate"] <= 0.5:
        score += 1
    elif signals["question_rate"] > 0.7:
        score -= 0.5
    if last_role == "assistant" and last_length > 50:
        score += 0.5
    return min(max(score, 0.0), 10.0)


def to_five(total_0_10: float) -> float:
    return round(min(max(1.0 + total_0_10 * 0.4, 1.0), 5.0), 1)


def rule_score(turns: list[dict[str, Any]], tier: Tier | str = "template") -> RuleScore:
    """Score validated turns (dicts with ``role`` and ``content``) for a conversation of ``tier``."""
    bands = BANDS.get(tier, BANDS["template"])
    texts = [str(t.get("content") or "").strip() for t in turns]
    roles = [str(t.get("role")) for t in turns]
    lengths = [len(t) for t in texts]
    average = statistics.fmean(lengths) if lengths else 0.0
    length = (
        3.0
        if sum(lengths) < bands.min_total_chars
        else band_score(average, bands.optimal_chars, bands.acceptable_chars)
    )
    signals = variety_signals(texts)
    components = {
        "turns": band_score(len(turns), bands.optimal_turns, bands.acceptable_turns),
        "length": length,
        "structure": structure_score(roles, lengths),
        "variety": variety_score(signals, roles[-1] if roles else None, lengths[-1] if lengths else 0),
    }
    total = round(sum(WEIGHTS[name] * value for name, value in components.items()), 2)
    signals |= {"turn_count": len(turns), "average_chars": round(average, 1), "total_chars": sum(lengths)}
    rounded = {k: round(v, 2) for k, v in components.items()}
    return RuleScore(score=to_five(total), total_0_10=total, components=rounded, signals=signals, tier=str(tier))


def combined_score(rules: float, judge_mean: float | None) -> float:
    """The stored ``quality_score``: the rule score alone, or blended 40/60 with the judge's mean."""
    if judge_mean is None:
        return rules
    return round(min(max(0.4 * rules + 0.6 * judge_mean, 1.0), 5.0), 1)
