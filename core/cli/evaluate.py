"""``python -m core try MODEL_ID --message TEXT`` and ``python -m core evaluate MODEL_ID``."""

from __future__ import annotations

import typer

from core.cli.common import console, err_console, friendly_errors, print_json, services


def try_model(
    model_id: str = typer.Argument(..., help="A trained model's id or name (python -m core models list)."),
    message: str = typer.Option(..., "--message", help="What the client says."),
    persona: str | None = typer.Option(None, "--persona", help="A client of the project, by key."),
    arc: str | None = typer.Option(None, "--arc", help="An emotional journey, by key."),
    topic: str | None = typer.Option(None, "--topic", help="A topic, by key."),
    max_new_tokens: int = typer.Option(200, "--max-tokens", help="The longest answer, in tokens."),
    temperature: float = typer.Option(0.0, "--temperature", help="0 always gives the same answer."),
    as_json: bool = typer.Option(False, "--json", help='Print {"base": "…", "tuned": "…"}.'),
) -> None:
    """Ask the base model and the tuned model the same message and print both answers."""
    from core.evaluation.responder import GenerationSettings
    from core.evaluation.service import Scenario

    with friendly_errors():
        settings = GenerationSettings(max_new_tokens=max_new_tokens, temperature=temperature)
        answer = services().evaluation.try_message(model_id, message, Scenario(persona, arc, topic), settings)
    if as_json:
        print_json({"base": answer.base, "tuned": answer.tuned})
        return
    if answer.note:
        err_console.print(answer.note, highlight=False, markup=False)
    console.print("Base model:", style="bold", highlight=False)
    console.print(answer.base, highlight=False, markup=False)
    console.print("\nTuned model:", style="bold", highlight=False)
    console.print(answer.tuned, highlight=False, markup=False)


def evaluate(
    model_id: str = typer.Argument(..., help="A trained model's id or name (python -m core models list)."),
    limit: int | None = typer.Option(None, "--limit", min=1, help="Use only the first N held-out conversations."),
    judge_model: str | None = typer.Option(None, "--judge-model", help="The Claude model that judges."),
    estimate_only: bool = typer.Option(False, "--estimate-only", help="Print the estimate and spend nothing."),
    budget: float | None = typer.Option(None, "--budget", min=0.0, help="Stop between calls at this spend (USD)."),
    max_new_tokens: int = typer.Option(200, "--max-tokens", help="The longest answer of each model, in tokens."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Measure a trained model against its base on its held-out conversations, judged by Claude."""
    from core.evaluation.responder import GenerationSettings

    with friendly_errors():
        evaluation = services().evaluation
        plan = evaluation.estimate(model_id, limit=limit, judge_model=judge_model)
        if estimate_only:
            if as_json:
                print_json(plan.model_dump())
            else:
                console.print(_estimate_line(plan.conversations, plan.turns, plan.estimate_usd), highlight=False)
            return
        if not as_json:
            console.print(_estimate_line(plan.conversations, plan.turns, plan.estimate_usd), highlight=False)
        run = evaluation.evaluate(
            model_id,
            limit=limit,
            judge_model=judge_model,
            budget_usd=budget,
            generation=GenerationSettings(max_new_tokens=max_new_tokens),
            progress=None if as_json else lambda done, total: err_console.print(f"judged {done}/{total}", end="\r"),
        )
    result = {
        "id": run.id,
        "status": run.status,
        "conversations": run.conversations,
        "turns": run.turns,
        "wins": run.wins,
        "ties": run.ties,
        "losses": run.losses,
        "failures": run.failures,
        "win_rate": run.win_rate,
        "ci_low": run.ci_low,
        "ci_high": run.ci_high,
        "estimate_usd": run.estimate_usd,
        "cost_usd": run.cost_usd,
        "scores": run.scores,
        "message": run.message,
    }
    if as_json:
        print_json(result)
        return
    rate = (
        "no turn judged" if run.win_rate is None else f"{run.win_rate:.0%} (95% CI {run.ci_low:.0%}–{run.ci_high:.0%})"
    )
    console.print(
        f"Tuned vs base: {run.wins} wins, {run.ties} ties, {run.losses} losses"
        f"{f', {run.failures} not judged' if run.failures else ''}; win rate {rate}; cost ${run.cost_usd:.4f}.",
        highlight=False,
    )
    if run.message:
        err_console.print(run.message, highlight=False, markup=False)


def _estimate_line(conversations: int, turns: int, usd: float) -> str:
    return f"Estimate: {conversations} held-out conversations, {turns} client turns, about ${usd:.4f} at most."
