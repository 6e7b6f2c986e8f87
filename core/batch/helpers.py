"""Helper worker processes that die with their parent (``batch run --workers N``).

Two guards, so a helper never works on after its parent was killed (even with SIGKILL, which no handler sees):
- on Linux the kernel sends the helper SIGTERM when the parent dies (``PR_SET_PDEATHSIG``), which the
  worker handles like Ctrl+C: unsent items go back to the queue;
- everywhere, the helper watches its parent's pid (``--parent-pid``) and stops the same way when it is gone.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import threading

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: the parent watch below still applies


def start_helper(args: list[str]) -> subprocess.Popen[bytes]:
    """``python -m core ARGS --parent-pid <this pid>``, bound to this process's life."""
    command = [sys.executable, "-m", "core", *args, "--parent-pid", str(os.getpid())]
    preexec = _die_with_parent if sys.platform.startswith("linux") else None
    return subprocess.Popen(command, preexec_fn=preexec)  # no threads run yet in `batch run`


def watch_parent(parent_pid: int, stop: threading.Event, *, every_s: float = 0.5) -> threading.Thread:
    """Set ``stop`` once this process's parent is no longer ``parent_pid`` (it died; we were re-parented)."""

    def watch() -> None:
        while not stop.wait(every_s):
            if os.getppid() != parent_pid:
                stop.set()

    thread = threading.Thread(target=watch, name="parent-watch", daemon=True)
    thread.start()
    return thread
