"""Whose claims may be taken before their lease runs out: only a worker gone from this machine's processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

from core.batch.liveness import gone_here, worker_id


def test_a_finished_process_on_this_machine_is_gone_a_running_one_is_not() -> None:
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    host = socket.gethostname()
    assert gone_here(f"{host}:{ended.pid}:abc123")
    assert not gone_here(f"{host}:{os.getppid()}:abc123")  # alive
    assert not gone_here(worker_id())  # this process


def test_another_machines_worker_or_a_name_of_another_shape_is_never_taken_early() -> None:
    assert not gone_here("some-other-host:999999:abc123")
    assert not gone_here("just-a-name")
    assert not gone_here(f"{socket.gethostname()}:not-a-pid:abc123")
