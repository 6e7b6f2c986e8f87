"""A career coach's new project drafted by Claude (the fake Messages API) in a real browser at 1280 × 800: the cost
first, the proposals one by one, a client dropped and a topic edited, the kept ones added, and they are on
Scaffolding in her project."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from core.bootstrap import build_services
from core.settings import Settings
from tests.e2e.conftest import serve_app
from tests.e2e.helpers import assert_no_exception, open_page, screenshot, wait_until_idle

PROJECT = "Career coaching with Dana"
SLUG = "career-coaching-with-dana"


@pytest.fixture(scope="module")
def draft_app(tmp_path_factory: pytest.TempPathFactory, fake_claude_url: str) -> Iterator[tuple[str, Path]]:
    secrets = tmp_path_factory.mktemp("draft-secrets") / "secrets.toml"
    data = tmp_path_factory.mktemp("draft-data")
    with serve_app(data, fake_claude_url, secrets) as url:
        yield url, data


def click(scope: Any, page: Any, name: str) -> None:
    scope.get_by_role("button", name=name, exact=True).click()
    wait_until_idle(page)


def item(page: Any, kind: str, index: int) -> Any:
    return page.locator(f".st-key-draft_item_{kind}_{index}")


def test_a_new_project_is_drafted_and_only_the_kept_items_are_added(page: Any, draft_app: tuple[str, Path]) -> None:
    draft_url, data = draft_app
    page.set_viewport_size({"width": 1280, "height": 800})
    open_page(page, draft_url, "projects")
    page.get_by_role("textbox", name="Name", exact=True).wait_for(timeout=120_000)  # a first page is slow
    page.get_by_role("textbox", name="Name", exact=True).fill(PROJECT)
    page.get_by_role("textbox", name="The expert, in a few sentences", exact=True).fill(
        "Dana coaches mid-career people who want to change jobs."
    )
    page.get_by_role("textbox", name="Field of work", exact=True).fill("Career coaching")
    click(page, page, "Create the project")
    page.get_by_text("is ready and open").wait_for()
    box = page.locator(".st-key-draft_box")
    expect(box.get_by_text("Expected cost: about")).to_be_visible()
    box.get_by_text("What Claude will read").click()
    expect(box.get_by_role("textbox", name="About the expert (Claude drafts from this)")).to_have_value(
        "Dana coaches mid-career people who want to change jobs."
    )
    expect(box.locator("span", has_text="# The project")).to_contain_text("Dana coaches mid-career people")
    screenshot(page, "draft-1-cost-first")

    click(box, page, "Draft my clients, journeys and topics")
    box.get_by_text("Priya Nair (the stalled manager)").wait_for(timeout=90_000)
    wait_until_idle(page)
    assert_no_exception(page)
    screenshot(page, "draft-2-proposals")

    click(item(page, "clients", 1), page, "Drop")  # Marcus
    expect(item(page, "clients", 1).get_by_text("(dropped)")).to_be_visible()
    click(item(page, "topics", 0), page, "Edit")
    form = item(page, "topics", 0)
    form.get_by_role("textbox", name="Name", exact=True).fill("Telling the story of a career change")
    click(form, page, "Save changes")
    expect(item(page, "topics", 0).get_by_text("Telling the story of a career change")).to_be_visible()
    item(page, "clients", 1).scroll_into_view_if_needed()
    screenshot(page, "draft-3-kept-edited-dropped")

    click(page, page, "Add the kept ones (11)")
    added = page.get_by_text("Added 3 clients, 3 emotional journeys and 5 topics.")
    added.wait_for()
    expect(added).to_be_in_viewport()  # said where the box was, not out of sight
    expect(page.locator(".st-key-draft_box")).to_have_count(0)  # the project has clients now
    assert_no_exception(page)
    screenshot(page, "draft-4-added")
    stored = build_services(Settings(data_dir=data))
    try:
        saved = stored.in_project(SLUG).scaffolding
        assert {p.name for p in saved.list("personas")} == {
            "Priya Nair (the stalled manager)",
            "Aiko Tanaka (the returner)",
            "Tom Reyes (the new graduate)",
        }
        assert "Telling the story of a career change" in {t.name for t in saved.list("topics")}
        assert not stored.in_project("default").scaffolding.list("personas")
    finally:
        stored.close()

    open_page(page, draft_url, "scaffolding")
    page.get_by_role("tab", name="Clients").click()
    wait_until_idle(page)
    clients = page.get_by_role("tabpanel", name="Clients")
    table = clients.locator('[data-testid="stDataFrame"]')
    table.wait_for()
    expect(page.locator(".st-key-draft_box")).to_have_count(0)
    page.get_by_role("tab", name="Topics").click()
    wait_until_idle(page)
    screenshot(page, "draft-5-scaffolding-topics")
    assert_no_exception(page)
