"""Turns as bubbles, the intensity chart's rows, and the helpers of a turn edit."""

from __future__ import annotations

import pytest

from core.conversations.store import search_text
from core.errors import NotFoundError
from core.review.detail import turn_views
from core.review.revisions import find_turn

DATA = {
    "turns": [
        {
            "turn_number": 1,
            "role": "user",
            "content": "Hello",
            "emotional_context": {"primary_emotion": "fear", "intensity": 0.8},
        },
        {"turn_number": 2, "role": "assistant", "content": "Hi", "emotional_context": None},
        "not a turn",
    ]
}


def test_turn_views_keep_emotion_and_intensity_and_skip_malformed_turns() -> None:
    views = turn_views(DATA, edited={2})
    assert [(v.turn_number, v.emotion, v.intensity, v.edited) for v in views] == [
        (1, "fear", 0.8, False),
        (2, None, None, True),
    ]


def test_turn_views_of_a_missing_file_are_empty() -> None:
    assert turn_views(None) == []


def test_find_turn_by_number_and_a_missing_one_says_how_many_there_are() -> None:
    assert find_turn(DATA, 2)["content"] == "Hi"
    with pytest.raises(NotFoundError, match="has 2 turns"):
        find_turn(DATA, 5)


def test_search_text_is_the_lower_cased_text_of_every_turn() -> None:
    assert search_text(DATA["turns"]) == "hello\nhi"
