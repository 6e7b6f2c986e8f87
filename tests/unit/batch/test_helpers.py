"""The parent watch of helper workers (the portable half of item 6; Linux also uses PR_SET_PDEATHSIG)."""

from __future__ import annotations

import os
import threading

from core.batch.helpers import watch_parent


def test_the_watch_stops_a_helper_whose_parent_is_gone() -> None:
    stop = threading.Event()
    watch_parent(os.getppid() + 1_000_000, stop, every_s=0.01)  # not our parent: as if it had died
    assert stop.wait(2)


def test_the_watch_leaves_a_helper_with_a_live_parent_alone() -> None:
    stop = threading.Event()
    watch_parent(os.getppid(), stop, every_s=0.01)
    assert not stop.wait(0.1)
    stop.set()
