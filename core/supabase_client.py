"""The one way ``core`` opens a supabase-py client: server-side, keeping no session (used by the Storage adapter
in ``core.storage.supabase_blobs`` and by sign-in in ``core.auth``). supabase-py is imported only when a client is
made."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import SecretStr

from core.errors import ConfigError

if TYPE_CHECKING:
    from supabase import Client

TIMEOUT_S = 60.0


def make_client(url: str, key: SecretStr) -> Client:
    """A supabase-py client that keeps no session (a server-side client must never pick up a user's token)."""
    if not url.startswith(("http://", "https://")):
        raise ConfigError(
            f"SUPABASE_URL '{url}' is not a web address.", hint="Use the project URL, e.g. https://xyz.supabase.co."
        )
    secret = key.get_secret_value().strip()
    if not secret:
        raise ConfigError("SUPABASE_KEY is empty.", hint="Set it to the project's service-role key.")
    import httpx
    from supabase import ClientOptions, create_client
    from supabase_auth import SyncMemoryStorage

    options = ClientOptions(
        auto_refresh_token=False,
        persist_session=False,
        storage=SyncMemoryStorage(),
        httpx_client=httpx.Client(timeout=TIMEOUT_S, follow_redirects=True),
    )
    return create_client(url, secret, options)
