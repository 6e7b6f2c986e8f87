"""Unique ids within a file: stable per pair, the conversation's tag added, memory flat."""

from __future__ import annotations

from core.export.ids import UniqueIds, jsonl_id, unique_pair


def test_an_id_not_naming_its_conversation_gets_its_tag_and_keeps_the_original() -> None:
    ids = UniqueIds()
    renamed = unique_pair({"id": "x_turn1", "turn_number": 1}, ids, "aaaaaaaa-1")
    assert list(renamed) == ["id", "original_id", "turn_number"]
    assert (renamed["id"], renamed["original_id"]) == ("x_turn1_aaaaaaaa", "x_turn1")


def test_an_id_our_enrichment_wrote_is_kept_as_it_is() -> None:
    pair = {"id": "aaaaaaaa-1_turn2"}
    assert unique_pair(pair, UniqueIds(), "aaaaaaaa-1") is pair


def test_an_already_tagged_id_is_not_tagged_twice() -> None:
    pair = {"id": "x_turn1_aaaaaaaa", "original_id": "x_turn1"}
    assert unique_pair(pair, UniqueIds(), "aaaaaaaa-1") is pair


def test_two_conversations_sharing_8_characters_get_distinct_tags() -> None:
    ids = UniqueIds()
    assert ids.tag("aaaaaaaa-1") == "aaaaaaaa" and ids.tag("aaaaaaaa-2") == "aaaaaaaa-2"
    assert ids.tag("aaaaaaaa-1") == "aaaaaaaa"


def test_a_conversation_repeating_an_id_gets_a_counter() -> None:
    ids = UniqueIds()
    first = unique_pair({"id": "same"}, ids, "cccccccc-1")["id"]
    second = unique_pair({"id": "same"}, ids, "cccccccc-1")["id"]
    assert (first, second) == ("same_cccccccc", "same_cccccccc_2")
    lines = UniqueIds()
    assert jsonl_id({"id": "same"}, lines, "cccccccc-1") == ("same_cccccccc", None)
    assert jsonl_id({"id": "same"}, lines, "cccccccc-1") == ("same_cccccccc_2", "same")


def test_memory_holds_one_tag_per_conversation_and_one_conversations_ids() -> None:
    ids = UniqueIds()
    for n in range(1000):
        cid = f"{n:08d}-0000-4000-8000-000000000000"
        for turn in range(5):
            unique_pair({"id": f"x_turn{turn}"}, ids, cid)
    assert len(ids.tags) == 1000 and len(ids.scoped) == 5
