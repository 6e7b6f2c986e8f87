"""Judged and generating calls to Claude with their ledger: one ``generation_logs`` row per call, written
before it and completed after, through the ``GenerationLogPort`` (``core.storage.ports``). Below every
service that calls Claude (generation, enrichment's judge, evaluation's judge, spec, drafting); above the
Claude adapter (``core.llm``) and the models."""

from __future__ import annotations

from core.calls.ledger import CallLedger

__all__ = ["CallLedger"]
