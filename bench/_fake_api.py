"""The fake Messages API for the benchmarks, in a child process: the real API is elsewhere, so the fake must
not share the measured interpreter."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def fake_api(*options: str) -> Iterator[str]:
    """``tests.fakes.anthropic_server`` on a free port with ``options`` (``--latency-ms 0``…); yields its URL."""
    command = [sys.executable, "-m", "tests.fakes.anthropic_server", "--port", "0", *options]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    try:
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait()
