"""Importing a guest list from the window: on the writer thread, with progress reported by signal."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from kiosk.core.desk import Desk
from kiosk.core.importing import ImportReport, import_guests
from kiosk.ui.tasks import TaskManager


class ImportRunner(QObject):
    """Runs ``import_guests`` off the GUI thread.

    Signals:
        progressed(int, int): rows read so far, rows in the file.
        finished(object): the ImportReport (it may hold row errors: then nothing was imported).
        failed(str): the file could not be read at all.
    """

    progressed = Signal(int, int)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, tasks: TaskManager, desk: Desk, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.desk = desk

    def start(self, path: Path) -> None:
        def progress(done: int, total: int) -> None:
            # On the writer thread: only hand the numbers over (queued to the GUI thread).
            self.tasks.post(self._on_progress, (done, total))

        self.tasks.write(
            lambda: import_guests(self.desk, Path(path), progress=progress),
            on_done=self._on_done,
            on_error=self._on_error,
        )

    def _on_progress(self, value: tuple[int, int]) -> None:
        self.progressed.emit(*value)

    def _on_done(self, report: ImportReport) -> None:
        self.finished.emit(report)

    def _on_error(self, error: BaseException) -> None:
        self.failed.emit(str(error) or type(error).__name__)
