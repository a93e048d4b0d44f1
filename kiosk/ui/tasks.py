"""Running work off the GUI thread and handing results back by signal (Anki's taskman pattern).

Every database write goes to the core's single :class:`~kiosk.core.writer.Writer` thread; slow reads
(statistics) go to one reader thread; slow network calls (checking a hub) to one more. A finished future is bridged back to the GUI thread through a
queued signal, so callbacks run on the GUI thread and may touch widgets; workers never do.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from kiosk.core.writer import Writer

log = logging.getLogger(__name__)

Callback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


class _Done(QObject):
    """Carries a finished future from a worker thread to the GUI thread."""

    finished = Signal(object, object, object)  # future, on_done, on_error
    posted = Signal(object, object)  # callback, value


class TaskManager(QObject):
    """Submit work; get the result on the GUI thread.

    Signals:
        failed(str, str): a task raised and had no error callback (message, traceback).
        idle(): no task is running any more.
    """

    failed = Signal(str, str)
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.writer = Writer()
        self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-reader")
        self._network = ThreadPoolExecutor(max_workers=1, thread_name_prefix="network")
        self._bridge = _Done()
        self._bridge.finished.connect(self._on_bridge_finished, Qt.ConnectionType.QueuedConnection)
        self._bridge.posted.connect(self._on_bridge_posted, Qt.ConnectionType.QueuedConnection)
        self._pending = 0
        self._closed = False

    @property
    def busy(self) -> bool:
        return self._pending > 0

    def write(
        self,
        function: Callable[..., Any],
        *args: Any,
        on_done: Callback | None = None,
        on_error: ErrorCallback | None = None,
    ) -> Future:
        """Run ``function(*args)`` on the writer thread (one write transaction at a time, in order)."""
        return self._track(self.writer.submit(function, *args), on_done, on_error)

    def read(
        self,
        function: Callable[..., Any],
        *args: Any,
        on_done: Callback | None = None,
        on_error: ErrorCallback | None = None,
    ) -> Future:
        """Run a read that may be slow on the reader thread (its own SQLite connection)."""
        return self._track(self._reader.submit(function, *args), on_done, on_error)

    def network(
        self,
        function: Callable[..., Any],
        *args: Any,
        on_done: Callback | None = None,
        on_error: ErrorCallback | None = None,
    ) -> Future:
        """Run a call that waits on the network (and may write briefly, with its own SQLite connection),
        so neither the writer nor the reader is held up for seconds."""
        return self._track(self._network.submit(function, *args), on_done, on_error)

    def post(self, callback: Callback, value: Any) -> None:
        """From any thread: run ``callback(value)`` on the GUI thread (progress reports)."""
        self._bridge.posted.emit(callback, value)

    def _on_bridge_posted(self, callback: Callback, value: Any) -> None:
        callback(value)

    def _track(self, future: Future, on_done: Callback | None, on_error: ErrorCallback | None) -> Future:
        self._pending += 1
        # Runs on the worker thread: only emit (queued to the GUI thread), never touch widgets here.
        future.add_done_callback(lambda f: self._bridge.finished.emit(f, on_done, on_error))
        return future

    def _on_bridge_finished(self, future: Future, on_done: Callback | None, on_error: ErrorCallback | None) -> None:
        self._pending -= 1
        try:
            if future.cancelled():
                return
            error = future.exception()
            if error is not None:
                if on_error is not None:
                    on_error(error)
                else:
                    text = "".join(traceback.format_exception(error))
                    log.error("task failed: %s", text)
                    self.failed.emit(str(error) or type(error).__name__, text)
                return
            if on_done is not None:
                on_done(future.result())
        finally:
            if self._pending == 0:
                self.idle.emit()

    def close(self) -> None:
        """Wait for queued work, then close the worker threads' database connections."""
        if self._closed:
            return
        self._closed = True
        from kiosk.models.database import db

        def close_connection() -> None:
            if not db.is_closed():
                db.close()

        for executor in (self.writer, self._reader, self._network):
            try:
                executor.submit(close_connection).result(timeout=30)
            except Exception:  # a closed database: nothing to close
                pass
        self.writer.close()
        self._reader.shutdown(wait=True)
        self._network.shutdown(wait=True)
