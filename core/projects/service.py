"""Projects: list, create, find by slug, delete with everything in it.

Every other service works inside one project (``Services.in_project``); this one works across them. A slug
is made from the name (``slugify``) and kept unique among the projects the user can see.
"""

from __future__ import annotations

import builtins
import logging
from typing import Any

from core.errors import AccessDeniedError, ConflictError, NotFoundError, StorageError, ValidationError
from core.models.projects import DEFAULT_PROJECT_ID, ClientField, Project, slugify
from core.storage.ports import ProjectRows
from core.storage.ports.blobs import (
    ADAPTERS,
    CONVERSATION_FILES,
    FAILED_GENERATION_FILES,
    TRAINING_FILES,
    TRAINING_INPUTS,
    BlobStore,
)

log = logging.getLogger(__name__)
NAME_MAX = 120


class ProjectService:
    def __init__(self, rows: ProjectRows, blobs: BlobStore) -> None:
        self._rows = rows
        self._blobs = blobs

    # -- reads --------------------------------------------------------------------------------------
    def list(self) -> builtins.list[Project]:
        """Every project the user can see, the first project first, then oldest first."""
        found = self._rows.rows.list(order_by="created_at")
        return sorted(found, key=lambda p: p.id != DEFAULT_PROJECT_ID)

    def get(self, slug: str) -> Project:
        """The project with this slug (or id); ``NotFoundError`` in plain words when there is none."""
        wanted = slug.strip()
        found = self._rows.rows.find_by(slug=wanted) or (self._rows.rows.find(wanted) if wanted else None)
        if found is None:
            names = ", ".join(p.slug for p in self.list())
            raise NotFoundError(f"There is no project '{wanted}'" + (f" (projects: {names})." if names else "."))
        return found

    def by_id(self, project_id: str) -> Project:
        found = self._rows.rows.find(project_id)
        if found is None:
            raise NotFoundError("That project no longer exists.")
        return found

    def holding(self, table: str, record_id: str) -> Project | None:
        """The project a batch job, training job or other row belongs to (``None``: no such row). For
        workers started with only an id: they work in that row's project."""
        project_id = self._rows.project_of(table, record_id)
        return self._rows.rows.find(project_id) if project_id else None

    # -- changes ------------------------------------------------------------------------------------
    def create(
        self, name: str, *, description: str = "", domain: str = "", is_demo: bool = False, slug: str | None = None
    ) -> Project:
        """A new, empty project; its slug comes from the name (or ``slug``), with ``-2``, ``-3``… when taken."""
        clean = " ".join(name.split())
        if not clean:
            raise ValidationError("Give the project a name.", hint="For example “Career coaching”.")
        if len(clean) > NAME_MAX:
            raise ValidationError(f"A project name has at most {NAME_MAX} characters.")
        taken = {p.slug for p in self._rows.rows.list()}
        base = slugify(slug or clean)
        made, n = base, 1
        while made in taken:
            n += 1
            made = f"{base}-{n}"
        project = Project(
            slug=made,
            name=clean,
            description=description.strip(),
            domain=" ".join(domain.split()),
            is_demo=is_demo,
            created_by=self._rows.acting_user,
        )
        try:
            return self._rows.rows.add(project)
        except ConflictError as err:  # made at the same moment elsewhere
            raise ConflictError(f"A project called '{clean}' was just made; try again.") from err

    def update(self, slug: str, **changes: Any) -> Project:
        """Change the name, description, domain or sharing of a project (its slug stays)."""
        allowed = {"name", "description", "domain", "shared_with_reviewers"}
        unknown = set(changes) - allowed
        if unknown:
            raise ValidationError(f"A project has no setting {', '.join(sorted(unknown))}.")
        project = self.get(slug)
        return self._rows.rows.update(project.id, **changes)

    def can_change(self, project: Project) -> bool:
        """Whether the acting user may change ``project`` (its owner; without sign-in, whoever runs the app)."""
        acting = self._rows.acting_user
        return acting is None or project.created_by == acting

    def share_with_reviewers(self, slug: str, shared: bool) -> Project:
        """Let reviewers read the project and review its conversations (``shared``), or stop it. Its owner's."""
        project = self.get(slug)
        if not self.can_change(project):
            raise AccessDeniedError(f"Only the person who made '{project.name}' can change who sees it.")
        return self._rows.rows.update(project.id, shared_with_reviewers=shared)

    def set_client_fields(self, project_id: str, fields: builtins.list[ClientField]) -> Project:
        """Store the custom fields the project's clients have (``ClientFieldsService`` decides what they are).
        Only the project's owner changes them (row-level security would silently change nothing)."""
        project = self.by_id(project_id)
        if not self.can_change(project):
            raise AccessDeniedError(
                f"Only the person who made “{project.name}” can change the fields its clients have.",
                hint="Ask them to add the field, or work in a project of your own.",
            )
        return self._rows.rows.update(project.id, client_fields=fields)

    def delete(self, slug: str, *, confirm_name: str) -> dict[str, int]:
        """Delete the project and everything in it (rows and files). Refused unless ``confirm_name`` is the
        project's name, and while one of its batch jobs is queued, running or paused."""
        project = self.get(slug)
        if project.id == DEFAULT_PROJECT_ID:
            raise ValidationError(
                f"'{project.name}' is the first project and stays.",
                hint="Delete the clients, conversations and files inside it instead.",
            )
        acting = self._rows.acting_user
        if acting is not None and project.created_by != acting:
            raise AccessDeniedError(f"Only the person who made '{project.name}' can delete it.")
        if " ".join(confirm_name.split()) != project.name:
            raise ValidationError(f"Type the project's name, “{project.name}”, to delete it.")
        jobs = self._rows.unfinished_jobs(project.id)
        if jobs:
            listed = ", ".join(f"'{j.name}'" for j in jobs[:3])
            raise ConflictError(
                f"'{project.name}' still has a batch job that is not finished ({listed}).",
                hint="Cancel it on the Batch jobs page (or wait for it to end), then delete the project.",
            )
        files = self._rows.file_paths(project.id)
        deleted = self._rows.delete_everything(project.id)
        self._delete_files(files)
        return deleted

    def _delete_files(self, files: dict[str, builtins.list[str]]) -> None:
        """Remove the project's files; one that cannot be removed is logged (its row is already gone).

        Conversation files are found in their owners' folders (one listing per owner), a training file's in
        its own folder, a failure report by its path."""
        conversations = files.get("conversations", [])
        by_owner: dict[str, builtins.list[str]] = {}
        for owned in conversations:
            owner, _, conversation_id = owned.partition("/")
            by_owner.setdefault(owner, []).append(conversation_id)
        for owner, ids in by_owner.items():
            wanted = tuple(f"{owner}/{c}/" for c in ids)
            raw = tuple(f"raw/{owner}/{c}{end}" for c in ids for end in (".", "-"))
            for folder, prefixes in ((f"{owner}/", wanted), (f"raw/{owner}/", raw)):
                for path in self._blobs.list(CONVERSATION_FILES, folder):
                    if path.startswith(prefixes):
                        self._remove(CONVERSATION_FILES, path)
        for file_id in files.get("training_files", []):
            for path in self._blobs.list(TRAINING_FILES, f"{file_id}/"):
                self._remove(TRAINING_FILES, path)
        for bucket, key in ((TRAINING_INPUTS, "training_jobs"), (ADAPTERS, "adapters")):
            for folder in files.get(key, []):
                for path in self._blobs.list(bucket, f"{folder}/"):
                    self._remove(bucket, path)
        for path in files.get("failures", []):
            self._remove(FAILED_GENERATION_FILES, path)

    def _remove(self, bucket: str, path: str) -> None:
        try:
            self._blobs.delete(bucket, path)
        except StorageError:
            log.warning("could not delete %s/%s of a deleted project", bucket, path)
