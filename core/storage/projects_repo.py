"""Projects and what they hold: the ``ProjectRows`` port (``core.storage.ports``).

The ``projects`` table belongs to no project; every other table with a ``project_id`` column holds rows of
one project. Deleting a project deletes its rows from every such table (tables added later included: they
are found in the schema, not listed here), in one transaction. On Postgres that runs as the system (history
tables are append-only for every user): ``ProjectService.delete`` lets only the project's owner ask.
"""

from __future__ import annotations

import sqlalchemy as sa

from core.models.base import NIL_UUID
from core.models.jobs import BatchJob
from core.models.projects import Project
from core.models.statuses import JOB_UNFINISHED
from core.storage import schema
from core.storage.database import Database
from core.storage.repository import Repository


def project_tables() -> list[sa.Table]:
    """The tables whose rows belong to a project, children before their parents."""
    return [t for t in reversed(schema.metadata.sorted_tables) if "project_id" in t.c]


class ProjectsRepo:
    def __init__(self, db: Database) -> None:
        self._db = db

    @property
    def rows(self) -> Repository[Project]:
        return self._db.projects

    @property
    def acting_user(self) -> str | None:
        return self._db.acting_user

    def _system(self) -> Database:
        """The database as the system sees it (a signed-in user's view shares its engine, without its role)."""
        if self._db.transaction_hook is None:
            return self._db.in_project(None)
        return Database(self._db.url, engine=self._db.engine, project_id=None)

    def unfinished_jobs(self, project_id: str) -> list[BatchJob]:
        """The project's batch jobs that are queued, running or paused (whoever started them)."""
        jobs: list[BatchJob] = self._system().in_project(project_id).jobs.list(where={"status": list(JOB_UNFINISHED)})
        return jobs

    def file_paths(self, project_id: str) -> dict[str, list[str]]:
        """What the project's rows know of their files: conversation ids by owner folder, training file ids,
        failure report paths (``{"conversations": ["owner/id", ...], "training_files": [...], "failures": [...]}``),
        training job ids (their frozen input) and trained models' adapter folders.
        """
        c, tf, fg = schema.conversations.c, schema.training_files.c, schema.failed_generations.c
        with self._system().reading() as conn:
            conversations = [
                f"{owner or NIL_UUID}/{cid}"
                for owner, cid in conn.execute(
                    sa.select(c.created_by, c.conversation_id).where(c.project_id == project_id)
                )
            ]
            files = [str(v) for v in conn.execute(sa.select(tf.id).where(tf.project_id == project_id)).scalars()]
            failures = [
                str(v)
                for v in conn.execute(
                    sa.select(fg.raw_file_path).where(fg.project_id == project_id, fg.raw_file_path.is_not(None))
                ).scalars()
            ]
            tj, tm = schema.training_jobs.c, schema.trained_models.c
            jobs = [str(v) for v in conn.execute(sa.select(tj.id).where(tj.project_id == project_id)).scalars()]
            adapters = [
                str(v)
                for v in conn.execute(
                    sa.select(tm.adapter_path).where(tm.project_id == project_id, tm.adapter_path != "")
                ).scalars()
            ]
        return {
            "conversations": conversations,
            "training_files": files,
            "failures": failures,
            "training_jobs": jobs,
            "adapters": adapters,
        }

    def project_of(self, table: str, record_id: str) -> str | None:
        """The project of one row (by ``id``) of a project's table, whichever project it is in."""
        found = schema.metadata.tables.get(table)
        if found is None or "project_id" not in found.c:
            return None
        with self._db.reading() as conn:
            value = conn.execute(sa.select(found.c.project_id).where(found.c.id == record_id)).scalar()
        return str(value) if value is not None else None

    def delete_everything(self, project_id: str) -> dict[str, int]:
        """Delete the project's rows from every table, then the project itself. Returns rows deleted per table."""
        deleted: dict[str, int] = {}
        with self._system().transaction() as conn:
            for table in project_tables():
                count = int(conn.execute(sa.delete(table).where(table.c.project_id == project_id)).rowcount)
                if count:
                    deleted[table.name] = count
            conn.execute(sa.delete(schema.projects).where(schema.projects.c.id == project_id))
        return deleted
