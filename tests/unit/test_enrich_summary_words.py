"""What a person reads after enriching many conversations: counts and reasons, never a raw object."""

from __future__ import annotations

from core.enrichment.models import EnrichmentOutcome, EnrichmentSummary


def test_enrich_all_says_in_plain_words_what_happened() -> None:
    summary = EnrichmentSummary(
        outcomes=[
            *(EnrichmentOutcome(conversation_id=f"c{i}", outcome="succeeded") for i in range(12)),
            EnrichmentOutcome(
                conversation_id="bad",
                outcome="failed",
                error="enrichment: There is no expert profile.",
                validation_report={"path": "/x/y", "blockers": [{"code": "x"}]},
            ),
        ]
    )
    text = summary.plain({"bad": "Priya Nair · Self-doubt → Momentum"})
    assert text == "12 enriched, 1 could not be: Priya Nair · Self-doubt → Momentum: There is no expert profile."
    assert "{" not in text and "/x/y" not in text
