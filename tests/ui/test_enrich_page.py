"""The Enrich page: run all pending with a progress bar, inspect stages and the report, retry failures."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.bootstrap import Services
from core.conversations.store import Provenance
from core.demo import load_demo

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def _page() -> AppTest:
    """The page inside the app (its empty state links to Home, which only the app's navigation knows)."""
    at = AppTest.from_file(APP, default_timeout=30).run()
    return at.switch_page("pages/enrich.py").run()


def test_an_empty_app_explains_where_conversations_come_from() -> None:
    at = _page()
    assert not at.exception
    assert "No conversations yet" in at.info[0].value


def test_enrich_all_pending_runs_and_shows_the_summary(services: Services) -> None:
    load_demo(services.importer)
    pending = len(services.enrichment.pending_ids())
    at = _page()
    at.button(key="enrich_run_all").click().run()
    assert not at.exception
    assert f"{pending} succeeded, 0 failed, 0 skipped" in at.success[0].value
    assert services.enrichment.pending_ids() == []


def test_a_failed_conversation_shows_its_blockers_and_failed_stage(services: Services) -> None:
    load_demo(services.importer)
    broken = services.conversations.ingest('{"conversation_metadata": {', Provenance()).conversation_id
    services.enrichment.run_one(broken)
    at = _page()
    assert at.selectbox(key="enrich_inspect").value == broken
    blockers = at.dataframe[0].value  # the only table: the blockers of the failed conversation
    assert list(blockers["code"]) == ["INVALID_JSON_SYNTAX"] and list(blockers["field"]) == ["root"]
    assert any(":material/cancel: **Checked for problems**" in m.value for m in at.markdown)


def test_retry_failed_reruns_them(services: Services) -> None:
    load_demo(services.importer)
    broken = services.conversations.ingest('{"conversation_metadata": {', Provenance()).conversation_id
    services.enrichment.run_one(broken)
    at = _page()
    at.button(key="enrich_retry_failed").click().run()
    assert "0 succeeded, 1 failed" in at.warning[0].value


def test_the_judge_toggle_is_off_without_a_key(services: Services) -> None:
    load_demo(services.importer)
    at = _page()
    assert at.toggle(key="enrich_judge").disabled
