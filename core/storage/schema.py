"""Table definitions, derived from the pydantic models so each data shape is written down once.

Column types follow the annotation: text, integer, float, boolean, timestamp (always UTC-aware),
and JSON (JSONB on Postgres) for dicts and lists. Keys, uniqueness and indexes are declared here.
"""

from __future__ import annotations

import types
import typing
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel

from core.models.conversation import Conversation
from core.models.evaluation import EvaluationJudgment, EvaluationRun, PreferencePick
from core.models.jobs import BatchItem, BatchJob, BatchLogLine
from core.models.logs import FailedGeneration, GenerationLog
from core.models.projects import Project
from core.models.review import ReviewAction, ReviewGrade, TurnRating, TurnRevision
from core.models.scaffolding import EmotionalArc, ExpertProfile, Persona, PromptTemplate, TrainingTopic
from core.models.spec_project import SpecProject
from core.models.training import TrainingFile, TrainingFileConversation
from core.models.training_jobs import TrainedModel, TrainingJob, TrainingMetric

metadata = sa.MetaData()


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
) -> sa.Table:
    """Build the table whose columns are ``model``'s fields."""
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
    return sa.Table(name, metadata, *columns)


expert_profiles = table_for("expert_profiles", ExpertProfile)
personas = table_for("personas", Persona)
emotional_arcs = table_for("emotional_arcs", EmotionalArc)
training_topics = table_for("training_topics", TrainingTopic)
prompt_templates = table_for("prompt_templates", PromptTemplate, indexes=("emotional_arc_type",))
conversations = table_for(
    "conversations",
    Conversation,
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
)
batch_jobs = table_for("batch_jobs", BatchJob, indexes=("status", "created_by"))
batch_items = table_for(
    "batch_items", BatchItem, unique=(("job_id", "position"),), indexes=("job_id", "status", "conversation_id")
)
batch_logs = table_for("batch_logs", BatchLogLine, indexes=("job_id", "created_at"))
failed_generations = table_for(
    "failed_generations",
    FailedGeneration,
    indexes=("failure_type", "stop_reason", "truncation_pattern", "job_id", "created_at", "created_by"),
)
generation_logs = table_for("generation_logs", GenerationLog, indexes=("conversation_id", "job_id", "created_at"))
training_files = table_for("training_files", TrainingFile, indexes=("status", "created_by"))
training_file_conversations = table_for(
    "training_file_conversations",
    TrainingFileConversation,
    unique=(("training_file_id", "conversation_id"),),
    indexes=("conversation_id",),
)

# Review (m0002): the history, per-turn ratings, turn revisions and rubric grades.
review_actions = table_for("review_actions", ReviewAction, indexes=("conversation_id", "created_at"))
# One rating per turn and reviewer (m0007): reviewers rate the same turns side by side.
turn_ratings = table_for(
    "turn_ratings", TurnRating, unique=(("conversation_id", "turn_number", "rated_by"),), indexes=("conversation_id",)
)
turn_revisions = table_for("turn_revisions", TurnRevision, indexes=("conversation_id",))
review_grades = table_for("review_grades", ReviewGrade, indexes=("conversation_id",))
# The review grid's first page (active rows, newest first) and its common filters.
REVIEW_GRID_INDEXES = (
    sa.Index("ix_conversations_active_created", conversations.c.is_active, conversations.c.created_at),
    sa.Index(
        "ix_conversations_active_review_created",
        conversations.c.is_active,
        conversations.c.review_status,
        conversations.c.created_at,
    ),
)

# Claiming the next item and finding whether any is still open, at any job size (m0011).
BATCH_CLAIM_INDEX = sa.Index(
    "ix_batch_items_job_status_position", batch_items.c.job_id, batch_items.c.status, batch_items.c.position
)


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


# Projects (m0014): each expert's work in its own workspace; its slug is unique per owner.
projects = table_for("projects", Project, indexes=("created_by",))

# Names, keys and the content fingerprint are unique per owner and project: two users, or two projects of
# one user, may each hold the same file.
OWNER_UNIQUE = (
    (projects, "slug"),
    (conversations, "source_hash"),
    (expert_profiles, "profile_key"),
    (personas, "persona_key"),
    (emotional_arcs, "arc_key"),
    (training_topics, "topic_key"),
    (prompt_templates, "template_name"),
    (training_files, "name"),
)


@sa.event.listens_for(metadata, "before_create")
def declare_owner_unique_indexes(*_: object, **__: object) -> None:
    """Declare the per-owner unique indexes (once), just before ``metadata.create_all`` needs them.

    Their ``postgresql_where`` makes SQLAlchemy load its whole Postgres dialect, which every command on
    the embedded SQLite store would otherwise pay at start-up. Nothing else reads these declarations: the
    database gets the indexes from migration m0006, whose DDL is written out.
    """
    if not any(index.name == "uq_conversations_owner_source_hash" for index in conversations.indexes):
        for table, column in OWNER_UNIQUE:
            owner_unique(table, column)


# Spec projects (m0012): the spec splitter's pipeline, saved step by step.
spec_projects = table_for("spec_projects", SpecProject, indexes=("created_by",))

# Training (m0015): training jobs, their learning-progress points and the trained models (LoRA adapters).
training_jobs = table_for("training_jobs", TrainingJob, indexes=("project_id", "created_by", "status"))
training_metrics = table_for("training_metrics", TrainingMetric, indexes=("project_id", "job_id"))
trained_models = table_for("trained_models", TrainedModel, indexes=("project_id", "created_by", "training_job_id"))
# Held-out scorecards and blind A/B picks (m0016).
evaluation_runs = table_for("evaluation_runs", EvaluationRun, indexes=("project_id", "model_id", "created_by"))
evaluation_judgments = table_for(
    "evaluation_judgments",
    EvaluationJudgment,
    indexes=("project_id", "run_id", "model_id", "content_key", "created_by"),
)
preference_picks = table_for(
    "preference_picks", PreferencePick, indexes=("project_id", "model_id", "judgment_id", "created_by")
)

schema_migrations = sa.Table(
    "schema_migrations",
    metadata,
    sa.Column("name", sa.Text, primary_key=True),
    sa.Column("applied_at", UTCDateTime(), nullable=False),
)
