"""The process entry: ``build_services(settings)`` opens the storage ``settings`` name and returns the
``Services`` of the project they name."""

from __future__ import annotations

import dataclasses

from core.bootstrap.services import Services
from core.bootstrap.storage import build_blob_store, open_database
from core.models.base import DEFAULT_PROJECT_ID
from core.settings import Settings


def build_services(settings: Settings | None = None, *, migrate: bool | None = None) -> Services:
    """Wire the backend chosen by ``settings``.

    The embedded backend creates its folder and applies migrations on first start; Postgres is
    migrated explicitly with ``python -m core db upgrade`` unless ``migrate=True``.

    The services work in the project ``settings.project`` names (``BRIGHTRUN_PROJECT``; the first project,
    ``default``, unless told otherwise); an unknown project raises ``NotFoundError``.
    """
    settings = settings or Settings()
    db = open_database(settings, migrate=migrate)
    services = Services(settings=settings, db=db, blobs=build_blob_store(settings))
    if settings.project in ("", DEFAULT_PROJECT_ID):  # the first project needs no look-up (nor its table yet)
        return services
    try:
        project = services.projects.get(settings.project)
    except BaseException:
        db.dispose()
        raise
    return dataclasses.replace(
        services, settings=settings.model_copy(update={"project": project.slug}), db=db.in_project(project.id)
    )
