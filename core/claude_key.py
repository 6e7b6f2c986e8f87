"""The Claude key inside the app: test it, save it, choose models, and check it before a batch runs.

The key is saved to ``.streamlit/secrets.toml`` (owner-only permissions) by ``core.settings.save_secrets``;
it is never returned, printed or logged. Pages pass the running app's services to ``refresh`` so a saved
key (or model) is used at once, without a restart.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from pydantic import SecretStr

from core.errors import LLMError, LLMUnavailableError, ValidationError
from core.models.statuses import Call
from core.settings import Settings, save_secrets

if TYPE_CHECKING:
    from core.llm.types import LLMReply
    from core.storage.ports import GenerationLogPort, Transactions


class ClaudeKeyUser(Protocol):
    """What the Claude key reaches in the running app (its ``Services`` has each): the settings in use, the call
    log a key test is written to, and the Claude client, dropped so it is built again with a new key."""

    @property
    def settings(self) -> Settings: ...

    @property
    def db(self) -> Transactions: ...

    @property
    def call_log(self) -> GenerationLogPort: ...

    def forget_llm(self) -> None: ...


CONSOLE_URL = "https://console.anthropic.com/settings/keys"
TEST_PROMPT = "Reply with one short friendly sentence saying you are ready to help."
#: How long a successful pre-flight check is trusted before a batch checks the key again.
PREFLIGHT_TTL_S = 600.0
#: Keys that worked lately (fingerprint -> when), in this process; a file under the data folder carries them to
#: the next command-line process (``batch create`` then ``batch run`` check the key once).
_checked: dict[str, float] = {}
CHECKS_FILE = "key-checks.json"
_lock = threading.Lock()


@dataclass(frozen=True)
class KeyTest:
    answer: str
    model: str
    cost_usd: float


@dataclass(frozen=True)
class ModelChoice:
    name: str
    retired_on: str | None
    retired: bool

    @property
    def label(self) -> str:
        if self.retired_on is None:
            return self.name
        return (
            f"{self.name} (retired {self.retired_on})" if self.retired else f"{self.name} (retires {self.retired_on})"
        )


def _eol_date(text: str) -> date | None:
    cleaned = re.sub(r"(\d+)(st|nd|rd|th)", r"\1", text)
    try:
        return datetime.strptime(cleaned, "%B %d, %Y").date()
    except ValueError:
        return None


def model_choices(today: date | None = None) -> list[ModelChoice]:
    """Every model the installed SDK knows, current ones first; retiring and retired ones marked."""
    from core.llm.claude import deprecated_models, known_models  # the SDK loads only when models are listed

    today = today or date.today()
    eol = deprecated_models()
    names = list(dict.fromkeys([*known_models(), *eol]))
    choices = []
    for name in names:
        when = eol.get(name)
        ends = _eol_date(when) if when else None
        choices.append(ModelChoice(name, when, retired=ends is not None and ends <= today))
    return sorted(choices, key=lambda c: (c.retired, c.retired_on is not None))


def current_model(family: str) -> str:
    """The newest model of ``family`` ("sonnet", "haiku") that the SDK lists and that is not retiring."""
    for choice in model_choices():
        if family in choice.name and choice.retired_on is None and not re.search(r"\d{8}$", choice.name):
            return choice.name
    raise LookupError(f"the installed SDK lists no current {family} model")


def key_source(settings: Settings) -> str | None:
    """Where the key in use comes from: "environment", "file" (secrets.toml), or None (no key)."""
    if not settings.has_claude_key:
        return None
    return "environment" if os.environ.get("ANTHROPIC_API_KEY", "").strip() else "file"


def check_key_format(key: str) -> str:
    key = key.strip()
    if not key:
        raise ValidationError("Paste your Claude key first.", hint=f"Keys are made at {CONSOLE_URL}.")
    if not key.startswith("sk-") or len(key) < 20 or re.search(r"\s", key):
        raise ValidationError(
            "This does not look like a Claude key: a key starts with “sk-ant-” and has no spaces.",
            hint=f"Copy it again from {CONSOLE_URL}.",
        )
    return key


def try_key(
    settings: Settings, key: str | None = None, *, model: str | None = None, svc: ClaudeKeyUser | None = None
) -> KeyTest:
    """One minimal real call with ``key`` (or the configured key): Claude's answer and what it cost."""
    if key is not None:
        key = check_key_format(key)
    elif not settings.has_claude_key or settings.anthropic_api_key is None:
        raise LLMUnavailableError("No Claude key is set yet.", hint="Paste one above, then test it.")
    else:
        key = settings.anthropic_api_key.get_secret_value().strip()
    from core.llm.claude import ClaudeClient
    from core.llm.pricing import cost_usd
    from core.llm.types import MessageRequest

    model = model or settings.model
    client = ClaudeClient(api_key=key, base_url=settings.anthropic_base_url or None, timeout_s=30.0, max_retries=1)
    request = MessageRequest(model=model, max_tokens=40, messages=[{"role": "user", "content": TEST_PROMPT}])
    try:
        reply = client.create_message(request)
    except LLMError as err:
        if err.code != "auth":
            raise
        raise LLMUnavailableError(
            "Claude did not accept this key.",
            hint=f"Check that you copied all of it, or make a new one at {CONSOLE_URL}.",
            code="auth",
        ) from err
    cost = cost_usd(reply.model or model, reply.usage, settings.prices_per_mtok)
    if svc is not None:
        _log(svc, reply, model, cost)
    _remember(settings, key)
    return KeyTest(answer=reply.text.strip()[:300], model=reply.model or model, cost_usd=cost)


