"""Pairs -> messages: every turn once, in order, with weights from per-turn ratings."""

from __future__ import annotations

from core.export.messages import conversation_example, loss_weights, turn_examples, turns_from_pairs
from core.export.selection import ExportItem


def test_no_message_is_duplicated_unlike_the_earlier_conversion(reference_items: list[ExportItem]) -> None:
    item = reference_items[0]
    example = conversation_example(item.row.conversation_id, item.pairs)
    assert example is not None
    contents = [m.content for m in example.chat()]
    assert len(contents) == len(set(contents))
    assert [m.role for m in example.messages] == ["user", "assistant", "user", "assistant"]


def test_trailing_user_turn_without_an_answer_is_left_out(reference_items: list[ExportItem]) -> None:
    pairs = reference_items[0].pairs
    assert pairs[-1]["target_response"] is None
    example = conversation_example("c", pairs)
    assert example is not None and example.messages[-1].role == "assistant"
    assert example.messages[-1].content == pairs[-2]["target_response"].strip()


def test_per_turn_examples_end_at_each_assistant_turn_with_earlier_turns_as_context(
    reference_items: list[ExportItem],
) -> None:
    pairs = reference_items[0].pairs
    examples = turn_examples("c", pairs)
    assert [e.target_turn for e in examples] == [2, 4]
    assert [len(e.messages) for e in examples] == [2, 4]
    assert examples[1].weights == {1: 0, 3: 1}  # the earlier answer is context, not trained again


def test_assistant_only_pairs_still_give_the_user_turn_once(reference_items: list[ExportItem]) -> None:
    pairs = [p for p in reference_items[0].pairs if p["target_response"] is not None]
    roles = [m.role for m in turns_from_pairs(pairs)]
    assert roles == ["user", "assistant", "user", "assistant"]


def test_ratings_become_loss_weights_good_one_others_zero() -> None:
    assert loss_weights({2: "good", 4: "needs_work", 6: "bad"}) == {2: 1, 4: 0, 6: 0}


def test_a_rated_turn_gets_its_weight_in_a_whole_conversation_example(reference_items: list[ExportItem]) -> None:
    example = conversation_example("c", reference_items[0].pairs, {4: "bad"})
    assert example is not None
    assert example.weights == {3: 0}
    unrated = conversation_example("c", reference_items[0].pairs)
    assert unrated is not None and unrated.weights == {}
