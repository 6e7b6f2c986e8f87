"""Is the configured model one the SDK knows, and is it still supported? Messages, never crashes."""

from __future__ import annotations

from core.llm.claude import deprecated_models, known_models


def model_warning(model: str) -> str | None:
    """A message to show when ``model`` is deprecated or unknown to the installed SDK, else ``None``."""
    retiring = deprecated_models().get(model)
    if retiring:
        return (
            f"The model '{model}' is deprecated and reaches end of life on {retiring}. "
            "Set BRIGHTRUN_MODEL to a current model, such as claude-sonnet-5-5."
        )
    if model not in known_models():
        return (
            f"The model '{model}' is not one the installed anthropic SDK lists; requests may be refused. "
            "Check the spelling, or set BRIGHTRUN_MODEL to a listed model such as claude-sonnet-5-5."
        )
    return None
