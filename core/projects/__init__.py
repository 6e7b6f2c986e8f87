"""Projects: each expert's work in its own workspace (``ProjectService``) and the demo project."""

from core.projects.service import ProjectService

__all__ = ["ProjectService"]
