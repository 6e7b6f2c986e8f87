"""No financial words outside the demo project: what a new project is offered (its starter journeys and
prompts, the system prompt, the placeholder list) and its Scaffolding page speak of "the client's question",
never of money. The page-text scan of every page is ``tests/e2e/test_every_screen.py``; both use the words
of ``tests.support.words``."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.bootstrap import Services
from core.scaffolding.defaults import install_starter
from tests.support.paths import REPO_ROOT
from tests.support.words import FINANCIAL, MONEY

#: What the starter journeys and prompts once said (each must be caught, so the scan can fail on it).
REMOVED = (
    "Compute the cash runway with the client's figures",
    "Here's how many weeks your current cash actually covers",
    "Long-term investment advice in the middle of the emergency",
    "Promising that markets or health will cooperate",
    "Can I show you how this works using your actual numbers?",
    "Model a split or phased option with real amounts",
    "Recommend specialist help (attorney, accountant)",
    "The financial question is real",
    "a bigger income, a smaller budget, a larger portfolio, more money",
)


def _texts(record: object) -> list[str]:
    data = record.model_dump(exclude={"id", "project_id", "suitable_personas", "suitable_topics"})  # type: ignore[attr-defined]
    found: list[str] = []
    for value in data.values():
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            found += [v for v in value if isinstance(v, str)]
    return found


def _money(where: str, texts: list[str]) -> list[str]:
    """Each money word found, with the words around it."""
    return [f"{where}: “{t[max(0, m.start() - 40) : m.end() + 40]}”" for t in texts for m in MONEY.finditer(t)]


@pytest.mark.parametrize("phrase", REMOVED)
def test_the_scan_catches_every_money_word_removed_from_the_defaults(phrase: str) -> None:
    assert MONEY.search(phrase)


def test_a_new_projects_starter_journeys_prompts_and_placeholders_speak_of_no_money(services: Services) -> None:
    coach = services.in_project(services.projects.create("Career coaching").slug)
    assert install_starter(coach.scaffolding) == {"arcs": 10, "templates": 10}
    problems: list[str] = []
    for kind in ("arcs", "templates"):
        for record in coach.scaffolding.list(kind):
            problems += _money(f"{kind} {record.key}", _texts(record))
    system = (REPO_ROOT / "templates" / "system_prompt.md.j2").read_text(encoding="utf-8")
    problems += _money("system prompt", [system])
    offered = coach.generation.placeholders()
    problems += _money("placeholders", [f"{p.name} {p.meaning} {p.group}" for p in offered])
    assert not problems, "\n".join(problems)


def test_a_new_projects_scaffolding_page_speaks_of_no_money(services: Services) -> None:
    coach = services.in_project(services.projects.create("Career coaching").slug)
    install_starter(coach.scaffolding)
    coach.scaffolding.save("personas", {"name": "Priya Nair", "archetype": "The mid-career switcher"})
    coach.scaffolding.save("topics", {"name": "Changing careers at 40"})
    at = AppTest.from_file(str(Path(REPO_ROOT / "app.py")), default_timeout=60)
    at.session_state["project_switched_to"] = coach.project.slug
    at = at.run().switch_page("pages/scaffolding.py").run()
    assert not at.exception, [e.value for e in at.exception]
    shown = [
        *(m.value for m in at.markdown),
        *(c.value for c in at.caption),
        *(str(w.label) for w in [*at.text_input, *at.text_area, *at.selectbox, *at.multiselect, *at.pills]),
        *(str(w.help or "") for w in [*at.text_input, *at.text_area]),
        *(str(o) for p in at.pills for o in p.options),
        *(str(t.value) for t in at.text_area),
    ]
    problems = [f"“{m}” in “{t[:80]}”" for t in shown for m in FINANCIAL.findall(t)]
    prompts = [str(t.value) for t in at.text_area if str(t.key).startswith("prompt_text_")]
    problems += _money("prompt shown", prompts)
    assert not problems, "\n".join(problems)
