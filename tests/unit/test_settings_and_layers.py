"""Settings sources and the layering rules of the code base."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import core.settings
from core.settings import Settings, normalize_postgres_url

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_streamlit() -> None:
    offenders = [p for p in (ROOT / "core").rglob("*.py") if _imports(p) & {"streamlit", "st_aggrid"}]
    assert offenders == []


def test_pages_never_talk_to_databases_or_claude_directly() -> None:
    forbidden = {"anthropic", "sqlite3", "sqlalchemy", "psycopg", "supabase", "httpx", "requests"}
    offenders = {p.name: _imports(p) & forbidden for p in (ROOT / "pages").glob("*.py") if _imports(p) & forbidden}
    assert offenders == {}


def test_pages_never_touch_the_database_handle() -> None:
    """Import contracts cannot see ``svc.db``: pages go through services, never the database handle."""
    offenders = [
        f"{path.name}:{number}"
        for path in [*sorted((ROOT / "pages").glob("*.py")), ROOT / "app.py"]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\.db\b", line)
    ]
    assert offenders == []


def test_only_the_claude_adapter_imports_anthropic() -> None:
    users = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "core").rglob("*.py") if "anthropic" in _imports(p))
    assert all(user.startswith("core/llm/claude/") for user in users), users


def test_environment_wins_over_the_secrets_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('ANTHROPIC_API_KEY = "from-file"\nBRIGHTRUN_DATA_DIR = "/from/file"\n')
    monkeypatch.setattr(core.settings, "SECRETS_FILE", secrets)
    monkeypatch.delenv("BRIGHTRUN_DATA_DIR")
    from_file = Settings()
    assert from_file.anthropic_api_key is not None and from_file.anthropic_api_key.get_secret_value() == "from-file"
    assert from_file.data_dir == Path("/from/file")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "from-env")
    assert Settings().anthropic_api_key.get_secret_value() == "from-env"  # type: ignore[union-attr]


def test_keys_never_show_in_the_settings_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-very-secret")
    settings = Settings()
    assert "very-secret" not in repr(settings) and "very-secret" not in str(settings.model_dump())
    assert settings.has_claude_key


def test_supabase_database_urls_use_the_psycopg_driver() -> None:
    assert normalize_postgres_url("postgres://u:p@h:5432/db") == "postgresql+psycopg://u:p@h:5432/db"
    assert normalize_postgres_url("sqlite:///x") == "sqlite:///x"


def test_the_backend_follows_the_database_url(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().backend == "embedded"
    monkeypatch.setenv("SUPABASE_DB_URL", "postgresql://u@h/db")
    assert Settings().backend == "supabase"
