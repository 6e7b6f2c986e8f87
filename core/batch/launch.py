"""Start a worker process for one job from the app, detached, so the work goes on after the tab closes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from core.settings import PROJECT_ROOT


def start_worker_process(job_id: str, *, log_dir: Path) -> int:
    """``python -m core worker --job JOB`` in its own session (the app's exit does not stop it), logging to
    ``log_dir/worker-<job>.log``. Returns its pid."""
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / f"worker-{job_id[:8]}.log").open("ab") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "core", "worker", "--job", job_id],
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return process.pid
