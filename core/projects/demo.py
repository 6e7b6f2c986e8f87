"""The demo project: "Demo: a fee-only financial planner", made and filled in one step, deleted in one click.

``load_demo_project`` (Home's button) finds the demo project or makes it, then fills it with the demo dataset
(``core.demo.fill_demo``: scaffolding, conversations taken through enrichment and review, a finished batch
job, a training file). Running it again adds nothing. ``python -m core demo load`` fills the current project
instead, so a script can put the demo wherever it likes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from core.models.projects import Project

if TYPE_CHECKING:
    from core.bootstrap import Services
    from core.demo import DemoLoadResult

DEMO_PROJECT_NAME = "Demo: a fee-only financial planner"
DEMO_PROJECT_SLUG = "demo"
DEMO_PROJECT_DESCRIPTION = (
    "A fee-only financial planner who helps families with money decisions: how the app looks once an "
    "expert's clients, emotional journeys, topics, conversations, reviews and a training file are in place."
)
DEMO_PROJECT_DOMAIN = "financial planning"


def demo_project(services: Services) -> Project | None:
    """The demo project, when there is one."""
    return next((p for p in services.projects.list() if p.is_demo), None)


def load_demo_project(services: Services) -> Project:
    """Find or make the demo project and fill it with the demo dataset (safe to run twice)."""
    project, _ = load_demo_project_with_result(services)
    return project


def load_demo_project_with_result(services: Services) -> tuple[Project, DemoLoadResult]:
    """As ``load_demo_project``, with what loading added (for a summary)."""
    from core.demo import fill_demo  # the demo loads generation: only loading it needs that

    project = demo_project(services) or services.projects.create(
        DEMO_PROJECT_NAME,
        description=DEMO_PROJECT_DESCRIPTION,
        domain=DEMO_PROJECT_DOMAIN,
        is_demo=True,
        slug=DEMO_PROJECT_SLUG,
    )
    result = fill_demo(services.in_project(project.id))
    return project, result
