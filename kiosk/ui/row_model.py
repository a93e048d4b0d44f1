"""A table model over a short list of whole rows (agreements, conflicts, print jobs).

Subclasses give their column count and header texts and render cells in ``data``; this class keeps the
rows and answers Qt's bookkeeping. (The guest list, 100,000 rows, has its own lazy model.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex


class RowListModel(QAbstractTableModel, Generic[Row]):
    """Rows replaced together by :meth:`set_rows`."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def column_count(self) -> int:
        raise NotImplementedError

    def header(self, section: int) -> str:
        """The translated title of column ``section`` (0 <= section < column_count())."""
        raise NotImplementedError

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, number: int) -> Row | None:
        return self._rows[number] if 0 <= number < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self.column_count()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < self.column_count()
        ):
            return self.header(section)
        return None
