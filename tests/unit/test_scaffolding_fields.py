"""Scaffolding for people: blank "New" values, keys made from names, plain field words, renamed keys."""

from __future__ import annotations

import pytest
from pydantic_core import PydanticUndefined

from core.bootstrap import Services
from core.errors import ValidationError
from core.scaffolding.fields import FIELD_TEXT, blank_value, derive_key, editable_fields
from core.scaffolding.service import KIND_INFO, KINDS, Kind


@pytest.mark.parametrize("kind", KINDS)
def test_a_new_record_starts_blank_never_with_a_sentinel(kind: Kind) -> None:
    values = {name: blank_value(field) for name, field in editable_fields(KIND_INFO[kind].model).items()}
    assert PydanticUndefined not in values.values()
    assert values.get("name", values.get("template_name")) is None


@pytest.mark.parametrize("kind", KINDS)
def test_every_editable_field_has_a_label_and_help_in_plain_words(kind: Kind) -> None:
    missing = [n for n in editable_fields(KIND_INFO[kind].model) if n not in FIELD_TEXT or not FIELD_TEXT[n].help]
    assert missing == []


def test_keys_are_made_from_names_and_kept_unique() -> None:
    assert derive_key("Evelyn Park (widow)") == "evelyn_park_widow"
    assert derive_key("Café & Crème") == "cafe_creme"
    assert derive_key("401k rollover") == "k_401k_rollover"
    assert derive_key("!!!") == "item"
    assert derive_key("Evelyn Park", taken={"evelyn_park", "evelyn_park_2"}) == "evelyn_park_3"


PERSONA = {"name": "Evelyn Park", "archetype": "The recent widow"}


def test_saving_without_a_key_makes_one_from_the_name(services: Services) -> None:
    first = services.scaffolding.save("personas", {**PERSONA, "persona_key": ""})
    second = services.scaffolding.save("personas", PERSONA)
    assert (first.persona_key, second.persona_key) == ("evelyn_park", "evelyn_park_2")


def test_an_empty_name_is_refused_in_plain_words(services: Services) -> None:
    with pytest.raises(ValidationError) as info:
        services.scaffolding.save("personas", {"name": "", "archetype": ""})
    assert info.value.problems == ["Name: this is empty. Fill it in.", "Who they are: this is empty. Fill it in."]
    assert "PydanticUndefined" not in info.value.user_message and "String should" not in info.value.user_message


def test_renaming_a_key_updates_the_scaffolding_that_lists_it(services: Services) -> None:
    persona = services.scaffolding.save("personas", PERSONA)
    arc = services.scaffolding.save(
        "arcs",
        {
            "name": "Grief to hope",
            "starting_emotion": "grief",
            "ending_emotion": "hope",
            "suitable_personas": [persona.persona_key],
        },
    )
    services.scaffolding.save("personas", {**persona.model_dump(), "persona_key": "widow"})
    assert services.scaffolding.get("arcs", arc.arc_key).suitable_personas == ["widow"]
