"""An import killed with SIGKILL midway, then run again: the store ends complete, with no orphan files.

A real ``python -m core import`` process on a generated 400-conversation training file, killed once
some conversations are stored; the same command run again stores the rest and recognises what is there.
On SQLite and on the real PostgreSQL (files in the local bucket folder either way).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.importer.marker import interrupted
from core.storage.blobs import CONVERSATION_FILES, LocalBlobStore
from core.storage.database import Database
from tests.conftest import _truncate_all
from tests.support import import_files as files
from tests.support.paths import REPO_ROOT

CONVERSATIONS = 400


def _big_training_file(path: Path) -> None:
    conversations = []
    for n in range(CONVERSATIONS):
        exchanges = [(f"Question {n}: can I afford the move in year {n}?", f"Answer {n}: yes, with a plan for {n}.")]
        exchanges.append((f"And what about savings goal {n}?", f"Keep goal {n} funded first, then invest."))
        conversations.append((f"k{n:07d}-0000-4000-8000-000000000000", files.seed_pairs(exchanges, prefix=f"c{n}")))
    path.write_bytes(files.dumps(files.training_file(conversations)))


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'brightrun.sqlite3'}"
    url: str = request.getfixturevalue("postgres_url")
    database = Database(url)
    _truncate_all(database)
    database.dispose()
    return url


def _import(source: Path, data_dir: Path, url: str) -> subprocess.Popen[bytes]:
    env = os.environ | {"BRIGHTRUN_DATA_DIR": str(data_dir)}
    if url.startswith("postgresql"):
        env["SUPABASE_DB_URL"] = url
    command = [sys.executable, "-m", "core", "import", "--json", str(source)]
    return subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_a_killed_import_is_completed_by_running_it_again(database_url: str, tmp_path: Path) -> None:
    source, data_dir = tmp_path / "big.json", tmp_path / "data"
    _big_training_file(source)
    if database_url.startswith("postgresql"):
        subprocess.run(
            [sys.executable, "-m", "core", "db", "upgrade"],
            cwd=REPO_ROOT,
            check=True,
            capture_output=True,
            env=os.environ | {"BRIGHTRUN_DATA_DIR": str(data_dir), "SUPABASE_DB_URL": database_url},
        )
    first = _import(source, data_dir, database_url)
    deadline = time.monotonic() + 60
    stored = 0
    db: Database | None = None
    while time.monotonic() < deadline and first.poll() is None:
        if db is None and (database_url.startswith("postgresql") or (data_dir / "brightrun.sqlite3").exists()):
            db = Database(database_url)
        try:
            stored = db.conversations.count() if db else 0
        except Exception:  # the file exists before its tables do
            stored = 0
        if stored >= 20:
            break
        time.sleep(0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert db is not None
    killed_at = db.conversations.count()
    assert 0 < killed_at < CONVERSATIONS, "the import was not interrupted midway"

    # The stopped run left its marker: the next run and Home say so (issue 23).
    stopped = interrupted(LocalBlobStore(data_dir / "buckets"), db.conversations, None)
    assert stopped == [
        f"The import of big.json stopped at {killed_at} of {CONVERSATIONS} conversations; run it again to finish."
    ]

    second = _import(source, data_dir, database_url)
    out, err = second.communicate(timeout=240)
    assert second.returncode == 0, err.decode()
    [report] = json.loads(out)
    assert report["warnings"][0].startswith(f"The import of big.json stopped at {killed_at} of {CONVERSATIONS}")
    assert interrupted(LocalBlobStore(data_dir / "buckets"), db.conversations, None) == []
    assert len(report["skipped"]) >= killed_at and len(report["imported"]) + len(report["skipped"]) == CONVERSATIONS
    assert db.conversations.count() == CONVERSATIONS
    # No orphans: every stored file belongs to a row, and every row has its three files.
    blobs = LocalBlobStore(data_dir / "buckets")
    paths = set(blobs.list(CONVERSATION_FILES))
    rows = db.conversations.list()
    owned = {p for r in rows for p in (r.raw_response_path, r.file_path, r.enriched_file_path) if p}
    assert paths == owned and len(owned) == 3 * CONVERSATIONS
    db.dispose()
