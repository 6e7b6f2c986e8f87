"""Training presets in plain words, and the Advanced values: each checked and explained. Defined once here.

A preset is a set of numbers a person need not understand: how many passes over the data (epochs), how fast
the model changes (learning rate), how much it can change (LoRA rank and alpha), and how many conversations it
reads at once (batch size). The Advanced section lets a person change each, within the limits below.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from core.errors import ValidationError as BrightRunValidationError
from core.models.training_jobs import PresetName


class Hyperparameters(BaseModel):
    """The values a trainer gets. Limits are the sensible range for a LoRA on a small dataset."""

    model_config = ConfigDict(extra="forbid")

    epochs: int = Field(ge=1, le=20, description="Passes over the training conversations.")
    learning_rate: float = Field(gt=0, le=0.01, description="How fast the model changes at each step.")
    lora_rank: int = Field(ge=1, le=256, description="How much the adapter can change (its size).")
    lora_alpha: int = Field(ge=1, le=512, description="How strongly the adapter's change is applied.")
    batch_size: int = Field(ge=1, le=64, description="Conversations read together before each change.")
    lora_dropout: float = Field(default=0.05, ge=0, le=0.5, description="A little noise that prevents rote learning.")
    max_steps: int | None = Field(default=None, ge=1, description="Stop after this many steps (a quick check).")


class Preset(BaseModel):
    key: PresetName
    title: str
    description: str
    values: Hyperparameters


PRESETS: dict[str, Preset] = {
    "quick": Preset(
        key="quick",
        title="Quick try",
        description="One pass with a small adapter: minutes, to see that everything works.",
        values=Hyperparameters(epochs=1, learning_rate=2e-4, lora_rank=8, lora_alpha=16, batch_size=4),
    ),
    "standard": Preset(
        key="standard",
        title="Standard",
        description="Three passes: the usual choice for a first real model.",
        values=Hyperparameters(epochs=3, learning_rate=1e-4, lora_rank=16, lora_alpha=32, batch_size=8),
    ),
    "thorough": Preset(
        key="thorough",
        title="Thorough",
        description="Five gentler passes with a larger adapter: slower and dearer, for a larger dataset.",
        values=Hyperparameters(epochs=5, learning_rate=5e-5, lora_rank=32, lora_alpha=64, batch_size=8),
    ),
}

#: Plain explanations of each Advanced value, for the page and the CLI.
EXPLAINED: dict[str, str] = {
    name: str(field.description) for name, field in Hyperparameters.model_fields.items() if field.description
}
#: The words people see for each value.
TITLES: dict[str, str] = {
    "epochs": "Passes over the data",
    "learning_rate": "Learning rate",
    "lora_rank": "Adapter size (rank)",
    "lora_alpha": "Adapter strength (alpha)",
    "batch_size": "Batch size",
    "lora_dropout": "Dropout",
    "max_steps": "Stop after steps",
}


def preset(key: str) -> Preset:
    found = PRESETS.get(key)
    if found is None:
        raise BrightRunValidationError(
            f"There is no preset '{key}'.",
            hint="Choose Quick try, Standard or Thorough.",
            terminal_hint=f"Use --preset {' | '.join(PRESETS)}.",
        )
    return found


def hyperparameters(key: str, overrides: dict[str, Any] | None = None) -> Hyperparameters:
    """The preset's values with any Advanced changes, each checked; a bad value says which and why."""
    values = preset(key).values.model_dump() | {k: v for k, v in (overrides or {}).items() if v is not None}
    try:
        return Hyperparameters.model_validate(values)
    except ValidationError as err:
        first = err.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "a value"
        raise BrightRunValidationError(
            f"{TITLES.get(name, name)}: {first['msg'].lower()}.",
            hint=EXPLAINED.get(name),
        ) from err


def title(key: str) -> str:
    """A preset's words; ``custom`` is a preset whose Advanced values were changed."""
    return PRESETS[key].title if key in PRESETS else "Custom"


def preset_name(key: str, overrides: dict[str, Any] | None) -> PresetName:
    """``custom`` when the Advanced values change anything but ``max_steps``, else the preset's key."""
    base = preset(key).values.model_dump()
    changed = {k for k, v in (overrides or {}).items() if v is not None and k != "max_steps" and base.get(k) != v}
    return "custom" if changed else preset(key).key
