"""The sign-in page, and pages acting as the signed-in user on Supabase (RLS on the real Postgres)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.models.base import new_id
from core.models.conversation import Conversation
from core.storage.database import Database
from tests.fakes.storage_server import FakeSupabaseServer

ROOT = Path(__file__).resolve().parents[2]
KEY = "service-role-test-key"


@pytest.fixture
def supabase_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSupabaseServer]:
    with FakeSupabaseServer(key=KEY) as server:
        monkeypatch.setenv("SUPABASE_URL", server.url)
        monkeypatch.setenv("SUPABASE_KEY", KEY)
        monkeypatch.setenv("SUPABASE_DB_URL", "postgresql://nobody@127.0.0.1:1/none")
        yield server


def page(name: str) -> AppTest:
    return AppTest.from_file(str(ROOT / "pages" / name), default_timeout=30)


def test_the_embedded_backend_has_no_sign_in() -> None:
    at = page("sign_in.py").run()
    assert not at.exception
    assert "no sign-in" in at.info[0].value
    assert not at.text_input


def test_signing_in_keeps_the_user_in_the_session(supabase_env: FakeSupabaseServer) -> None:
    user = supabase_env.state.add_user("ana@example.com", "pw", role="reviewer")
    at = page("sign_in.py").run()
    at.text_input(key="sign_in_email").input("ana@example.com")
    at.text_input(key="sign_in_password").input("pw")
    at.button(key="sign_in_submit").click().run()
    assert not at.exception and not at.error
    assert at.session_state["auth_user"] == {"id": user.id, "email": "ana@example.com", "role": "reviewer"}
    assert "Signed in as ana@example.com (reviewer)" in at.success[0].value


def test_a_wrong_password_shows_an_error_and_signs_nobody_in(supabase_env: FakeSupabaseServer) -> None:
    supabase_env.state.add_user("ana@example.com", "pw")
    at = page("sign_in.py").run()
    at.text_input(key="sign_in_email").input("ana@example.com")
    at.text_input(key="sign_in_password").input("wrong")
    at.button(key="sign_in_submit").click().run()
    assert "Wrong email or password" in at.error[0].value
    assert "auth_user" not in at.session_state


def test_sign_out_forgets_the_user_and_ends_the_session(supabase_env: FakeSupabaseServer) -> None:
    supabase_env.state.add_user("ana@example.com", "pw")
    at = page("sign_in.py").run()
    at.text_input(key="sign_in_email").input("ana@example.com")
    at.text_input(key="sign_in_password").input("pw")
    at.button(key="sign_in_submit").click().run()
    at.button(key="sign_in_sign_out").click().run()
    assert "auth_user" not in at.session_state
    assert len(supabase_env.state.signed_out) == 1


@pytest.mark.postgres
def test_a_page_on_supabase_counts_only_the_signed_in_users_rows(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner, other = new_id(), new_id()
    worker = Database(postgres_url)
    worker.conversations.add_many([Conversation(created_by=owner), Conversation(created_by=other)])
    worker.dispose()
    monkeypatch.setenv("SUPABASE_DB_URL", postgres_url)
    at = page("home.py")
    at.session_state["auth_user"] = {"id": owner, "email": "ana@example.com", "role": "user"}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.metric[0].value == "1"
