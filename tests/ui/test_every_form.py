"""Every form of the app, submitted empty and with one bad value, answers in plain words, never with an
exception (issue 16: "no raw exception ever reaches a page").

Forms are found, not listed: every form's submit button on every page, plus the few buttons outside a form
that submit typed text. With the demo loaded, so pages show their forms rather than an empty state.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.bootstrap import Services
from core.demo import fill_demo

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_") and p.name != "sign_in.py")
#: Buttons outside a ``st.form`` that send what was typed next to them.
TYPED_SUBMITS = {"reviewer_name_continue", "spec_split", "merge_build", "grade_save", "decision_submit", "jobs_create"}
#: What a page needs in the session to show all its forms: Review asks for a name only once a visitor decides.
STATE: dict[str, dict[str, object]] = {"review.py": {"asking_name": True}}
BAD_TEXT = "x" * 300 + " {{ no_such_variable }}"
RAW = ("Traceback", "pydantic", "PydanticUndefined", "String should", "Field required", "validation error for")


def _open(page: str, state: dict[str, object]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    return at.run().switch_page(f"pages/{page}").run()


def _submits(at: AppTest) -> list[str]:
    """A label for every submit button on the page (form submit buttons, and the typed-text ones)."""
    found = []
    for button in at.button:
        if button.proto.is_form_submitter or button.key in TYPED_SUBMITS:
            found.append(button.key or f"{button.proto.form_id}:{button.label}")
    return found


def _click(at: AppTest, ident: str, *, bad: bool) -> AppTest:
    button = next(b for b in at.button if (b.key or f"{b.proto.form_id}:{b.label}") == ident)
    form = button.proto.form_id
    if bad:
        for box in [*at.text_input, *at.text_area]:
            if box.proto.form_id == form and not box.disabled:
                box.set_value(BAD_TEXT)
    return button.click().run()


def _assert_plain(at: AppTest, what: str) -> None:
    assert not at.exception, (what, [e.value for e in at.exception])
    for message in [*at.error, *at.warning]:
        assert not any(raw in str(message.value) for raw in RAW), (what, message.value)


@pytest.mark.parametrize("page", PAGES)
def test_every_form_on_the_page_answers_empty_and_bad_input_in_plain_words(page: str, services: Services) -> None:
    fill_demo(services)
    first = services.db.conversations.list(limit=1)[0].conversation_id
    state = {"review_open_id": first} if page == "conversation.py" else dict(STATE.get(page, {}))
    submits = _submits(_open(page, state))
    for ident in submits:
        for bad in (False, True):
            at = _open(page, state)
            _assert_plain(_click(at, ident, bad=bad), f"{page} {ident} {'bad' if bad else 'empty'}")


def test_the_forms_checked_include_every_form_of_the_app(services: Services) -> None:
    fill_demo(services)
    found = {
        page: _submits(_open(page, dict(STATE.get(page, {}))))
        for page in ("scaffolding.py", "export.py", "settings.py", "review.py")
    }
    # Scaffolding: a form per kind, and the clients' custom fields (add one, edit one). Settings: the Claude key
    # (test, save), the models, the Together key (test, save).
    assert len(found["scaffolding.py"]) == 7 and len(found["settings.py"]) == 5
    assert any(s.endswith("-Create") for s in found["export.py"]) and "reviewer_name_continue" in found["review.py"]


def test_an_empty_training_file_name_is_answered_in_plain_words(services: Services) -> None:
    fill_demo(services)
    at = _open("export.py", {})
    ident = next(s for s in _submits(at) if s.endswith("-Create"))
    at = _click(at, ident, bad=False)
    assert not at.exception and "Give the training file a name." in " ".join(e.value for e in at.error)


def test_sign_in_with_nothing_typed_is_answered_in_plain_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPABASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("SUPABASE_KEY", "not-a-real-key")
    monkeypatch.setenv("SUPABASE_DB_URL", "postgresql://nobody@127.0.0.1:9/none")
    at = AppTest.from_file(str(ROOT / "pages" / "sign_in.py"), default_timeout=60).run()
    at = at.button(key="sign_in_submit").click().run()
    _assert_plain(at, "sign in empty")
    assert at.error
