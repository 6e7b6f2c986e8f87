"""Projects page: a new project opens at once and is empty; deleting one asks for its name. (The sidebar's
project switch runs in app.py: the browser tests cover it.)"""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.bootstrap import Services
from core.demo.project import load_demo_project

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "projects.py")


def test_a_new_project_opens_at_once_and_holds_nothing_of_the_demo(services: Services) -> None:
    load_demo_project(services)
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at.text_input[0].input("Career coaching with Dana")
    at.text_area[0].input("Dana coaches mid-career people who want to change jobs.")
    at.text_input[1].input("Career coaching")
    at = at.button[0].click().run()
    assert not at.exception
    assert at.query_params["project"] == "career-coaching-with-dana"
    assert "is ready and open" in at.success[0].value
    coach = services.in_project("career-coaching-with-dana")
    assert coach.project.domain == "Career coaching"
    assert coach.stats().conversations == 0 and not coach.scaffolding.list("personas")


def test_deleting_a_project_is_refused_until_its_name_is_typed(services: Services) -> None:
    services.projects.create("Career coaching")
    at = AppTest.from_file(PAGE, default_timeout=60).run()
    at = at.button(key="delete_project").click().run()
    assert "Type the project's name" in at.error[0].value
    assert [p.slug for p in services.projects.list()] == ["default", "career-coaching"]
    at.text_input(key="delete_confirm_career-coaching").input("Career coaching")
    at = at.button(key="delete_project").click().run()
    assert not at.exception and [p.slug for p in services.projects.list()] == ["default"]


def test_the_owner_shares_a_project_with_reviewers_or_keeps_it_to_herself(services: Services) -> None:
    coach = services.projects.create("Career coaching")
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params["project"] = coach.slug
    at = at.run()
    share = at.toggle(key=f"share_with_reviewers_{coach.id}")
    assert share.value is True and "Reviewers may read “Career coaching”" in share.label
    at = share.set_value(False).run()
    assert not at.exception
    assert "is now yours alone" in at.success[0].value
    assert services.projects.get(coach.slug).shared_with_reviewers is False
    at = at.toggle(key=f"share_with_reviewers_{coach.id}").set_value(True).run()
    assert "Reviewers now see “Career coaching”" in at.success[0].value
    assert services.projects.get(coach.slug).shared_with_reviewers is True
