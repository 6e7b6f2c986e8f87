"""Sign-in through supabase-py against the loopback stand-in of Supabase Auth, and user-scoped services."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from core.auth import AuthUser, SupabaseAuth
from core.bootstrap import Services, user_services
from core.errors import AuthError, ConfigError, ValidationError
from core.settings import Settings
from tests.fakes.storage_server import FakeSupabaseServer

KEY = "service-role-test-key"


@pytest.fixture
def server() -> Iterator[FakeSupabaseServer]:
    with FakeSupabaseServer(key=KEY) as running:
        running.state.add_user("ana@example.com", "right-password")
        running.state.add_user("rev@example.com", "rev-password", role="reviewer")
        yield running


@pytest.fixture
def auth(server: FakeSupabaseServer) -> SupabaseAuth:
    return SupabaseAuth(server.url, SecretStr(KEY))


def test_sign_in_returns_the_user_and_keeps_tokens_secret(auth: SupabaseAuth, server: FakeSupabaseServer) -> None:
    session = auth.sign_in(" ana@example.com ", "right-password")
    assert session.user == AuthUser(id=server.state.users["ana@example.com"].id, email="ana@example.com", role="user")
    assert session.access_token.get_secret_value().startswith("access-")
    assert "access-" not in repr(session)


def test_the_reviewer_role_comes_from_app_metadata(auth: SupabaseAuth) -> None:
    assert auth.sign_in("rev@example.com", "rev-password").user.role == "reviewer"


def test_a_wrong_password_says_so(auth: SupabaseAuth) -> None:
    with pytest.raises(AuthError, match="Wrong email or password"):
        auth.sign_in("ana@example.com", "nope")


def test_empty_credentials_are_refused_before_any_request(auth: SupabaseAuth, server: FakeSupabaseServer) -> None:
    with pytest.raises(ValidationError, match="email and your password"):
        auth.sign_in("  ", "")
    assert server.state.requests == []


def test_an_unreachable_auth_server_is_an_auth_error_with_the_url() -> None:
    with pytest.raises(AuthError, match=r"http://127.0.0.1:9 could not be reached"):
        SupabaseAuth("http://127.0.0.1:9", SecretStr(KEY)).sign_in("ana@example.com", "x")


def test_sign_out_ends_the_session_at_supabase(auth: SupabaseAuth, server: FakeSupabaseServer) -> None:
    session = auth.sign_in("ana@example.com", "right-password")
    auth.sign_out(session)
    assert server.state.signed_out == [session.access_token.get_secret_value()]


def test_sign_in_without_supabase_settings_is_a_config_error(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="not configured") as caught:
        SupabaseAuth.from_settings(settings)
    assert "SUPABASE_URL" in caught.value.terminal_message  # the command line names the settings
    assert "SUPABASE_URL" not in caught.value.user_message


def test_user_services_on_sqlite_use_the_same_database(services: Services) -> None:
    scoped = user_services(services, AuthUser(id="u1", email="a@example.com"))
    assert scoped.db is services.db
    assert scoped is not services and scoped.blobs is services.blobs
