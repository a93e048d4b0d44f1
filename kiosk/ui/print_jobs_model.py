"""The desk's print jobs as a table: failed jobs first and highlighted, then the waiting, then the printed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from kiosk.core.desk import EventInfo
from kiosk.core.print_queue import PrintJobView
from kiosk.i18n import _
from kiosk.ui.row_model import RowListModel

FAILED_BACKGROUND = QColor("#fde2e0")
FAILED_TEXT = QColor("#a8231c")
ORDER = {"failed": 0, "pending": 1, "sent": 2, "done": 3}
COLUMNS = ("state", "guest", "printer", "attempts", "error", "time")


@dataclass(frozen=True)
class JobRow:
    job: PrintJobView
    guest_name: str


def sort_rows(rows: list[JobRow]) -> list[JobRow]:
    """Failed first, then pending, sent, done; the newest first within each."""
    return sorted(rows, key=lambda row: (ORDER.get(row.job.state, 9), -row.job.updated_at, row.job.id))


def state_label(state: str) -> str:
    return {
        "pending": _("Waiting"),
        "sent": _("Printing"),
        "done": _("Printed"),
        "failed": _("Failed"),
    }.get(state, state)


class PrintJobModel(RowListModel[JobRow]):
    """Rows are whole :class:`JobRow` values, replaced together by :meth:`set_rows` (a few hundred at most)."""

    def __init__(self, event: Callable[[], EventInfo | None], parent=None) -> None:
        super().__init__(parent)
        self._event = event

    # --- data -----------------------------------------------------------------------------------------

    def set_rows(self, rows: list[JobRow]) -> None:
        rows = sort_rows(rows)
        if [row.job.id for row in rows] == [row.job.id for row in self._rows]:
            if rows != self._rows:
                self._rows = rows
                if rows:
                    self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(COLUMNS) - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def row_of(self, job_id: str) -> int:
        return next((i for i, row in enumerate(self._rows) if row.job.id == job_id), -1)

    def jobs(self) -> list[PrintJobView]:
        return [row.job for row in self._rows]

    @property
    def failed_count(self) -> int:
        return sum(1 for row in self._rows if row.job.state == "failed")

    # --- columns ---------------------------------------------------------------------------------------

    def column_count(self) -> int:
        return len(COLUMNS)

    def header(self, section: int) -> str:
        return {
            "state": _("State"),
            "guest": _("Guest"),
            "printer": _("Printer"),
            "attempts": _("Attempts"),
            "error": _("Problem"),
            "time": _("Time"),
        }[COLUMNS[section]]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < len(COLUMNS):
            return None
        row = self._rows[index.row()]
        job = row.job
        column = COLUMNS[index.column()]
        failed = job.state == "failed"
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column in ("error", "printer", "guest"):
            return self._text(row, column) or None
        if role == Qt.ItemDataRole.BackgroundRole and failed:
            return QBrush(FAILED_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and failed:
            return QBrush(FAILED_TEXT)
        if role == Qt.ItemDataRole.FontRole and failed and column == "state":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return job.id
        return None

    def _text(self, row: JobRow, column: str) -> str:
        job = row.job
        if column == "state":
            return ("✖ " if job.state == "failed" else "") + state_label(job.state)
        if column == "guest":
            name = row.guest_name or _("(name not known yet)")
            return f"{name} — {job.reason}" if job.reason else name
        if column == "printer":
            return job.printer or _("(default)")
        if column == "attempts":
            return str(job.attempts)
        if column == "error":
            return job.error
        event = self._event()
        if event is None:
            return ""
        return event.local_time(job.updated_at).strftime("%H:%M:%S")
