"""Table definitions, derived from the pydantic models so each data shape is written down once.

Each field becomes a column of the type its annotation names (``core.storage.columns``). Keys, uniqueness and
indexes are declared here (``TABLES``).

A table is built the first time it is used: ``schema.conversations`` builds the conversations table, importing
its model, on first read, so a command pays only for the tables it touches (building every table and importing
every model cost about a third of a second at each start). ``schema.metadata`` builds them all (for
``create_all`` and the checks that compare the models with the migrations).
"""

from __future__ import annotations

import importlib
import threading
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel

from core.storage.columns import UTCDateTime, table_for

_metadata = sa.MetaData()
_building = threading.Lock()

# The tables (built on first use, see ``__getattr__``), and the metadata holding them all.
metadata: sa.MetaData
expert_profiles: sa.Table
personas: sa.Table
emotional_arcs: sa.Table
training_topics: sa.Table
prompt_templates: sa.Table
conversations: sa.Table
batch_jobs: sa.Table
batch_items: sa.Table
batch_logs: sa.Table
failed_generations: sa.Table
generation_logs: sa.Table
training_files: sa.Table
training_file_conversations: sa.Table
review_actions: sa.Table
turn_ratings: sa.Table
turn_revisions: sa.Table
review_grades: sa.Table
projects: sa.Table
spec_projects: sa.Table
training_jobs: sa.Table
training_metrics: sa.Table
trained_models: sa.Table
evaluation_runs: sa.Table
evaluation_judgments: sa.Table
preference_picks: sa.Table


@dataclass(frozen=True)
class TableSpec:
    """One table: its model (``module.Class`` under ``core.models``, imported when the table is built), its
    primary key, uniqueness and indexes."""

    model: str
    primary_key: str = "id"
    unique: tuple[str | tuple[str, ...], ...] = ()
    indexes: tuple[str, ...] = ()
    composite: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def model_class(self) -> type[BaseModel]:
        module, name = self.model.rsplit(".", 1)
        found: type[BaseModel] = getattr(importlib.import_module(f"core.models.{module}"), name)
        return found

    def build(self, name: str) -> sa.Table:
        return table_for(
            name,
            self.model_class(),
            _metadata,
            primary_key=self.primary_key,
            unique=self.unique,
            indexes=self.indexes,
            composite=self.composite,
        )


TABLES: dict[str, TableSpec] = {
    "expert_profiles": TableSpec("scaffolding.ExpertProfile"),
    "personas": TableSpec("scaffolding.Persona"),
    "emotional_arcs": TableSpec("scaffolding.EmotionalArc"),
    "training_topics": TableSpec("scaffolding.TrainingTopic"),
    "prompt_templates": TableSpec("scaffolding.PromptTemplate", indexes=("emotional_arc_type",)),
    "conversations": TableSpec(
        "conversation.Conversation",
        primary_key="conversation_id",
        unique=("id",),
        indexes=(
            "processing_status",
            "enrichment_status",
            "review_status",
            "created_by",
            "created_at",
            "persona_key",
            "emotional_arc_key",
            "topic_key",
            "job_id",
            "quality_score",
        ),
        # The review grid's first page (active rows, newest first) and its common filters.
        composite=(
            ("ix_conversations_active_created", ("is_active", "created_at")),
            ("ix_conversations_active_review_created", ("is_active", "review_status", "created_at")),
            # A project's counts and queues read this index, not the rows with their long search text (m0022).
            (
                "ix_conversations_project_active_review_created",
                ("project_id", "is_active", "review_status", "created_at"),
            ),
        ),
    ),
    "batch_jobs": TableSpec("jobs.BatchJob", indexes=("status", "created_by")),
    "batch_items": TableSpec(
        "jobs.BatchItem",
        unique=(("job_id", "position"),),
        indexes=("job_id", "status", "conversation_id"),
        # Claiming the next item and finding whether any is still open, at any job size (m0011).
        composite=(("ix_batch_items_job_status_position", ("job_id", "status", "position")),),
    ),
    "batch_logs": TableSpec("jobs.BatchLogLine", indexes=("job_id", "created_at")),
    "failed_generations": TableSpec(
        "logs.FailedGeneration",
        indexes=("failure_type", "stop_reason", "truncation_pattern", "job_id", "created_at", "created_by"),
    ),
    "generation_logs": TableSpec("logs.GenerationLog", indexes=("conversation_id", "job_id", "created_at")),
    "training_files": TableSpec("training.TrainingFile", indexes=("status", "created_by")),
    "training_file_conversations": TableSpec(
        "training.TrainingFileConversation",
        unique=(("training_file_id", "conversation_id"),),
        indexes=("conversation_id",),
    ),
    # Review (m0002): the history, per-turn ratings, turn revisions and rubric grades.
    "review_actions": TableSpec("review.ReviewAction", indexes=("conversation_id", "created_at")),
    # One rating per turn and reviewer (m0007): reviewers rate the same turns side by side.
    "turn_ratings": TableSpec(
        "review.TurnRating", unique=(("conversation_id", "turn_number", "rated_by"),), indexes=("conversation_id",)
    ),
    "turn_revisions": TableSpec("review.TurnRevision", indexes=("conversation_id",)),
    "review_grades": TableSpec("review.ReviewGrade", indexes=("conversation_id",)),
    # Projects (m0014): each expert's work in its own workspace; its slug is unique per owner.
    "projects": TableSpec("projects.Project", indexes=("created_by",)),
    # Spec projects (m0012): the spec splitter's pipeline, saved step by step.
    "spec_projects": TableSpec("spec_project.SpecProject", indexes=("created_by",)),
    # Training (m0015): training jobs, their learning-progress points and the trained models (LoRA adapters).
    "training_jobs": TableSpec("training_jobs.TrainingJob", indexes=("project_id", "created_by", "status")),
    "training_metrics": TableSpec("training_jobs.TrainingMetric", indexes=("project_id", "job_id")),
    "trained_models": TableSpec("training_jobs.TrainedModel", indexes=("project_id", "created_by", "training_job_id")),
    # Held-out scorecards and blind A/B picks (m0016).
    "evaluation_runs": TableSpec("evaluation.EvaluationRun", indexes=("project_id", "model_id", "created_by")),
    "evaluation_judgments": TableSpec(
        "evaluation.EvaluationJudgment", indexes=("project_id", "run_id", "model_id", "content_key", "created_by")
    ),
    "preference_picks": TableSpec(
        "evaluation.PreferencePick", indexes=("project_id", "model_id", "judgment_id", "created_by")
    ),
}


