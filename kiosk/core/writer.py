"""The one database writer: every write runs on this single thread, in submission order.

SQLite wants one writer; the window must never block on a write. Callers get a Future (the CLI
waits on it; the window turns it into a signal).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class Writer:
    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-writer")

    def submit(self, function: Callable[..., T], /, *args, **kwargs) -> Future[T]:
        return self._executor.submit(function, *args, **kwargs)

    def run(self, function: Callable[..., T], /, *args, **kwargs) -> T:
        """Run on the writer thread and wait for the result (for the command line)."""
        return self.submit(function, *args, **kwargs).result()

    def close(self) -> None:
        self._executor.shutdown(wait=True)
