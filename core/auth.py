"""Sign-in with Supabase Auth (email + password), and services that act as the signed-in user.

Only used on the Supabase backend; the embedded backend has no sign-in. The app keeps the user's identity
(id, email, role) in the browser session; every database transaction of a user action then runs with that
user's claims and the ``authenticated`` role (``core.bootstrap.auth.user_services``), so row-level security applies. The
role ``reviewer`` comes from ``app_metadata.role``, which only the service role can set (users can edit
their ``user_metadata``, so it is never trusted). Tokens are ``SecretStr`` and never logged.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, SecretStr

from core.errors import ADMIN_ADVICE, AuthError, ConfigError, ValidationError
from core.settings import Settings

Role = Literal["user", "reviewer"]


class AuthUser(BaseModel):
    """Who is signed in. ``model_dump()`` is what pages keep in ``st.session_state["auth_user"]``."""

    id: str
    email: str | None = None
    role: Role = "user"


class AuthSession(BaseModel):
    user: AuthUser
    access_token: SecretStr
    refresh_token: SecretStr


class SupabaseAuth:
    """Password sign-in and sign-out against the project's Supabase Auth."""

    def __init__(self, url: str, key: SecretStr) -> None:
        self.url = url.rstrip("/")
        self._key = key

    @classmethod
    def from_settings(cls, settings: Settings) -> SupabaseAuth:
        if not (settings.supabase_url and settings.supabase_key):
            raise ConfigError(
                "Sign-in needs Supabase Auth, which is not configured.",
                hint="Whoever runs the app needs to set up Supabase sign-in.",
                terminal_hint="Set SUPABASE_URL and SUPABASE_KEY (see the README section 'Supabase backend').",
            )
        return cls(settings.supabase_url, settings.supabase_key)

    def sign_in(self, email: str, password: str) -> AuthSession:
        """Check the credentials with Supabase Auth; a fresh client per call so sessions never mix."""
        if not email.strip() or not password:
            raise ValidationError("Enter your email and your password.")
        from supabase_auth.errors import AuthError as SupabaseAuthError  # supabase-py loads only when used

        from core.supabase_client import make_client

        client = make_client(self.url, self._key)
        try:
            reply = client.auth.sign_in_with_password({"email": email.strip(), "password": password})
        except SupabaseAuthError as err:
            raise self._error(err, "sign you in") from err
        if reply.session is None or reply.user is None:
            raise AuthError("Supabase Auth did not open a session.", hint="Confirm your email address, then retry.")
        role: Role = "reviewer" if (reply.user.app_metadata or {}).get("role") == "reviewer" else "user"
        return AuthSession(
            user=AuthUser(id=reply.user.id, email=reply.user.email, role=role),
            access_token=SecretStr(reply.session.access_token),
            refresh_token=SecretStr(reply.session.refresh_token),
        )

    def sign_out(self, session: AuthSession) -> None:
        """End this session at Supabase (its refresh token stops working); an already-ended one is fine."""
        from supabase_auth.errors import AuthApiError
        from supabase_auth.errors import AuthError as SupabaseAuthError

        from core.supabase_client import make_client

        client = make_client(self.url, self._key)
        try:
            client.auth.admin.sign_out(session.access_token.get_secret_value(), "local")
        except AuthApiError as err:
            if err.status not in (401, 403, 404):
                raise self._error(err, "sign you out") from err
        except SupabaseAuthError as err:
            raise self._error(err, "sign you out") from err

    def _error(self, err: Exception, what: str) -> AuthError:
        from supabase_auth.errors import AuthRetryableError

        if isinstance(err, AuthRetryableError):
            return AuthError(
                f"Supabase Auth at {self.url} could not be reached to {what}.",
                hint="Try again in a moment. " + ADMIN_ADVICE,
                terminal_hint="Check SUPABASE_URL and retry.",
            )
        code = getattr(err, "code", None)
        if code == "invalid_credentials":
            return AuthError("Wrong email or password.", hint="Check both and try again.")
        if code == "email_not_confirmed":
            return AuthError("Your email address is not confirmed yet.", hint="Open the link Supabase emailed you.")
        return AuthError(f"Supabase Auth could not {what}: {getattr(err, 'message', err)}.")
