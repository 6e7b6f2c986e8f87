"""One typed settings object for the whole app.

Values come from, highest priority first: keyword arguments, environment variables,
``.streamlit/secrets.toml`` (flat keys, so the same file serves Streamlit and the CLI), then defaults.
Keys are ``SecretStr`` and are unwrapped only inside the adapter that uses them.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"

#: Price per million tokens (input, output) by model family; batch API is half price.
DEFAULT_PRICES: dict[str, tuple[float, float]] = {
    "opus": (15.0, 75.0),
    "sonnet": (3.0, 15.0),
    "haiku": (1.0, 5.0),
}


def secrets_file() -> Path:
    """``.streamlit/secrets.toml`` of the project (``BRIGHTRUN_SECRETS_FILE`` points elsewhere, for tests)."""
    return Path(os.environ.get("BRIGHTRUN_SECRETS_FILE") or SECRETS_FILE)


class _SecretsTomlSource(PydanticBaseSettingsSource):
    """Reads flat ``KEY = "value"`` pairs from ``.streamlit/secrets.toml`` when it exists."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path) -> None:
        super().__init__(settings_cls)
        self._values: dict[str, Any] = {}
        if path.is_file():
            with path.open("rb") as handle:
                raw = tomllib.load(handle)
            self._values = {k.lower(): v for k, v in raw.items() if not isinstance(v, dict)}

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for name, field in self.settings_cls.model_fields.items():
            aliases = [name]
            if isinstance(field.validation_alias, AliasChoices):
                aliases += [str(a).lower() for a in field.validation_alias.choices]
            for alias in aliases:
                if alias in self._values:
                    found[name] = self._values[alias]
                    break
        return found


class Settings(BaseSettings):
    """Everything configurable. Environment variable names are the field names in upper case."""

    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    # Where the embedded backend keeps its SQLite file and blob buckets.
    data_dir: Path = Field(
        default=PROJECT_ROOT / "data",
        validation_alias=AliasChoices("data_dir", "BRIGHTRUN_DATA_DIR"),
    )

    # The project commands and pages work in (its slug); without one, the first project.
    project: str = Field(default="default", validation_alias=AliasChoices("project", "BRIGHTRUN_PROJECT"))

    # Claude (the SDK reads ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL itself; we mirror them to report state).
    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = None
    model: str = Field(default="claude-sonnet-5-5", validation_alias=AliasChoices("model", "BRIGHTRUN_MODEL"))
    cheap_model: str = Field(
        default="claude-haiku-5-5", validation_alias=AliasChoices("cheap_model", "BRIGHTRUN_CHEAP_MODEL")
    )
    max_tokens: int = Field(default=16000, ge=100, validation_alias=AliasChoices("max_tokens", "BRIGHTRUN_MAX_TOKENS"))
    request_timeout_s: float = Field(
        default=180.0, gt=0, validation_alias=AliasChoices("request_timeout_s", "BRIGHTRUN_REQUEST_TIMEOUT_S")
    )
    max_retries: int = Field(default=3, ge=0, validation_alias=AliasChoices("max_retries", "BRIGHTRUN_MAX_RETRIES"))
    # Enrich a conversation as soon as the Generate page (or Regenerate) stores it.
    enrich_after_generate: bool = Field(
        default=True, validation_alias=AliasChoices("enrich_after_generate", "BRIGHTRUN_ENRICH_AFTER_GENERATE")
    )
    prices_per_mtok: dict[str, tuple[float, float]] = Field(default_factory=lambda: dict(DEFAULT_PRICES))

    # Together (hosted LoRA fine-tuning). The SDK reads TOGETHER_API_KEY / TOGETHER_BASE_URL too.
    together_api_key: SecretStr | None = None
    together_base_url: str | None = None

    # Supabase (production backend).
    supabase_url: str | None = None
    supabase_key: SecretStr | None = None
    supabase_db_url: SecretStr | None = None

    # Uploads larger than this are refused with a message, before parsing.
    max_upload_bytes: int = Field(
        default=20 * 1024 * 1024, validation_alias=AliasChoices("max_upload_bytes", "BRIGHTRUN_MAX_UPLOAD_BYTES")
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _SecretsTomlSource(settings_cls, secrets_file()))

    @property
    def backend(self) -> Literal["embedded", "supabase"]:
        return "supabase" if self.supabase_db_url else "embedded"

    @property
    def has_together_key(self) -> bool:
        return bool(self.together_api_key and self.together_api_key.get_secret_value().strip())

    @property
    def has_claude_key(self) -> bool:
        return bool(self.anthropic_api_key and self.anthropic_api_key.get_secret_value().strip())

    @property
    def database_url(self) -> str:
        """SQLAlchemy URL of the tables: Supabase Postgres when configured, else SQLite under data_dir."""
        if self.supabase_db_url:
            return normalize_postgres_url(self.supabase_db_url.get_secret_value())
        return f"sqlite:///{self.data_dir / 'brightrun.sqlite3'}"

    @property
    def buckets_dir(self) -> Path:
        return self.data_dir / "buckets"


def folder_under_data(settings: Settings, folder: str, area: str) -> Path:
    """``folder`` inside ``data_dir/area``; anything that would leave it (absolute, ``..``) is refused."""
    from core.errors import ValidationError

    base = (settings.data_dir / area).resolve()
    name = folder.strip()
    target = (base / name).resolve()
    if not name or Path(name).is_absolute() or target == base or not target.is_relative_to(base):
        raise ValidationError(
            "Give a folder name inside the data folder, such as “my-product” (not a path on the server)."
        )
    return target


def normalize_postgres_url(url: str) -> str:
    """Use the psycopg 3 driver for ``postgres://`` and ``postgresql://`` URLs (as Supabase prints them)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def save_secrets(values: Mapping[str, str], path: Path | None = None) -> None:
    """Set flat ``KEY = "value"`` lines in the secrets file, keeping every other line (comments, tables).

    The file is created with owner-only permissions (0600) and written atomically; values never appear in
    an error message.
    """
    path = path or secrets_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    first_table = next((i for i, line in enumerate(lines) if line.lstrip().startswith("[")), len(lines))
    top, rest = lines[:first_table], lines[first_table:]
    for name, value in values.items():
        line = f"{name} = {json.dumps(value)}"
        pattern = re.compile(rf"^\s*{re.escape(name)}\s*=")
        found = [i for i, existing in enumerate(top) if pattern.match(existing)]
        if found:
            top[found[0]] = line
            top = [existing for i, existing in enumerate(top) if i not in found[1:]]
        else:
            top.append(line)
    text = "\n".join([*top, *rest]) + "\n"
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
