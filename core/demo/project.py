"""The demo as its own project ("Demo: a fee-only financial planner"): made by Home's demo button, filled by
``fill_demo`` inside it, deletable in one click, and never mixed with an expert's own work."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from core.demo import DemoLoadResult, DemoServices, fill_demo

if TYPE_CHECKING:
    from core.models.projects import Project
    from core.projects import ProjectService


class DemoProjects(Protocol):
    """The projects, and the demo's services inside one of them (the app's ``Services`` has both)."""

    @property
    def projects(self) -> ProjectService: ...

    def in_project(self, slug_or_id: str) -> DemoServices: ...


DEMO_PROJECT_NAME = "Demo: a fee-only financial planner"
DEMO_PROJECT_DESCRIPTION = (
    "Maya Lindqvist, a fee-only financial planner, with her clients, their emotional journeys and money topics, and 13 "
    "realistic conversations, already enriched, partly reviewed and exported."
)
DEMO_PROJECT_DOMAIN = "Financial planning"
DEMO_PROJECT_SLUG = "demo"


def demo_project(projects: ProjectService) -> Project | None:
    """The demo project, when there is one."""
    return next((p for p in projects.list() if p.is_demo), None)


def load_demo_project(services: DemoProjects, *, created_by: str | None = None) -> tuple[Project, DemoLoadResult]:
    """Make the demo project (once) and fill it (``fill_demo``: loading again adds nothing)."""
    project = demo_project(services.projects) or services.projects.create(
        DEMO_PROJECT_NAME,
        description=DEMO_PROJECT_DESCRIPTION,
        domain=DEMO_PROJECT_DOMAIN,
        is_demo=True,
        slug=DEMO_PROJECT_SLUG,
    )
    return project, fill_demo(services.in_project(project.id), created_by=created_by)
