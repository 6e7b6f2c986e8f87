"""``python -m core db …``: the database schema."""

from __future__ import annotations

import typer

from core.bootstrap import build_services
from core.cli.common import console, friendly_errors

app = typer.Typer(help="Database schema: apply migrations, see what is pending.", no_args_is_help=True)


@app.command()
def upgrade() -> None:
    """Apply every pending migration to the configured database (SQLite or Supabase Postgres)."""
    with friendly_errors():
        services = build_services(migrate=False)
        ran = services.db.upgrade()
    if ran:
        for name in ran:
            console.print(f"applied {name}")
    else:
        console.print("The database is up to date.")


@app.command()
def status() -> None:
    """List migrations not yet applied."""
    with friendly_errors():
        pending = build_services(migrate=False).db.pending_migrations()
    console.print("\n".join(f"pending {n}" for n in pending) if pending else "The database is up to date.")
