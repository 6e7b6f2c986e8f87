from core.models import status_labels
from core.models.status_labels import status_badge, status_label, status_text
from core.models.statuses import VOCABULARIES as ALL_VOCABULARIES

#: The vocabularies people see: every one but an enrichment run's outcome (the Enrich page words it in a sentence).
VOCABULARIES = {field: values for field, values in ALL_VOCABULARIES.items() if field in status_labels.LABELS}


def test_every_status_value_has_plain_words_without_underscores() -> None:
    for field, values in VOCABULARIES.items():
        for value in values:
            label = status_labels.LABELS[field][value]  # type: ignore[index]
            assert "_" not in label.text, (field, value)
            assert label.text[0].isupper(), (field, value)


def test_labels_cover_exactly_the_vocabularies() -> None:
    for field, values in VOCABULARIES.items():
        assert set(values) <= set(status_labels.LABELS[field])  # type: ignore[index]


def test_review_labels_follow_the_ux_vocabulary() -> None:
    assert status_label("review", "pending_review") == ("Waiting for review", "orange")
    assert status_label("review", "needs_revision").text == "Needs another pass"
    assert status_badge("review", "approved") == ":green-badge[Approved]"


def test_unknown_and_missing_values_still_read_as_words() -> None:
    assert status_text("review", "some_new_state") == "Some new state"
    assert status_text("enrichment", None) == "—"
