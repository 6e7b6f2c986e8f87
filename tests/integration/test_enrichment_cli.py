"""``python -m core enrich [--all | ID...] [--judge]``: summary, exit codes, errors without tracebacks."""

from __future__ import annotations

from typer.testing import CliRunner

from core.bootstrap import build_services
from core.cli.main import app
from core.conversations.store import Provenance
from core.demo import load_demo

runner = CliRunner()


def _seed(broken: bool = False) -> list[str]:
    services = build_services()
    load_demo(services.importer)
    if broken:
        services.conversations.ingest('{"conversation_metadata": {', Provenance())
    ids = services.enrichment.pending_ids()
    services.close()
    return ids


def test_all_enriches_everything_pending_and_prints_the_summary() -> None:
    ids = _seed()
    result = runner.invoke(app, ["enrich", "--all"])
    assert result.exit_code == 0, result.output
    assert f"{len(ids)} succeeded, 0 failed, 0 skipped" in result.output
    assert "Nothing to enrich" in runner.invoke(app, ["enrich", "--all"]).output


def test_named_ids_already_done_are_skipped() -> None:
    ids = _seed()
    runner.invoke(app, ["enrich", ids[0]])
    result = runner.invoke(app, ["enrich", ids[0], ids[1]])
    assert "1 succeeded, 0 failed, 1 skipped" in result.output


def test_a_broken_conversation_fails_alone_and_the_exit_code_says_so() -> None:
    ids = _seed(broken=True)
    result = runner.invoke(app, ["enrich", "--all"])
    assert result.exit_code == 1
    assert f"{len(ids) - 1} succeeded, 1 failed, 0 skipped" in result.output
    assert "Validation failed: 1 blocking error(s)" in result.output


def test_judge_without_an_api_key_explains_how_to_add_one() -> None:
    ids = _seed()
    result = runner.invoke(app, ["enrich", ids[0], "--judge"])
    assert result.exit_code == 1 and "ANTHROPIC_API_KEY" in result.output
    assert "Traceback" not in result.output


def test_ids_and_all_together_are_refused() -> None:
    result = runner.invoke(app, ["enrich", "--all", "some-id"])
    assert result.exit_code == 1 and "not both" in result.output