def table(name: str) -> sa.Table:
    """The table ``name`` of ``TABLES``, built (and its model imported) the first time it is asked for."""
    found = _metadata.tables.get(name)
    if found is None:
        with _building:
            found = _metadata.tables.get(name)
            if found is None:
                found = TABLES[name].build(name)
    return found


def model_of(name: str) -> type[BaseModel]:
    """The pydantic model whose fields are the columns of table ``name``."""
    return TABLES[name].model_class()


def __getattr__(name: str) -> Any:
    """``schema.<table>`` builds that table on first use; ``schema.metadata`` builds every table. Each is then
    kept as a plain module attribute."""
    if name == "metadata":
        for each in TABLES:
            table(each)
        value: Any = _metadata
    elif name in TABLES:
        value = table(name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def owner_unique(table: sa.Table, column: str) -> tuple[sa.Index, sa.Index]:
    """``column`` is unique per owner (``created_by``), and among rows without an owner (m0006); within a
    project when the table belongs to projects (m0014)."""
    unowned = table.c.created_by.is_(None)
    scope = [table.c.project_id] if "project_id" in table.c else []
    return (
        sa.Index(f"uq_{table.name}_owner_{column}", table.c.created_by, *scope, table.c[column], unique=True),
        sa.Index(
            f"uq_{table.name}_unowned_{column}",
            *scope,
            table.c[column],
            unique=True,
            sqlite_where=unowned,
            postgresql_where=unowned,
        ),
    )


# Names, keys and the content fingerprint are unique per owner and project: two users, or two projects of
# one user, may each hold the same file.
OWNER_UNIQUE = (
    ("projects", "slug"),
    ("conversations", "source_hash"),
    ("expert_profiles", "profile_key"),
    ("personas", "persona_key"),
    ("emotional_arcs", "arc_key"),
    ("training_topics", "topic_key"),
    ("prompt_templates", "template_name"),
    ("training_files", "name"),
)


@sa.event.listens_for(_metadata, "before_create")
def declare_owner_unique_indexes(*_: object, **__: object) -> None:
    """Declare the per-owner unique indexes (once), just before ``metadata.create_all`` needs them.

    Their ``postgresql_where`` makes SQLAlchemy load its whole Postgres dialect, which every command on
    the embedded SQLite store would otherwise pay at start-up. Nothing else reads these declarations: the
    database gets the indexes from migration m0006, whose DDL is written out.
    """
    if not any(index.name == "uq_conversations_owner_source_hash" for index in table("conversations").indexes):
        for name, column in OWNER_UNIQUE:
            owner_unique(table(name), column)


schema_migrations = sa.Table(
    "schema_migrations",
    _metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("applied_at", UTCDateTime(), nullable=False),
)
