"""Counting what one client or one account does over time (DESIGN §9): a sliding
window for request rates, and lockouts after failed log-ins that end by themselves.
Both live in the process's memory, bounded, and take their clock from the caller's
choice so tests can move time."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

Clock = Callable[[], float]
MAX_KEYS = 100_000  # clients or accounts remembered at once; past this, the idle are forgotten


class SlidingWindow:
    """At most `limit` events per key in any `seconds`."""

    def __init__(self, limit: int, seconds: float, clock: Clock = time.monotonic):
        self.limit = limit
        self.seconds = seconds
        self.clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Counts the event if the key is within its limit; says whether it was."""
        now = self.clock()
        with self._lock:
            events = self._events.get(key)
            if events is None:
                if len(self._events) >= MAX_KEYS:
                    self._forget_idle(now)
                events = self._events[key] = deque()
            while events and events[0] <= now - self.seconds:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True

    def count(self, key: str) -> int:
        now = self.clock()
        with self._lock:
            return sum(1 for at in self._events.get(key, ()) if at > now - self.seconds)

    def clear(self, key: str) -> None:
        with self._lock:
            self._events.pop(key, None)

    def _forget_idle(self, now: float) -> None:
        idle = [k for k, events in self._events.items() if not events or events[-1] <= now - self.seconds]
        for key in idle:
            del self._events[key]
        if len(self._events) >= MAX_KEYS:
            self._events.clear()


class Lockout:
    """`failures` failures of one key within `seconds` lock it for `seconds`, counted from
    the last of them; the lock ends by itself."""

    def __init__(self, failures: int, seconds: float, clock: Clock = time.monotonic):
        self._failures = SlidingWindow(failures, seconds, clock)
        self._until: dict[str, float] = {}
        self._lock = threading.Lock()
        self.seconds = seconds
        self.clock = clock

    def locked_for(self, key: str) -> float:
        """Seconds until the key's lock ends; 0 when it is not locked."""
        now = self.clock()
        with self._lock:
            until = self._until.get(key)
            if until is None:
                return 0
            if until <= now:
                del self._until[key]
                return 0
            return until - now

    def failed(self, key: str) -> None:
        self._failures.allow(key)
        if self._failures.count(key) >= self._failures.limit:
            with self._lock:
                if len(self._until) >= MAX_KEYS:
                    now = self.clock()
                    self._until = {k: u for k, u in self._until.items() if u > now}
                self._until[key] = self.clock() + self.seconds
            self._failures.clear(key)

    def succeeded(self, key: str) -> None:
        self._failures.clear(key)
