"""What pages and the CLI call to try a trained model and measure it (``Services.evaluation``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pydantic import BaseModel

from core.calls import CallLedger
from core.enrichment.enrich import default_system_prompt
from core.errors import ConfigError, ValidationError
from core.evaluation import models as model_store
from core.evaluation.ab import ABQueue
from core.evaluation.judge import PairJudge
from core.evaluation.local import LocalResponder
from core.evaluation.responder import Chat, GenerationSettings, Responder
from core.evaluation.scorecard import HeldOut, Scorecard, ScorecardEstimate, estimate
from core.llm.types import MessageClient
from core.models.evaluation import EvaluationJudgment, EvaluationRun
from core.models.scaffolding import ExpertProfile
from core.models.training_jobs import TrainedModel
from core.scaffolding.service import ScaffoldingService
from core.settings import Settings
from core.storage.ports import EvaluationRows, Transactions
from core.storage.ports.blobs import BlobStore


class TryAnswer(BaseModel):
    """Both models' answers to the same conversation, and a note when it had to be cut to fit."""

    base: str
    tuned: str
    note: str | None = None


@dataclass
class Scenario:
    """A client, an emotional journey and a topic of the project (each optional), for a typed message."""

    persona: str | None = None
    arc: str | None = None
    topic: str | None = None


class EvaluationService:
    def __init__(
        self,
        transactions: Transactions,
        rows: EvaluationRows,
        blobs: BlobStore,
        settings: Settings,
        scaffolding: ScaffoldingService,
        *,
        llm: Callable[[], MessageClient],
        ledger: Callable[[], CallLedger],
    ) -> None:
        self.transactions = transactions
        self.rows = rows
        self.blobs = blobs
        self.settings = settings
        self.scaffolding = scaffolding
        self._llm = llm
        self._ledger = ledger
        self.ab = ABQueue(rows.judgments, rows.picks)

    # -- models ------------------------------------------------------------------------------------
    def models(self) -> list[TrainedModel]:
        return self.rows.models()

    def model(self, model_ref: str) -> TrainedModel:
        return model_store.find_model(self.rows, model_ref)

    def held_out(self, model: TrainedModel) -> list[HeldOut]:
        return model_store.held_out(self.rows, self.blobs, model)

    def responders(self, model: TrainedModel) -> tuple[Responder, Responder]:
        return model_store.responders(self.blobs, self.settings, model)

    # -- Try it ------------------------------------------------------------------------------------
    def expert(self) -> ExpertProfile:
        expert = self.scaffolding.active_expert()
        if expert is None:
            raise ConfigError(
                "There is no expert profile: the models are asked in the expert's voice.",
                hint="Create one on the Scaffolding page, or load the demo dataset on Home.",
                terminal_hint="Load the defaults with: python -m core demo load",
            )
        return expert

    def opening(self, scenario: Scenario) -> Chat:
        """The system prompt a new conversation starts with: the expert's, as in the training files, with the
        chosen client, emotional journey and topic named."""
        lines = [default_system_prompt(self.expert())]
        about = []
        for kind, key, word in (
            ("personas", scenario.persona, "The client"),
            ("arcs", scenario.arc, "Their emotional journey"),
            ("topics", scenario.topic, "The topic"),
        ):
            if key:
                try:
                    record = self.scaffolding.get(kind, key)  # type: ignore[arg-type]
                except Exception as err:
                    raise ValidationError(
                        f"No {word.lower()} with the key “{key}” in this project.",
                        hint="Pick one from the list.",
                        terminal_hint=f"List them with: python -m core scaffolding list {kind}",
                    ) from err
                about.append(f"{word}: {record.name}.")
        if about:
            lines.append(" ".join(about))
        return [{"role": "system", "content": "\n\n".join(lines)}]

    def try_chat(self, model: TrainedModel, messages: Chat, settings: GenerationSettings | None = None) -> TryAnswer:
        """Both models answer the same conversation (its last message is the client's)."""
        return self.answer_both(model, messages, messages, settings)

    def answer_both(
        self, model: TrainedModel, base_chat: Chat, tuned_chat: Chat, settings: GenerationSettings | None = None
    ) -> TryAnswer:
        """Each model answers its own side of a chat that goes on for several turns (each side holds that
        model's earlier answers); the note says when a conversation was cut to fit the base's context."""
        for chat in (base_chat, tuned_chat):
            if not chat or chat[-1].get("role") != "user":
                raise ValidationError("Type a message for the models to answer.")
        settings = settings or GenerationSettings()
        base, tuned = self.responders(model)
        base_answer = base.reply(base_chat, settings)
        tuned_answer = tuned.reply(tuned_chat, settings)
        fits = [r.last_fit for r in (base, tuned) if isinstance(r, LocalResponder) and r.last_fit is not None]
        notes = [f.note for f in fits if f.note]
        return TryAnswer(base=base_answer, tuned=tuned_answer, note=notes[0] if notes else None)

    def try_message(
        self, model_ref: str, message: str, scenario: Scenario | None = None, settings: GenerationSettings | None = None
    ) -> TryAnswer:
        model = self.model(model_ref)
        if not message.strip():
            raise ValidationError("Type a message for the models to answer.")
        chat = [*self.opening(scenario or Scenario()), {"role": "user", "content": message.strip()}]
        return self.try_chat(model, chat, settings)

    # -- the scorecard -----------------------------------------------------------------------------
    def judge_model(self, judge_model: str | None = None) -> str:
        return judge_model or self.settings.cheap_model

    def estimate(
        self, model_ref: str, *, limit: int | None = None, judge_model: str | None = None
    ) -> ScorecardEstimate:
        model = self.model(model_ref)
        return estimate(self.held_out(model), self.judge_model(judge_model), self.settings, limit)

    def evaluate(
        self,
        model_ref: str,
        *,
        limit: int | None = None,
        judge_model: str | None = None,
        budget_usd: float | None = None,
        generation: GenerationSettings | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> EvaluationRun:
        model = self.model(model_ref)
        held = self.held_out(model)
        if not held:
            raise ValidationError(
                f"“{model.name}” has no held-out conversations to be measured on.",
                hint="Train it from a training file with a validation split.",
            )
        judge = PairJudge(self._llm(), self._ledger(), self.settings, model=self.judge_model(judge_model))
        base, tuned = self.responders(model)
        card = Scorecard(self.rows.runs, self.rows.judgments, judge, self.expert())
        return card.run(
            model.id, held, base, tuned, limit=limit, budget_usd=budget_usd, generation=generation, progress=progress
        )

    def runs(self, model_id: str) -> list[EvaluationRun]:
        return self.rows.runs_of(model_id)

    def latest_run(self, model_id: str) -> EvaluationRun | None:
        runs = self.runs(model_id)
        return runs[0] if runs else None

    def judgments(self, run_id: str) -> list[EvaluationJudgment]:
        return self.rows.judgments_of(run_id)
