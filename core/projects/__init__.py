"""Projects: each expert's work in its own workspace (``ProjectService``; the demo project is made by
``core.demo.project.load_demo_project``)."""

from core.projects.service import ProjectService

__all__ = ["ProjectService"]