def _log(svc: ClaudeKeyUser, reply: LLMReply, model: str, cost: float) -> None:
    from core.llm.calllog import call_log

    entry = call_log(reply=reply, model=model, purpose="key_test", cost_usd=cost, status=Call.SUCCESS)
    with svc.db.transaction() as conn:
        svc.call_log.insert(conn, entry)


def _fingerprint(settings: Settings, key: str) -> str:
    """The key and where it is sent (a key checked against one endpoint says nothing about another); a hash,
    so the key itself is never kept."""
    return hashlib.sha256(f"{settings.anthropic_base_url or ''}\n{key}".encode()).hexdigest()


def _checks_file(settings: Settings) -> Path:
    return settings.data_dir / CHECKS_FILE


def _remember(settings: Settings, key: str) -> None:
    now = time.time()
    with _lock:
        _checked[_fingerprint(settings, key)] = now
        fresh = {k: t for k, t in (_read_checks(settings) | _checked).items() if now - t < PREFLIGHT_TTL_S}
    try:
        path = _checks_file(settings)
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(fresh))
        partial.chmod(0o600)
        partial.replace(path)
    except OSError:  # a read-only data folder: the check is then trusted in this process only
        pass


def _read_checks(settings: Settings) -> dict[str, float]:
    try:
        data = json.loads(_checks_file(settings).read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.items() if isinstance(v, int | float)} if isinstance(data, dict) else {}


def _recently_checked(settings: Settings, key: str) -> bool:
    fingerprint = _fingerprint(settings, key)
    with _lock:
        seen = _checked.get(fingerprint)
    if seen is None:
        seen = _read_checks(settings).get(fingerprint)
    return seen is not None and 0 <= time.time() - seen < PREFLIGHT_TTL_S


def save_key(key: str) -> None:
    """Write the key to ``.streamlit/secrets.toml`` (owner-only), after checking it looks like one."""
    save_secrets({"ANTHROPIC_API_KEY": check_key_format(key)})


def save_models(model: str, judge_model: str) -> None:
    known = {c.name for c in model_choices()}
    for chosen in (model, judge_model):
        if chosen not in known:
            raise ValidationError(f"“{chosen}” is not a model this app knows.", hint="Pick one from the list.")
    save_secrets({"BRIGHTRUN_MODEL": model, "BRIGHTRUN_CHEAP_MODEL": judge_model})


def refresh(svc: ClaudeKeyUser, fresh: Settings) -> bool:
    """Use a newly saved key or model in the running app (no restart). True when something changed."""
    current = svc.settings
    old_key = current.anthropic_api_key.get_secret_value() if current.anthropic_api_key else None
    new_key = fresh.anthropic_api_key.get_secret_value() if fresh.anthropic_api_key else None
    changed = False
    if old_key != new_key:
        current.anthropic_api_key = SecretStr(new_key) if new_key is not None else None
        changed = True
    for name in ("anthropic_base_url", "model", "cheap_model"):
        if getattr(current, name) != getattr(fresh, name):
            setattr(current, name, getattr(fresh, name))
            changed = True
    if changed:
        svc.forget_llm()  # the Claude client is rebuilt with the new key on next use
    return changed


def require_key(settings: Settings) -> str:
    """The configured key, or ``LLMUnavailableError`` saying that nothing was started and where to add one."""
    if not settings.has_claude_key or settings.anthropic_api_key is None:
        raise LLMUnavailableError(
            "A batch needs a working Claude key, and none is set yet. Nothing was started.",
            hint="Add your key on the Settings page, test it, then come back.",
            terminal_hint="Set ANTHROPIC_API_KEY in the environment or in .streamlit/secrets.toml (or add it on the app's Settings page).",
            code="missing_api_key",
        )
    return settings.anthropic_api_key.get_secret_value().strip()


def preflight(settings: Settings) -> None:
    """Refuse to start batch work without a working key, saying how to fix it (checked at most every 10 min).
    The page and the command line (``batch create``, ``batch run``) both call this before anything starts."""
    key = require_key(settings)
    if _recently_checked(settings, key):
        return
    try:
        try_key(settings)
    except LLMError as err:
        raise LLMUnavailableError(
            f"The Claude key did not work, so nothing was started: {err.message}",
            hint="Check or replace the key on the Settings page.",
            terminal_hint="Check or replace ANTHROPIC_API_KEY (environment or .streamlit/secrets.toml).",
            code=err.code,
        ) from err
