"""A real PostgreSQL server for the test suite, started in a temporary folder and stopped at the end.

The binaries come from Debian's ``postgresql`` package (``scripts/setup-system.sh`` installs it when
``initdb`` is missing). ``initdb`` refuses to run as root, so as root the server runs as the ``postgres``
user, in a folder that user owns.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.support.net import free_port


class PostgresUnavailable(RuntimeError):
    pass


def find_bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).resolve().parent if found else None


@dataclass
class PostgresServer:
    bindir: Path
    root: Path
    port: int
    as_postgres_user: bool

    @property
    def datadir(self) -> Path:
        return self.root / "data"

    def url(self, database: str = "postgres", user: str = "postgres") -> str:
        return f"postgresql+psycopg://{user}@127.0.0.1:{self.port}/{database}"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / args[0]), *args[1:]]
        if self.as_postgres_user:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise PostgresUnavailable(f"{args[0]} failed: {result.stderr.strip() or result.stdout.strip()}")
        return result

    def start(self) -> None:
        self._run("initdb", "-D", str(self.datadir), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.datadir), "-o", options, "-l", str(self.root / "server.log"), "-w", "start")

    def stop(self) -> None:
        with contextlib.suppress(PostgresUnavailable):
            self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def start_postgres(attempts: int = 3) -> PostgresServer:
    """A fresh server on a free port. Test workers running in parallel (pytest-xdist) each start their own;
    should two pick the same free port at once, the one that lost tries again on another."""
    for attempt in range(1, attempts + 1):
        try:
            return _start_once()
        except PostgresUnavailable:
            if attempt == attempts or find_bindir() is None:
                raise
    raise AssertionError("unreachable")


def _start_once() -> PostgresServer:
    bindir = find_bindir()
    if bindir is None:
        raise PostgresUnavailable("PostgreSQL server binaries (initdb) are not installed; run scripts/setup-system.sh")
    as_root = os.geteuid() == 0
    root = Path(tempfile.mkdtemp(prefix="brightrun-pg-"))
    root.chmod(0o755)
    if as_root:
        shutil.chown(root, user="postgres", group="postgres")
    server = PostgresServer(bindir=bindir, root=root, port=free_port(), as_postgres_user=as_root)
    try:
        server.start()
    except Exception:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return server
