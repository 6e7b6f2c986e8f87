"""Pydantic's errors become plain sentences a person can act on."""

from __future__ import annotations

import pydantic
import pytest
from pydantic import BaseModel, Field

from core.validation import plain_problems, user_error


class _Form(BaseModel):
    name: str = Field(min_length=1, max_length=5)
    count: int = Field(default=1, ge=1, le=10)
    share: float = 0.5


def _problems(**data: object) -> list[str]:
    with pytest.raises(pydantic.ValidationError) as info:
        _Form.model_validate(data)
    return plain_problems(info.value)


def test_empty_missing_long_and_out_of_range_values_are_plain_sentences() -> None:
    assert _problems(name="") == ["Name: this is empty. Fill it in."]
    assert _problems() == ["Name: this is empty. Fill it in."]
    assert _problems(name="abcdefg") == ["Name: too long (at most 5 characters)."]
    assert _problems(name="a", count=0) == ["Count: must be at least 1."]
    assert _problems(name="a", count="many") == ["Count: must be a whole number."]
    assert _problems(name="a", share="half") == ["Share: must be a number."]


def test_the_project_error_names_what_to_check() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        _Form.model_validate({"name": ""})
    err = user_error(info.value, "training file")
    assert err.user_message == "Please check the training file:\n- Name: this is empty. Fill it in."
