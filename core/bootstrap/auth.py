"""Services that act as a signed-in user (Supabase backend): the same services, with every database
transaction run as that user and role (``core.storage.rls``), so row-level security applies."""

from __future__ import annotations

import dataclasses

from core.auth import AuthUser
from core.bootstrap.services import Services
from core.storage.rls import as_anon, as_user


def user_services(services: Services, user: AuthUser) -> Services:
    """The same services, with every database transaction run as ``user`` (RLS applies on Postgres).

    Blobs keep the server's Storage client: paths come from rows the user could read, users cannot set a path
    outside the row owner's folder (m0006), and every Storage call made for a row checks the owner's folder
    again (``core.storage.blobs.owned_*_path``). Workers and other system work keep using the unscoped
    ``services``; work done for a user (a batch job) resolves scaffolding as that user
    (``ScaffoldingService.for_owner``).
    """
    db = as_user(
        services.db, user.id, role="reviewer" if user.role == "reviewer" else "authenticated", email=user.email
    )
    return dataclasses.replace(services, db=db)


def anonymous_services(services: Services) -> Services:
    """The same services seen by nobody in particular (before sign-in): on Postgres every table is closed."""
    return dataclasses.replace(services, db=as_anon(services.db))
