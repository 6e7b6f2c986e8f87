"""Table definitions, derived from the pydantic models so each data shape is written down once.

Column types follow the annotation: text, integer, float, boolean, timestamp (always UTC-aware),
and JSON (JSONB on Postgres) for dicts and lists. Keys, uniqueness and indexes are declared here (``TABLES``).

A table is built the first time it is used: ``schema.conversations`` builds the conversations table, importing
its model, on first read, so a command pays only for the tables it touches (building every table and importing
every model cost about a third of a second at each start). ``schema.metadata`` builds them all (for
``create_all`` and the checks that compare the models with the migrations).
"""

from __future__ import annotations

import importlib
import threading
import types
import typing
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel

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


class JSONDocument(sa.TypeDecorator[Any]):
    """JSON, stored as JSONB on Postgres. The Postgres dialect loads only when a Postgres engine uses the
    type, so a command on the embedded SQLite store starts without it."""

    impl = sa.JSON()
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(sa.JSON())


JSON = JSONDocument()


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timestamp that is always timezone-aware UTC in Python, whatever the backend stores."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def _column_type(annotation: Any) -> sa.types.TypeEngine[Any]:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _column_type(args[0])
    if origin is typing.Literal:
        return sa.Text()
    if origin is typing.Annotated:
        return _column_type(typing.get_args(annotation)[0])
    if annotation is bool:
        return sa.Boolean()
    if annotation is int:
        return sa.BigInteger()
    if annotation is float:
        return sa.Float()
    if annotation is datetime:
        return UTCDateTime()
    if annotation is str:
        return sa.Text()
    if origin in (dict, list) or annotation in (dict, list):
        return JSON
    raise TypeError(f"no column type for {annotation!r}")


def _literal_values(annotation: Any) -> tuple[str, ...]:
    """The allowed values of a ``Literal`` (or optional ``Literal``) field, else ``()``."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if values := _literal_values(arg):
                return values
    if origin is typing.Literal:
        return tuple(str(v) for v in typing.get_args(annotation))
    return ()


def table_for(
    name: str,
    model: type[BaseModel],
    *,
    primary_key: str = "id",
    unique: tuple[str | tuple[str, ...], ...] = (),
    indexes: tuple[str, ...] = (),
    composite: tuple[tuple[str, tuple[str, ...]], ...] = (),
) -> sa.Table:
    """Build the table whose columns are ``model``'s fields (``composite``: named indexes over several columns)."""
    columns: list[sa.schema.SchemaItem] = []
    if "project_id" in model.model_fields:
        indexes = (*indexes, "project_id")  # every project-scoped read filters on it (m0014)
    for field_name, field in model.model_fields.items():
        allowed = _literal_values(field.annotation)
        if allowed:
            quoted = ", ".join(f"'{v}'" for v in allowed)
            columns.append(sa.CheckConstraint(f"{field_name} IN ({quoted})", name=f"ck_{name}_{field_name}"))
        nullable = not field.is_required() and (
            type(None) in typing.get_args(field.annotation) or field.default is None
        )
        columns.append(
            sa.Column(
                field_name,
                _column_type(field.annotation),
                primary_key=field_name == primary_key,
                nullable=nullable and field_name != primary_key,
                index=field_name in indexes,
            )
        )
    for spec in unique:
        cols = (spec,) if isinstance(spec, str) else spec
        columns.append(sa.UniqueConstraint(*cols, name=f"uq_{name}_{'_'.join(cols)}"))
    columns.extend(sa.Index(index_name, *cols) for index_name, cols in composite)
    return sa.Table(name, _metadata, *columns)


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
