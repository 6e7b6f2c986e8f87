"""Create, edit, deactivate and look up scaffolding, with validation messages a person can act on."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, cast

import pydantic

from core.errors import ConflictError, NotFoundError, ValidationError
from core.models.base import Record, utcnow
from core.models.scaffolding import EmotionalArc, ExpertProfile, Persona, PromptTemplate, TrainingTopic
from core.scaffolding.compatibility import Compatibility, check_compatibility
from core.scaffolding.fields import KEY_FIELDS, derive_key, field_text
from core.validation import user_error

if TYPE_CHECKING:  # the ports module loads every record model: only the type checker needs it here
    from core.storage.ports import JobQueue, Rows, ScaffoldingRows

Kind = Literal["experts", "personas", "arcs", "topics", "templates"]
KINDS: tuple[Kind, ...] = ("experts", "personas", "arcs", "topics", "templates")
#: Extra check run before a template is saved (generation plugs in its variable checker here).
TemplateCheck = Callable[[PromptTemplate], None]
#: Names of unfinished batch jobs that would still use a record (``running_jobs_using``).
InUse = Callable[["Kind", Any], list[str]]
#: Declares custom client fields the project lacks (``ClientFieldsService.declare``), given their names.
DeclareFields = Callable[[Iterable[str]], object]


@dataclass(frozen=True)
class KindInfo:
    model: type[Record]
    key_field: str
    label: str
    order_by: str


KIND_INFO: dict[Kind, KindInfo] = {
    "experts": KindInfo(ExpertProfile, "profile_key", "expert", "name"),
    "personas": KindInfo(Persona, "persona_key", "client", "persona_key"),
    "arcs": KindInfo(EmotionalArc, "arc_key", "emotional journey", "arc_key"),
    "topics": KindInfo(TrainingTopic, "topic_key", "topic", "topic_key"),
    "templates": KindInfo(PromptTemplate, "template_name", "prompt", "template_name"),
}


#: Which fields of which kinds hold the keys of a kind.
REFERRERS: dict[str, tuple[tuple[Kind, str], ...]] = {
    "personas": (("arcs", "suitable_personas"), ("topics", "suitable_personas"), ("templates", "suitable_personas")),
    "arcs": (("topics", "suitable_emotional_arcs"), ("templates", "emotional_arc_type")),
    "topics": (("arcs", "suitable_topics"), ("templates", "suitable_topics")),
}


def describe_validation_error(err: pydantic.ValidationError) -> list[str]:
    """One readable line per problem: the field, then what is wrong with it."""
    lines = []
    for problem in err.errors():
        where = ".".join(str(p) for p in problem["loc"]) or "record"
        message = problem["msg"].removeprefix("Value error, ")
        lines.append(f"{where}: {message}")
    return lines


@dataclass(frozen=True)
class Deleted:
    """What ``undo_delete`` needs to bring a deleted record back."""

    kind: Kind
    id: str
    name: str
    was_active: bool


def running_jobs_using(jobs: JobQueue, kind: Kind, record: Any) -> list[str]:
    """Names of unfinished batch jobs (waiting, running or paused) with work left that uses ``record``."""
    field = {"personas": "persona_key", "arcs": "arc_key", "topics": "topic_key"}.get(kind)
    arc = getattr(record, "emotional_arc_type", None)
    found = []
    for job, items in jobs.unfinished_work():
        if kind == "experts":
            uses = bool(items)  # every conversation is written in the active expert's voice
        elif kind == "templates":
            uses = job.shared_parameters.get("template_name") == record.key or any(
                i.parameters.get("arc_key") == arc for i in items
            )
        else:
            uses = any(i.parameters.get(field or "") == record.key for i in items)
        if uses:
            found.append(f"“{job.name}”")
    return found


@dataclass(frozen=True)
class OwnerScope:
    """Whose scaffolding a lookup may use: the shared rows (no owner) and those of ``owner``."""

    owner: str | None

    def sees(self, record: Any) -> bool:
        return record.created_by is None or record.created_by == self.owner


class ScaffoldingService:
    """Scaffolding over the ``ScaffoldingRows`` port; ``in_use`` says which unfinished batch jobs use a record
    (both given by ``core.bootstrap``; without ``in_use`` nothing counts as in use)."""

    def __init__(
        self,
        rows: ScaffoldingRows,
        *,
        in_use: InUse | None = None,
        template_check: TemplateCheck | None = None,
        scope: OwnerScope | None = None,
    ) -> None:
        self.rows = rows
        self.in_use = in_use
        self.template_check = template_check
        self.scope = scope
        #: A client saved with custom fields the project lacks declares them here (so nothing it holds is
        #: out of sight of the client form); ``core.bootstrap`` plugs in the project's client fields.
        self.declare_fields: DeclareFields | None = None

    def for_owner(self, owner: str | None) -> ScaffoldingService:
        """The same service, reading only what ``owner`` may see (shared + their own), as row-level security
        does for a signed-in user. System work done for someone (a batch job) resolves scaffolding with it."""
        service = ScaffoldingService(
            self.rows, in_use=self.in_use, template_check=self.template_check, scope=OwnerScope(owner)
        )
        service.declare_fields = self.declare_fields
        return service

    def declare_client_fields(self, record: Any) -> None:
        """The project declares every custom field ``record`` (a client) holds a value for."""
        if self.declare_fields is not None and isinstance(record, Persona) and record.demographics:
            self.declare_fields([k for k, v in record.demographics.items() if v])

    def _visible(self, rows: list[Any]) -> list[Any]:
        if self.scope is None:
            return rows
        scope = self.scope
        # A user's own record wins over a shared one with the same key.
        return sorted((r for r in rows if scope.sees(r)), key=lambda r: r.created_by != scope.owner)

    def _by_key(self, kind: Kind, key: str) -> Any | None:
        repo = self.repo(kind)
        found = self._visible(repo.list(where={KIND_INFO[kind].key_field: key}, order_by="created_at"))
        if found:
            return found[0]
        by_id = repo.find(key)
        return by_id if by_id is not None and self._visible([by_id]) else None

    def repo(self, kind: Kind) -> Rows[Any]:
        return self.rows.rows(kind)

    def list(self, kind: Kind, *, active_only: bool = False, include_deleted: bool = False) -> list[Any]:
        where: dict[str, Any] = {} if include_deleted else {"deleted_at": None}
        if active_only:
            where["is_active"] = True
        rows = self.repo(kind).list(where=where, order_by=KIND_INFO[kind].order_by)
        return rows if self.scope is None else [r for r in rows if self.scope.sees(r)]

    def get(self, kind: Kind, key: str) -> Any:
        """Look up by key (or by id)."""
        info = KIND_INFO[kind]
        found = self._by_key(kind, key)
        if found is None:
            raise NotFoundError(
                f"No {info.label} '{key}'.",
                hint="It may have been deleted: see the Scaffolding page.",
                terminal_hint=f"List them with: python -m core scaffolding list {kind}",
            )
        return found

    def validate(self, kind: Kind, data: Mapping[str, Any]) -> Record:
        info = KIND_INFO[kind]
        try:
            record = info.model.model_validate(dict(data))
        except pydantic.ValidationError as err:
            problems = user_error(err, info.label, lambda name: field_text(name).label).problems
            if not str(data.get(info.key_field) or "").strip() and info.key_field in KEY_FIELDS:
                # An empty key is made from the name: only the name's own problem is worth saying.
                label = field_text(info.key_field).label
                problems = [p for p in problems if not p.startswith(f"{label}:")] or problems
            raise ValidationError(f"This {info.label} cannot be saved:", problems=problems) from err
        if kind == "templates" and self.template_check is not None:
            self.template_check(cast(PromptTemplate, record))
        return record

    def save(self, kind: Kind, data: Mapping[str, Any]) -> Any:
        """Create (no ``id`` or unknown id) or update a record; keys stay unique."""
        info = KIND_INFO[kind]
        repo = self.repo(kind)
        record = self.validate(kind, self.with_key(kind, data))
        key = getattr(record, info.key_field)
        clash = repo.first({info.key_field: key})
        if clash is not None and clash.id != record.id:
            raise ConflictError(
                f"Another {info.label} already uses the key '{key}'.", hint="Keys must be unique: choose another."
            )
        existing = repo.find(record.id)
        self.declare_client_fields(record)
        if existing is None:
            return repo.add(record)
        fields = record.model_dump(exclude={"id", "created_at", "created_by"})
        updated = repo.update(record.id, **fields)
        old_key = getattr(existing, info.key_field)
        if old_key != key:
            self._rename_references(kind, old_key, key)
        return updated

    def _rename_references(self, kind: Kind, old: str, new: str) -> None:
        """Other scaffolding that lists ``old`` (in its suitable lists) lists ``new`` instead."""
        for other, field in REFERRERS.get(kind, ()):
            for record in self.repo(other).list():
                value = getattr(record, field)
                changed: Any = [new if v == old else v for v in value] if isinstance(value, list) else new
                if (isinstance(value, list) and old in value) or value == old:
                    self.repo(other).update(record.id, **{field: changed})

    def with_key(self, kind: Kind, data: Mapping[str, Any]) -> dict[str, Any]:
        """``data`` with its key made from its name when the key was left empty (a person rarely types one)."""
        info = KIND_INFO[kind]
        filled = dict(data)
        if info.key_field in KEY_FIELDS and not str(filled.get(info.key_field) or "").strip():
            name = str(filled.get("name") or "").strip()
            if name:
                taken = {getattr(r, info.key_field) for r in self.repo(kind).list() if r.id != filled.get("id")}
                filled[info.key_field] = derive_key(name, taken)
        return filled

    def set_active(self, kind: Kind, key: str, active: bool) -> Any:
        record = self.get(kind, key)
        return self.repo(kind).update(record.id, is_active=active)

    def delete(self, kind: Kind, key: str) -> Deleted:
        """Soft delete: the record leaves every list and picker until ``undo_delete``. Refused while a job
        that has not finished would still use it."""
        info = KIND_INFO[kind]
        record = self.get(kind, key)
        name = getattr(record, "name", record.key)
        if jobs := (self.in_use(kind, record) if self.in_use is not None else []):
            raise ConflictError(
                f"“{name}” is used by a batch job that has not finished ({', '.join(jobs)}), so it was not deleted.",
                hint=f"Wait for the job to finish, or cancel it on the Batch jobs page, then delete the {info.label}.",
            )
        self.repo(kind).update(record.id, is_active=False, deleted_at=utcnow())
        return Deleted(kind=kind, id=record.id, name=name, was_active=record.is_active)

    def undo_delete(self, deleted: Deleted) -> Any:
        """Bring a deleted record back exactly as it was (active or paused)."""
        return self.repo(deleted.kind).update(deleted.id, is_active=deleted.was_active, deleted_at=None)

    def compatibility(self, persona_key: str, arc_key: str, topic_key: str) -> Compatibility:
        return check_compatibility(
            self._by_key("personas", persona_key), self._by_key("arcs", arc_key), self._by_key("topics", topic_key)
        )

    def active_expert(self) -> ExpertProfile | None:
        experts = self.rows.expert_profiles.list(where={"is_active": True}, order_by="created_at")
        if self.scope is not None:
            experts = [e for e in experts if self.scope.sees(e)]
        return experts[0] if experts else None
