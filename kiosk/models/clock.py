"""The hybrid logical clock that orders edits across desks (never shown to people).

An HLC value is one integer: milliseconds since the epoch in the high bits and a 16-bit counter in
the low bits, so plain integer comparison orders them and SQLite stores them natively.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

COUNTER_BITS = 16


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


def hlc_ms(hlc: int) -> int:
    return hlc >> COUNTER_BITS


class HybridClock:
    """Thread-safe HLC. ``tick`` stamps a local event; ``observe`` merges a remote stamp."""

    def __init__(self, last: int = 0, now: Callable[[], int] = wall_ms) -> None:
        self._last = last
        self._now = now
        self._lock = threading.Lock()

    def tick(self) -> int:
        with self._lock:
            physical = self._now() << COUNTER_BITS
            self._last = physical if physical > self._last else self._last + 1
            return self._last

    def observe(self, remote: int) -> None:
        with self._lock:
            if remote > self._last:
                self._last = remote

    @property
    def last(self) -> int:
        return self._last
