"""In-process rate-limit storage that never starts a thread while serving a request.

The `limits` package's `memory://` storage schedules its clean-up on a `threading.Timer` of 10 ms, and
re-arms it on every hit once the previous one has fired: under steady traffic nearly every request starts
(and waits for the start of) a new thread. On a small box that was the largest single cost of a cheap
request. Counters already expire when they are read, so the clean-up only bounds memory; here it runs inline,
at most once per `SWEEP_SECONDS`, in whichever request comes along.
"""

from __future__ import annotations

import threading
import time

from limits.storage import MemoryStorage

STORAGE_URI = "conflictwire-memory://"
SWEEP_SECONDS = 1.0


class SweepingMemoryStorage(MemoryStorage):
    """`memory://` with inline, throttled expiry instead of a timer thread per request."""

    STORAGE_SCHEME = ["conflictwire-memory"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._sweep_lock = threading.Lock()
        self._next_sweep = time.monotonic() + SWEEP_SECONDS

    def _MemoryStorage__schedule_expiry(self) -> None:  # replaces the parent's timer-based scheduling
        now = time.monotonic()
        if now < self._next_sweep or not self._sweep_lock.acquire(blocking=False):
            return
        try:
            self._next_sweep = now + SWEEP_SECONDS
            self._MemoryStorage__expire_events()
        finally:
            self._sweep_lock.release()
