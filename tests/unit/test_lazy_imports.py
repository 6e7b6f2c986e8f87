"""Commands that never call Claude start fast: the SDK, pandas and the other heavy libraries load only where used.

Each check runs in a fresh interpreter, since this test process may already have imported anything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.paths import REPO_ROOT

HEAVY = ("anthropic", "pandas", "pyarrow", "numpy", "streamlit")


def heavy_modules_after(code: str) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert heavy_modules_after("import core.cli.main") == []


def test_building_the_commands_that_never_call_claude_loads_no_heavy_library() -> None:
    code = (
        "from core.cli.main import load_command\n"
        "for name in ('stats', 'scaffolding', 'spec', 'db', 'import', 'demo', 'generate', 'batch', 'review'):\n"
        "    load_command(name)\n"
        "import core.bootstrap"
    )
    assert heavy_modules_after(code) == []


def test_a_command_on_the_embedded_store_does_not_load_the_postgres_dialect(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from core.cli.main import load_command\n"
        "from core.cli.common import services\n"
        "load_command('stats'); load_command('scaffolding')\n"
        "services().stats()\n"
        "print(sorted(m for m in sys.modules if m.startswith('sqlalchemy.dialects.postgresql')))"
    )
    env = {**os.environ, "BRIGHTRUN_DATA_DIR": str(tmp_path)}
    env.pop("SUPABASE_DB_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_spec_split_loads_no_storage_at_all() -> None:
    code = (
        "import sys\n"
        "from core.cli.main import load_command\n"
        "load_command('spec')\n"
        "print(sorted(m for m in ('sqlalchemy', 'core.bootstrap', 'core.storage.database') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_stats_builds_only_the_tables_it_reads_and_loads_no_rich(tmp_path: Path) -> None:
    """Tables (and their models) are built on first use: ``stats --json`` needs two of them, and prints no
    rich text, so neither the other tables, nor their models, nor rich are loaded."""
    code = (
        "import json, sys\n"
        "from core.cli.main import load_command\n"
        "from core.cli.common import services\n"
        "load_command('stats')\n"
        "services().stats()\n"
        "from core.storage import schema\n"
        "print(json.dumps([sorted(schema._metadata.tables), sorted(m for m in sys.modules if m.startswith(\n"
        "    ('core.models.jobs', 'core.models.training', 'core.models.evaluation', 'core.models.review', 'rich')))]))"
    )
    env = {**os.environ, "BRIGHTRUN_DATA_DIR": str(tmp_path)}
    env.pop("SUPABASE_DB_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=True
    )
    tables, loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert tables == ["conversations", "failed_generations", "schema_migrations"]
    assert loaded == []


def test_every_table_is_built_when_the_metadata_is_asked_for() -> None:
    code = (
        "import json\n"
        "from core.storage import schema\n"
        "names = sorted(schema.metadata.tables)\n"
        "print(json.dumps([names, sorted(schema.TABLES), schema.personas is schema.metadata.tables['personas']]))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    names, declared, same = json.loads(done.stdout.strip().splitlines()[-1])
    assert names == sorted([*declared, "schema_migrations"])
    assert same is True


def test_the_claude_adapter_loads_no_command_line_tool() -> None:
    """The SDK reads through httpx2; importing httpx as well would load its command-line tool (rich, click,
    pygments) at every start of a command that calls Claude."""
    code = (
        "import json, sys\n"
        "import core.llm.claude, core.batch.service\n"
        "print(json.dumps(sorted(m for m in ('httpx', 'rich', 'click', 'pygments') if m in sys.modules)))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
