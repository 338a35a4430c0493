"""Per-client rate limiting, and in-process rate-limit storage that never starts a thread while serving a
request.

The `limits` package's `memory://` storage schedules its clean-up on a `threading.Timer` of 10 ms, and
re-arms it on every hit once the previous one has fired: under steady traffic nearly every request starts
(and waits for the start of) a new thread. On a small box that was the largest single cost of a cheap
request. Counters already expire when they are read, so the clean-up only bounds memory; here it runs inline,
at most once per `SWEEP_SECONDS`, in whichever request comes along.
"""

from __future__ import annotations

import threading
import time
from typing import NamedTuple

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


class ClientRateLimit:
    """One limit (`CONFLICTWIRE_RATE_LIMIT`) per client address and route, checked once per request.

    flask-limiter resolved default, decorated, blueprint and meta limits and their exemption scopes on every
    request, about a fifth of the API's own time for a cheap query, to apply the single limit this API has.
    This applies the same limit with the same `limits` strategy and storage that flask-limiter drove
    (fixed window by default, counted per address and endpoint), at one storage hit per request.
    `RATELIMIT_STRATEGY` and `RATELIMIT_STORAGE_URI` choose another algorithm or a shared store (redis://…).
    """

    def __init__(
        self,
        limit: str,
        *,
        enabled: bool = True,
        strategy: str = "fixed-window",
        storage_uri: str = STORAGE_URI,
    ) -> None:
        from limits import parse
        from limits.storage import storage_from_string
        from limits.strategies import STRATEGIES

        if strategy not in STRATEGIES:
            raise ValueError(f"RATELIMIT_STRATEGY must be one of {sorted(STRATEGIES)}, not {strategy!r}")
        self.item = parse(limit)
        self.enabled = enabled
        self.limiter = STRATEGIES[strategy](storage_from_string(storage_uri))

    def hit(self, client: str, scope: str) -> WindowState:
        """Count one request; the window afterwards, with `allowed` False once the limit is exceeded."""
        allowed = self.limiter.hit(self.item, client, scope)
        reset_time, remaining = self.limiter.get_window_stats(self.item, client, scope)
        return WindowState(allowed, self.item.amount, max(0, remaining), int(reset_time + 1))

    def describe(self) -> str:
        return str(self.item)


class WindowState(NamedTuple):
    """What a request learnt about its client's window: for the X-RateLimit-* and Retry-After headers."""

    allowed: bool
    limit: int
    remaining: int
    reset_at: int
