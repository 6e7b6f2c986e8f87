"""Every page at 1280 × 800 and 1440 × 900, in the demo project and in a new empty project: a screenshot each
(``every-<project>-<width>-<page>.png``, to look at), no exception, no cut label (the review grid's headers
included), and, outside the demo, none of the earlier system's financial words nor the app's internal words
anywhere a person reads. (What a new project is offered, its starter journeys and prompts and the placeholder
list, is scanned for money words too, without a browser: ``tests/unit/test_no_financial_words.py``.)"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from core.bootstrap import build_services
from core.demo.project import load_demo_project
from core.settings import Settings
from tests.e2e.conftest import serve_app
from tests.e2e.helpers import CUT, assert_no_exception, open_page, screenshot, wait_until_idle
from tests.e2e.review_helpers import cut_headers
from tests.support.paths import REPO_ROOT
from tests.support.words import FINANCIAL  # the earlier single-vertical system's words: never outside the demo

EMPTY = "Career coaching"
SIZES = ((1280, 800), (1440, 900))
#: Words of the code, not of the people using the app (the README's words are clients, emotional journeys,
#: topics, conversations, training files).
INTERNAL = re.compile(
    r"\bpersonas?\b|\barcs?\b|\btier\b|kappa|lane\(s\)|tokens in / out|\bvm:|pydantic|traceback|"
    r"\bNone\b|undefined|\buuid\b|\.py\b|\bsnake_case\b",
    re.IGNORECASE,
)


def page_paths() -> list[str]:
    """Every page of the app's menu (app.py), by address; the builders' spec splitter too."""
    source = (REPO_ROOT / "app.py").read_text(encoding="utf-8")
    found = [m for m in re.findall(r'"pages/(\w+)\.py"', source) if m not in ("sign_in",)]
    return list(dict.fromkeys(found))  # app.py names a page more than once (home: in the menu and as default)


@pytest.fixture(scope="module")
def screens(tmp_path_factory: pytest.TempPathFactory, fake_claude_url: str) -> Iterator[tuple[str, dict[str, str]]]:
    """A server over a store holding the demo project and an empty new one: (url, {label: slug})."""
    data = tmp_path_factory.mktemp("screens-data")
    services = build_services(Settings(data_dir=data))
    demo, _ = load_demo_project(services)
    empty = services.projects.create(EMPTY, description="Dana coaches people changing careers.")
    services.close()
    with serve_app(data, fake_claude_url, tmp_path_factory.mktemp("screens-secrets") / "secrets.toml") as url:
        yield url, {"demo": demo.slug, "empty": empty.slug}


@pytest.fixture(scope="module")
def tabs(browser: Any) -> Iterator[dict[int, Any]]:
    contexts = {w: browser.new_context(viewport={"width": w, "height": h}) for w, h in SIZES}
    yield {w: c.new_page() for w, c in contexts.items()}
    for context in contexts.values():
        context.close()


@pytest.mark.parametrize("path", page_paths())
@pytest.mark.parametrize("project", ["demo", "empty"])
@pytest.mark.parametrize("width", [w for w, _ in SIZES])
def test_every_page_reads_whole_and_in_the_experts_words(
    screens: tuple[str, dict[str, str]], tabs: dict[int, Any], project: str, width: int, path: str
) -> None:
    """One page at one width in one project (a test each, so a slow machine's time limit is per page)."""
    url, slugs = screens
    tab = tabs[width]
    problems: list[str] = []
    open_page(tab, url, f"{'' if path == 'home' else path}?project={slugs[project]}")
    tab.locator('[data-testid="stMainBlockContainer"] h1').first.wait_for()
    wait_until_idle(tab)  # the script has run to its end: the page body is all there, not just its title
    assert_no_exception(tab)
    screenshot(tab, f"every-{project}-{width}-{path}")
    problems += [f"{path}: cut label “{t}”" for t in tab.evaluate(CUT)]
    problems += [f"{path}: cut grid header “{t}”" for t in cut_headers(tab)]  # AgGrid draws in its own frame
    if project == "empty" and path != "spec_splitter":  # the builders' tool speaks to builders
        text = tab.locator('[data-testid="stMain"]').inner_text()
        if path == "projects":  # the list of projects names the demo, by its name
            text = text.replace("Demo: a fee-only financial planner", "").replace("Financial planning", "")
            text = re.sub(r"Maya Lindqvist, a fee-only[^\n]*", "", text)
        problems += [f"{path}: financial word “{m}”" for m in FINANCIAL.findall(text)]
        problems += [f"{path}: internal word “{m}”" for m in INTERNAL.findall(text)]
    assert not problems, "\n".join(problems)
