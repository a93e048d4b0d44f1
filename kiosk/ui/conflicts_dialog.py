"""The sync conflicts a person should look at (double arrivals, crossed edits), in a non-modal dialog.

The list comes from :meth:`kiosk.core.sync_service.SyncService.conflicts` (derived from the journal);
this module only turns it into rows a volunteer can read: who, where, when, which values.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.guest_fields import FIELD_LABELS
from kiosk.core.guest_view import mask_email, mask_phone
from kiosk.i18n import N_, _
from kiosk.ui.row_model import RowListModel

Index = QModelIndex | QPersistentModelIndex
COLUMNS = (N_("Conflict"), N_("Guest"), N_("Field"), N_("First"), N_("Then"))
KIND_LABELS = {"double_arrival": N_("Checked in at two desks"), "concurrent_edit": N_("Edited at two desks")}


@dataclass(frozen=True)
class ConflictRow:
    kind: str
    guest: str
    field: str
    first: str
    then: str


def _when(epoch_ms: Any, zone) -> str:
    if not isinstance(epoch_ms, int | float) or epoch_ms <= 0:
        return "?"
    return datetime.fromtimestamp(epoch_ms / 1000, zone).strftime("%m-%d %H:%M:%S")


def _value(field: str, value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    if field == "phone":
        return mask_phone(text)
    if field == "email":
        return mask_email(text)
    return text or "—"


def conflict_rows(
    conflicts: list[dict[str, Any]], guest_names: dict[str, str], devices: dict[str, str], zone=None
) -> list[ConflictRow]:
    """Readable rows for ``SyncService.conflicts()``; an entry that cannot be read shows "?"."""
    rows = []
    for conflict in conflicts:
        kind, guest_id = conflict.get("kind", ""), conflict.get("guest") or ""
        field = conflict.get("field") or ""
        sides = []
        for entry in conflict.get("entries", []):
            payload = entry.get("payload") or {}
            desk = payload.get("station") or devices.get(entry.get("device", ""), "") or str(entry.get("device", ""))[:8]
            if kind == "double_arrival":
                sides.append(f"{desk} · {_when(payload.get('at'), zone)}")
            else:
                value = (payload.get("fields") or {}).get(field, "")
                sides.append(f"{_value(field, value)} ({desk} · {_when(entry.get('wall_time'), zone)})")
        rows.append(
            ConflictRow(
                kind,
                guest_names.get(guest_id, guest_id),
                _(FIELD_LABELS[field]) if field in FIELD_LABELS else field,
                sides[0] if sides else "?",
                "; ".join(sides[1:]) or "?",
            )
        )
    return rows


class ConflictTableModel(RowListModel[ConflictRow]):
    """A few rows (conflicts are rare): kept whole."""

    def column_count(self) -> int:
        return len(COLUMNS)

    def header(self, section: int) -> str:
        return _(COLUMNS[section])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        row = self.row(index.row()) if index.isValid() else None
        if row is None or not 0 <= index.column() < len(COLUMNS):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if index.column() == 0:
                return _(KIND_LABELS[row.kind]) if row.kind in KIND_LABELS else row.kind
            return (row.kind, row.guest, row.field, row.first, row.then)[index.column()]
        return None


class ConflictsDialog(QDialog):
    """Non-modal: the desk keeps scanning while it is open. Open with ``show()``, never ``exec()``."""

    def __init__(self, parent: QWidget | None, load: Callable[[], list[ConflictRow]]) -> None:
        super().__init__(parent)
        self._load = load
        self.setWindowTitle(_("Sync conflicts"))
        self.resize(900, 420)
        self.model = ConflictTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.note = QLabel(
            _("A guest checked in at two desks stays arrived once (the earlier check-in); undo the other if it was "
              "a mistake. For crossed edits the later value was kept; correct the guest if it is the wrong one.")
        )
        self.note.setWordWrap(True)
        self.empty = QLabel(_("No conflicts."))
        self.refresh_button = QPushButton(_("Refresh"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.refresh_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(buttons)
        self.refresh_button.clicked.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(self._load())
        self.empty.setVisible(self.model.rowCount() == 0)
        self.table.resizeRowsToContents()
