"""Projects: each expert's work in its own workspace (``ProjectService``) and the demo project (``load_demo_project``,
imported from ``core.projects.demo`` so listing projects does not load the demo)."""

from core.projects.service import ProjectService

__all__ = ["ProjectService"]
