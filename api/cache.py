"""A small time-bounded memo for facts the API looks up in Elasticsearch but that rarely change.

Facet labels (an actor id's display name) and name resolutions (`actor=regime forces` → ids) each cost a
round trip to the cluster. They change only when the index learns a new name, so a worker keeps them for a
few minutes: a warm worker answers a faceted search with one Elasticsearch request instead of three.
Entries expire by age, and the oldest are dropped beyond `max_entries`, so memory stays bounded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

_MISSING = object()


class ExpiringCache:
    """Values by key for `ttl_seconds`; safe to share between a worker's threads."""

    def __init__(
        self, ttl_seconds: float, max_entries: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self._clock = clock
        self._entries: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        entry = self._entries.get(key)
        if entry is None:
            return default
        expires, value = entry
        if expires <= self._clock():
            with self._lock:
                if self._entries.get(key) is entry:
                    del self._entries[key]
            return default
        return value

    def __contains__(self, key: Hashable) -> bool:
        return self.get(key, _MISSING) is not _MISSING

    def put(self, key: Hashable, value: Any, ttl_seconds: float | None = None) -> None:
        """Keep `value` for `ttl_seconds` (default: the cache's own), dropping the oldest entry when full."""
        ttl = self.ttl_seconds if ttl_seconds is None else min(ttl_seconds, self.ttl_seconds)
        if ttl <= 0 or self.max_entries <= 0:
            return
        with self._lock:
            self._entries.pop(key, None)
            while len(self._entries) >= self.max_entries:
                del self._entries[next(iter(self._entries))]
            self._entries[key] = (self._clock() + ttl, value)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
