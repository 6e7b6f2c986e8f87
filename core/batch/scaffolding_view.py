"""Scaffolding as a batch reads it: one owner's view, each record read at most every few seconds.

Planning an item resolves the active expert, a persona, an arc, a topic, every template and their
compatibility: the same few records for thousands of items. ``CachedScaffolding`` keeps what it read for
``ttl_s`` seconds (default 2), so an edit made while a job runs reaches the next items within that time,
and a record that is missing is looked up again every time (it raises, as before).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from core.models.scaffolding import ExpertProfile
from core.scaffolding.service import Kind, OwnerScope, ScaffoldingService

T = TypeVar("T")
TTL_S = 2.0


class CachedScaffolding(ScaffoldingService):
    """``base``'s scaffolding as ``owner`` sees it (shared + their own), with reads kept for ``ttl_s``."""

    def __init__(self, base: ScaffoldingService, owner: str | None, *, ttl_s: float = TTL_S) -> None:
        super().__init__(base.rows, in_use=base.in_use, template_check=base.template_check, scope=OwnerScope(owner))
        self.ttl_s = ttl_s
        self._kept: dict[tuple[Any, ...], tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def _read(self, key: tuple[Any, ...], fetch: Callable[[], T]) -> T:
        now = time.monotonic()
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and now - kept[0] < self.ttl_s:
            return kept[1]  # type: ignore[no-any-return]
        value = fetch()
        with self._lock:
            self._kept[key] = (now, value)
        return value

    def list(self, kind: Kind, *, active_only: bool = False, include_deleted: bool = False) -> list[Any]:
        fetch = lambda: ScaffoldingService.list(self, kind, active_only=active_only, include_deleted=include_deleted)  # noqa: E731
        return list(self._read(("list", kind, active_only, include_deleted), fetch))

    def _by_key(self, kind: Kind, key: str) -> Any | None:
        """Every lookup by key (``get``, ``compatibility``) goes through here; a miss is not kept."""
        key_ = ("by_key", kind, key)
        found = self._read(key_, lambda: ScaffoldingService._by_key(self, kind, key))
        if found is None:
            with self._lock:
                self._kept.pop(key_, None)
        return found

    def active_expert(self) -> ExpertProfile | None:
        return self._read(("active_expert",), lambda: ScaffoldingService.active_expert(self))
