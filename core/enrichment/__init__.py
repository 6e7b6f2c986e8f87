"""Enrichment: validate a stored conversation, build its enriched training pairs, score its quality."""

from core.enrichment.models import EnrichmentOutcome, EnrichmentSummary, JudgeVerdict, ValidationReport
from core.enrichment.pipeline import EnrichmentService, needs_attention
from core.enrichment.timeline import StageView, timeline

__all__ = [
    "EnrichmentOutcome",
    "EnrichmentService",
    "EnrichmentSummary",
    "JudgeVerdict",
    "StageView",
    "ValidationReport",
    "needs_attention",
    "timeline",
]
