"""Issue 23: which literal escapes are clearly written twice (and un-escaped on import), and which are left."""

from __future__ import annotations

import pytest

from core.importer.escapes import fix_pairs, has_literal_escape, unescape


@pytest.mark.parametrize(
    ("text", "fixed"),
    [
        ("First.\\n\\nSecond.", "First.\n\nSecond."),
        ("Done.\\nNext step: call them.", "Done.\nNext step: call them."),
        ('He said \\"wait\\" and left.', 'He said "wait" and left.'),
        (
            'Lists:\\n- one\\n- two with a \\\\ slash and a \\"quote\\"',
            'Lists:\n- one\n- two with a \\ slash and a "quote"',
        ),
    ],
)
def test_clear_double_escaping_is_undone(text: str, fixed: str) -> None:
    assert unescape(text) == fixed and not has_literal_escape(fixed.replace("\\", ""))


@pytest.mark.parametrize(
    "text",
    [
        "Save it in C:\\new\\files.",  # a path, not a line break
        'the fear of making the \\"',  # a reply cut off right after an escape: the truncation mark stays
        "A plain answer with no escape at all.",
    ],
)
def test_unclear_text_is_left_as_it_is(text: str) -> None:
    assert unescape(text) == text


def test_pairs_are_fixed_in_every_message_field_and_their_history() -> None:
    pairs = [
        {
            "current_user_input": "Hi.\\n\\nMe again.",
            "target_response": "Hello.\\n\\nWelcome.",
            "conversation_history": [{"role": "user", "content": "Hi.\\n\\nMe again."}],
            "id": "keep\\n\\nids",
        }
    ]
    assert fix_pairs(pairs) == 3
    assert pairs[0]["conversation_history"][0]["content"] == "Hi.\n\nMe again."
    assert pairs[0]["id"] == "keep\\n\\nids"  # not a message
