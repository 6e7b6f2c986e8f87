"""Failed enrichment shows as failed: the status says so, and the CLI prints the error's hint."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from core.cli.main import app
from tests.support.paths import REFERENCE_DIR

runner = CliRunner()


def test_a_failed_enrichment_leaves_a_failed_status_and_the_cli_prints_its_hint() -> None:
    # No expert profile exists: the enrichment stage fails, and its error says how to fix that.
    imported = json.loads(runner.invoke(app, ["import", "--json", str(REFERENCE_DIR / "raw-conversation.json")]).output)
    [cid] = imported[0]["imported"]
    result = runner.invoke(app, ["enrich", cid])
    assert result.exit_code == 1
    assert f"failed  {cid}: enrichment: There is no expert profile" in result.output
    assert "python -m core demo load" in result.output  # the hint
    [row] = json.loads(runner.invoke(app, ["conversations", "list", "--json"]).output)
    assert row["enrichment_status"] == "enrichment_failed"
    again = runner.invoke(app, ["enrich", "--all"])  # a failed one is tried again by --all
    assert f"failed  {cid}" in again.output
