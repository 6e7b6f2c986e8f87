"""The demo dataset: default scaffolding plus realistic conversations, loaded in one step, never twice.

``load_demo`` installs the defaults and imports the conversations. ``fill_demo`` (Home's button and
``python -m core demo load``) then takes them through every step, so every page has something true to
show: each conversation enriched and scored (the rule score; no key needed), a review round (approved,
rejected, sent back, with notes and per-turn ratings), one finished batch job with its log and the cost of
each generation, one training file, and one finished training run with its model (demo data). Every step checks what is already there, so loading again adds
nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, Field

from core.demo.history import record_history
from core.demo.reviews import apply_reviews
from core.importer import Importer
from core.models.projects import ClientField
from core.models.statuses import Enrichment, Outcome, Review
from core.scaffolding.defaults import install_defaults

if TYPE_CHECKING:
    from core.conversations.store import ConversationStore
    from core.enrichment.pipeline import EnrichmentService
    from core.export import TrainingFileService
    from core.generation.service import GenerationService
    from core.review.service import ReviewService
    from core.scaffolding.client_fields import ClientFieldsService
    from core.storage.ports import DemoRows, EvaluationRows, Transactions
    from core.training.service import TrainingService

DEMO_DIR = Path(__file__).resolve().parent / "conversations"
DEMO_TRAINING_FILE = "Demo training file"


class DemoServices(Protocol):
    """The services the demo goes through, inside the project it fills (the app's ``Services`` has each)."""

    @property
    def transactions(self) -> Transactions: ...

    @property
    def demo_rows(self) -> DemoRows: ...

    @property
    def evaluation_rows(self) -> EvaluationRows: ...

    @property
    def importer(self) -> Importer: ...

    @property
    def client_fields(self) -> ClientFieldsService: ...

    @property
    def conversations(self) -> ConversationStore: ...

    @property
    def enrichment(self) -> EnrichmentService: ...

    @property
    def review(self) -> ReviewService: ...

    @property
    def generation(self) -> GenerationService: ...

    @property
    def training_files(self) -> TrainingFileService: ...

    @property
    def training(self) -> TrainingService: ...


class DemoLoadResult(BaseModel):
    scaffolding_added: dict[str, int]
    conversations_added: int
    conversations_present: int
    #: Demo file stem → the conversation id it is stored under (new or already present).
    by_file: dict[str, str] = Field(default_factory=dict)
    enriched: int = 0
    reviewed: int = 0
    job_recorded: bool = False
    training_file: str | None = None
    training_run: bool = False

    def summary(self) -> str:
        added = sum(self.scaffolding_added.values())
        text = (
            f"Demo loaded: {self.conversations_added} conversations added, {self.conversations_present} already "
            f"present; {added} scaffolding records added."
        )
        done = [
            f"{self.enriched} enriched" if self.enriched else "",
            f"{self.reviewed} reviewed" if self.reviewed else "",
            "a finished batch job" if self.job_recorded else "",
            f"training file '{self.training_file}'" if self.training_file else "",
            "a finished training run and its model" if self.training_run else "",
        ]
        if any(done):
            text += " Added: " + ", ".join(d for d in done if d) + "."
        return text


def demo_files() -> list[Path]:
    return sorted(DEMO_DIR.glob("*.json"))


def load_demo(importer: Importer, *, created_by: str | None = None) -> DemoLoadResult:
    """Install the default scaffolding (shared: no owner) and import the demo conversations as ``created_by``.

    Run it with system services: on Supabase the shared defaults must not belong to whoever clicked.
    """
    scaffolding_added = install_defaults(importer.scaffolding)
    added = present = 0
    by_file: dict[str, str] = {}
    for path in demo_files():
        result = importer.import_path(path, created_by=created_by)
        for conversation_id in result.imported:
            importer.store.rows.update(conversation_id, source="demo")
        for conversation_id in [*result.imported, *result.skipped][:1]:
            by_file[path.stem] = conversation_id
        added += len(result.imported)
        present += len(result.skipped)
    return DemoLoadResult(
        scaffolding_added=scaffolding_added, conversations_added=added, conversations_present=present, by_file=by_file
    )


#: The custom fields the demo planner's clients have (the earlier system's financial client fields among them);
#: their exact age (``age``) is kept too, beside the general age range, for the training files' client line.
DEMO_CLIENT_FIELDS = (
    ClientField(name="income_range", label="Income range", help="Yearly income, as the client would put it."),
    ClientField(name="gender", label="Gender"),
    ClientField(name="location", label="Location", help="Where they live, and whether they rent or own."),
    ClientField(name="family_status", label="Family status", help="Partner, children, others who depend on them."),
)


def fill_demo(svc: DemoServices, *, created_by: str | None = None) -> DemoLoadResult:
    """``load_demo``, then every later step for the demo conversations (each one only once). The project
    first declares the demo clients' custom fields."""
    svc.client_fields.declare_fields(DEMO_CLIENT_FIELDS)
    result = load_demo(svc.importer, created_by=created_by)
    demo, conversations = svc.demo_rows, svc.conversations.rows
    ids = list(result.by_file.values())
    rows = conversations.list(where={"conversation_id": ids}) if ids else []
    pending = [r.conversation_id for r in rows if r.enrichment_status != Enrichment.COMPLETED and r.is_active]
    if pending:
        summary = svc.enrichment.run_many(pending)
        result.enriched = sum(o.outcome == Outcome.SUCCEEDED for o in summary.outcomes)
    result.reviewed = apply_reviews(svc.review, result.by_file)
    order = {cid: position for position, cid in enumerate(ids)}
    ordered = sorted(
        conversations.list(where={"conversation_id": ids}) if ids else [], key=lambda r: order[r.conversation_id]
    )
    result.job_recorded = record_history(demo, svc.generation, ordered, created_by=created_by)
    if demo.training_file(DEMO_TRAINING_FILE, created_by) is None:  # each user's own
        approved = [r.conversation_id for r in ordered if r.review_status == Review.APPROVED]
        if approved:
            created = svc.training_files.create(
                DEMO_TRAINING_FILE,
                description="Every approved demo conversation, ready for a trainer.",
                conversation_ids=approved,
                created_by=created_by,
            )
            result.training_file = created.name
    demo_file = demo.training_file(DEMO_TRAINING_FILE, created_by)
    if demo_file is not None:
        from core.demo.training import record_training

        result.training_run = record_training(
            svc.training, svc.training_files, svc.transactions, demo_file, created_by=created_by
        )
    from core.demo.evaluation import record_picks  # blind A/B picks: the DPO export and A/B charts
    from core.export.preferences import chat_of

    record_picks(
        svc.evaluation_rows, result.by_file, {r.conversation_id: chat_of(svc.conversations, r) for r in ordered}
    )
    return result
