"""Run user actions as the signed-in user, so Postgres row-level security applies (as PostgREST does).

``as_user(db, user_id, role=...)`` returns a view of ``db`` sharing its engine whose every transaction starts
with the user's JWT claims (``request.jwt.claims``, read by ``auth.uid()`` / ``auth.jwt()``) and
``SET LOCAL ROLE authenticated``. Both are transaction-local, so a pooled connection goes back clean.
Workers keep using the plain ``Database``: the connection's own role (the table owner) bypasses RLS.
On SQLite there is no RLS; the view is the same database.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import sqlalchemy as sa

from core.errors import AccessDeniedError
from core.storage.database import Database, TransactionHook

AppRole = Literal["authenticated", "reviewer"]
PgRole = Literal["authenticated", "anon"]
INSUFFICIENT_PRIVILEGE = "42501"  # Postgres: RLS refused a row, a grant is missing, or our review trigger said no


def claims(user_id: str, *, role: AppRole = "authenticated", email: str | None = None) -> dict[str, Any]:
    """The claims Supabase Auth would put in the user's JWT (reviewers carry ``app_metadata.role``)."""
    app_role = "reviewer" if role == "reviewer" else "user"
    found: dict[str, Any] = {
        "sub": user_id,
        "role": "authenticated",
        "app_role": app_role,
        "app_metadata": {"role": app_role},
    }
    if email:
        found["email"] = email
    return found


def user_hook(user_claims: dict[str, Any], pg_role: PgRole = "authenticated") -> TransactionHook:
    """A transaction hook that sets the claims and the Postgres role for this transaction only."""
    payload = json.dumps(user_claims)
    set_role = sa.text(f"SET LOCAL ROLE {pg_role}")  # one of two fixed names, never user input

    def _hook(conn: sa.Connection) -> None:
        conn.execute(sa.text("SELECT set_config('request.jwt.claims', :claims, true)"), {"claims": payload})
        conn.execute(set_role)

    return _hook


class UserDatabase(Database):
    """A ``Database`` whose transactions run as one signed-in user; refusals become ``AccessDeniedError``."""

    def __init__(self, base: Database, user_claims: dict[str, Any], pg_role: PgRole = "authenticated") -> None:
        super().__init__(base.url, engine=base.engine, project_id=base.project_id)
        self.claims = user_claims
        self.transaction_hook = user_hook(user_claims, pg_role)

    @property
    def user_id(self) -> str | None:
        return str(self.claims["sub"]) if "sub" in self.claims else None

    @property
    def acting_user(self) -> str | None:
        return self.user_id

    @contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        try:
            with super().transaction() as conn:
                yield conn
        except sa.exc.DBAPIError as err:
            if getattr(err.orig, "sqlstate", None) != INSUFFICIENT_PRIVILEGE:
                raise
            reason = str(err.orig).splitlines()[0] if err.orig else str(err)
            hint = (
                "Sign in first."
                if self.user_id is None
                else "You can change only your own rows; reviewers can change only review fields."
            )
            raise AccessDeniedError(f"You are not allowed to do that: {reason}.", hint=hint) from err

    def dispose(self) -> None:
        """The engine belongs to the base database; disposing a user view leaves it alone."""


def as_user(db: Database, user_id: str, *, role: AppRole = "authenticated", email: str | None = None) -> Database:
    """``db`` seen by one signed-in user (Postgres), or ``db`` itself (SQLite has no row-level security)."""
    if db.dialect != "postgresql":
        return db
    return UserDatabase(db, claims(user_id, role=role, email=email))


def as_anon(db: Database) -> Database:
    """``db`` seen by nobody in particular (Postgres role ``anon``, which reaches no table): fail closed."""
    if db.dialect != "postgresql":
        return db
    return UserDatabase(db, {"role": "anon"}, pg_role="anon")
