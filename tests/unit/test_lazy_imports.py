"""Commands that never call Claude start fast: the SDK, pandas and the other heavy libraries load only where used.

Each check runs in a fresh interpreter, since this test process may already have imported anything.
"""

from __future__ import annotations

import json
import subprocess
import sys

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
