"""Who holds a lease, and whether that process still runs.

A lease owner is ``host:pid:nonce`` (:func:`worker_id`). Across machines a lease is the rule: a claim is
taken again only once its lease has run out. On one machine a worker can do better: when the process behind
an owner on this host is gone (killed, crashed), its claims are taken again at once instead of holding the
job's concurrency slots until their leases run out. A process id reused by another process only makes the
check answer "alive", and the lease rule applies as before.
"""

from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path


def worker_id() -> str:
    """A lease owner name that is unique per process start and says where it runs."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def gone_here(owner: str) -> bool:
    """True when ``owner`` names a process on this machine that no longer runs (never for another machine's)."""
    parts = owner.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    return pid != os.getpid() and not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it runs
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # no /proc (not Linux): the signal said it exists
        return True
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has exited; its parent has not reaped it yet
