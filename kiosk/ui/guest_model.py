"""The guest table: a lazy model that holds only guest ids (Anki's browser table model).

Rows are fetched from the core in pages when the view first asks for them and cached; a row that
cannot be read shows a placeholder instead of raising inside ``data()``. Phone and e-mail are masked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from kiosk.categories import category_label
from kiosk.core.desk import EventInfo
from kiosk.core.guest_view import GuestView, mask_phone
from kiosk.i18n import N_, _

log = logging.getLogger(__name__)

PAGE = 200
PLACEHOLDER = "…"
COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", N_("Name")),
    ("organisation", N_("Organisation")),
    ("title", N_("Title")),
    ("category", N_("Category")),
    ("phone", N_("Phone")),
    ("arrived", N_("Arrived")),
)
GUEST_ID_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex


class GuestTableModel(QAbstractTableModel):
    """Rows are guest ids; ``fetch(ids) -> list[GuestView]`` reads them (GuestService.many)."""

    def __init__(
        self, fetch: Callable[[Sequence[str]], list[GuestView]], event: Callable[[], EventInfo | None], parent=None
    ) -> None:
        super().__init__(parent)
        self._fetch = fetch
        self._event = event
        self._ids: list[str] = []
        self._rows: dict[str, GuestView | None] = {}  # None: could not be read

    # --- content ------------------------------------------------------------------------------------

    def set_ids(self, ids: Iterable[str], known: Iterable[GuestView] = ()) -> None:
        """Show these guests (in this order); ``known`` seeds the cache (a search already read them)."""
        self.beginResetModel()
        self._ids = list(ids)
        self._rows = {guest.id: guest for guest in known}
        self.endResetModel()

    def guest_id(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def guest(self, row: int) -> GuestView | None:
        guest_id = self.guest_id(row)
        if guest_id is None:
            return None
        if guest_id not in self._rows:
            self._load_page(row)
        return self._rows.get(guest_id)

    def row_of(self, guest_id: str) -> int:
        try:
            return self._ids.index(guest_id)
        except ValueError:
            return -1

    def refresh_guest(self, guest_id: str, guest: GuestView | None = None) -> None:
        """A guest changed (checked in, edited): drop or replace its cached row and repaint it."""
        row = self.row_of(guest_id)
        if row < 0:
            return
        if guest is None:
            self._rows.pop(guest_id, None)
        else:
            self._rows[guest_id] = guest
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def _load_page(self, row: int) -> None:
        start = max(0, row - PAGE // 4)
        wanted = [i for i in dict.fromkeys(self._ids[start : start + PAGE]) if i not in self._rows]
        try:
            found = {guest.id: guest for guest in self._fetch(wanted)}
        except Exception:  # a broken row or database must not break painting
            log.exception("could not read guests")
            found = {}
        for guest_id in wanted:
            self._rows[guest_id] = found.get(guest_id)

    # --- Qt -----------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(COLUMNS)
        ):
            return _(COLUMNS[section][1])
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Vertical
            and 0 <= section < len(self._ids)
        ):
            return str(section + 1)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._ids) or not 0 <= index.column() < len(COLUMNS):
            return None
        if role == GUEST_ID_ROLE:
            return self._ids[index.row()]
        if role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.FontRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        guest = self.guest(index.row())
        if guest is None:
            return PLACEHOLDER if role == Qt.ItemDataRole.DisplayRole else None
        column = COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.ForegroundRole:
            if guest.state == "cancelled":
                return QBrush(QColor("#9a9a9a"))
            if guest.arrived_at is not None and column == "arrived":
                return QBrush(QColor("#1b6e35"))
            return None
        if role == Qt.ItemDataRole.FontRole:
            if column == "name":
                font = QFont()
                font.setBold(True)
                font.setStrikeOut(guest.state == "cancelled")
                return font
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return guest.note or None
        return self._cell(guest, column)

    def _cell(self, guest: GuestView, column: str) -> str:
        if column == "name":
            return guest.name or _("(name not known yet)")
        if column == "category":
            return category_label(guest.category)
        if column == "phone":
            return mask_phone(guest.phone)
        if column == "arrived":
            if guest.state == "cancelled":
                return _("Cancelled")
            if guest.arrived_at is None:
                return ""
            event = self._event()
            when = event.local_time(guest.arrived_at).strftime("%H:%M") if event else "?"
            return f"✔ {when} {guest.arrived_station or ''}".strip()
        return str(getattr(guest, column))
