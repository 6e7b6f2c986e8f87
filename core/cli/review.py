"""``python -m core review …``: decide on conversations and read their review history."""

from __future__ import annotations

import typer

from core.cli.common import console, err_console, friendly_errors, print_json, services
from core.review.guards import RISKS
from core.review.transitions import Decision

app = typer.Typer(help="Review decisions (approve, reject, revise, archive, reopen) and history.", no_args_is_help=True)

IDS = typer.Argument(..., help="Conversation id(s).")
REVIEWER = typer.Option(..., "--reviewer", "-r", envvar="BRIGHTRUN_REVIEWER", help="Who decides (recorded).")
COMMENT = typer.Option(None, "--comment", "-m", help="A comment kept in the history.")


def _decide(
    ids: list[str], decision: Decision, reviewer: str, comment: str | None, reasons: list[str], confirm: bool = False
) -> None:
    with friendly_errors():
        result = services().review.bulk(
            ids, decision, reviewer, comment=comment, reasons=reasons, confirm=RISKS if confirm else ()
        )
    for conversation_id in result.done:
        console.print(f"{decision}: {conversation_id}", highlight=False)
    for refusal in result.refused:
        err_console.print(
            f"Refused {refusal.conversation_id}: {refusal.reason}", highlight=False, markup=False, soft_wrap=True
        )
    if result.refused:
        raise typer.Exit(1)


@app.command("approve")
def approve(
    ids: list[str] = IDS,
    reviewer: str = REVIEWER,
    comment: str | None = COMMENT,
    confirm_risks: bool = typer.Option(
        False,
        "--confirm-risks",
        help="Approve even a conversation that is not enriched, has no quality score or is truncated "
        "(the confirmation is kept in its history).",
    ),
) -> None:
    """Approve conversations that are pending review or need revision."""
    _decide(ids, "approve", reviewer, comment, [], confirm_risks)


@app.command("reject")
def reject(
    ids: list[str] = IDS,
    reviewer: str = REVIEWER,
    reason: list[str] = typer.Option(..., "--reason", help="Why (required; repeat for several reasons)."),
    comment: str | None = COMMENT,
) -> None:
    """Reject conversations; a reason is required."""
    _decide(ids, "reject", reviewer, comment, reason)


@app.command("revise")
def revise(ids: list[str] = IDS, reviewer: str = REVIEWER, comment: str | None = COMMENT) -> None:
    """Send conversations back as needing revision."""
    _decide(ids, "needs_revision", reviewer, comment, [])


@app.command("archive")
def archive(ids: list[str] = IDS, reviewer: str = REVIEWER, comment: str | None = COMMENT) -> None:
    """Archive conversations."""
    _decide(ids, "archive", reviewer, comment, [])


@app.command("reopen")
def reopen(ids: list[str] = IDS, reviewer: str = REVIEWER, comment: str | None = COMMENT) -> None:
    """Move decided or archived conversations back to pending review."""
    _decide(ids, "move_to_review", reviewer, comment, [])


@app.command("history")
def history(
    conversation_id: str = typer.Argument(..., help="Conversation id."),
    as_json: bool = typer.Option(False, "--json", help="Print the history as a JSON list."),
) -> None:
    """Who did what to a conversation, and when (newest first)."""
    with friendly_errors():
        entries = services().review.history(conversation_id)
    if as_json:
        print_json([e.model_dump(mode="json") for e in entries])
        return
    for e in entries:
        change = f" {e.from_status} -> {e.to_status}" if e.to_status else ""
        note = f" — {e.comment}" if e.comment else ""
        console.print(
            f"{e.created_at:%Y-%m-%d %H:%M} {e.performed_by}: {e.action}{change}{note}", highlight=False, soft_wrap=True
        )
