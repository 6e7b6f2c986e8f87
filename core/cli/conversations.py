"""``python -m core conversations list [--status …] [--json]``."""

from __future__ import annotations

import typer

from core.cli.common import console, friendly_errors, print_json, services
from core.conversations.listing import list_conversations, review_statuses
from core.models.status_labels import status_text

app = typer.Typer(help="Conversations in the store.", no_args_is_help=True)


@app.command("list")
def list_command(
    status: str | None = typer.Option(
        None, "--status", help="Review status(es), comma-separated (pending_review, approved, …), or all (default)."
    ),
    as_json: bool = typer.Option(
        False,
        "--json",
        help="A JSON list of {conversation_id, name, review_status, enrichment_status, truncated, quality_score}.",
    ),
) -> None:
    """Conversations, oldest first, with their review and enrichment status."""
    with friendly_errors():
        rows = list_conversations(services().conversation_rows, review_statuses(status))
    if as_json:
        print_json([r.model_dump() for r in rows])
        return
    if not rows:
        console.print("No conversations match.")
        return
    for r in rows:
        score = f"{r.quality_score:.1f}" if r.quality_score is not None else "-"
        flags = "  cut off mid-sentence" if r.truncated else ""
        console.print(
            f"{r.conversation_id}  {r.name}  [{status_text('review', r.review_status)}; "
            f"{status_text('enrichment', r.enrichment_status)}; quality {score}]{flags}",
            highlight=False,
            markup=False,
        )
