"""Finding a guest without a code: search-as-you-type, a lazy results table, and a detail pane.

Keyboard only: type, arrow down (or Enter) into the table, Enter checks in the current guest.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kiosk.categories import category_label
from kiosk.core.desk import EventInfo
from kiosk.core.guest_view import GuestView, mask_email, mask_phone
from kiosk.i18n import _
from kiosk.ui.guest_model import GuestTableModel

DEBOUNCE_MS = 120
SEARCH_LIMIT = 500


class GuestTable(QTableView):
    """Signals: activated_guest(str): Enter on a row."""

    activated_guest = Signal(str)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            index = self.currentIndex()
            model = self.model()
            if index.isValid() and isinstance(model, GuestTableModel):
                guest_id = model.guest_id(index.row())
                if guest_id:
                    self.activated_guest.emit(guest_id)
            event.accept()
            return
        super().keyPressEvent(event)


class SearchPanel(QWidget):
    """Signals:
    check_in_requested(list): check in these guest ids.
    undo_requested(str): undo the last check-in of this guest (id).
    edit_requested(str), delegation_requested(str): guest id.
    print_requested(str): print (or reprint) this guest's badge (id).
    current_changed(str): the guest shown in the detail pane (id, or "" for none).
    searched(str): results for this query are shown.
    """

    check_in_requested = Signal(list)
    undo_requested = Signal(str)
    edit_requested = Signal(str)
    delegation_requested = Signal(str)
    print_requested = Signal(str)
    current_changed = Signal(str)
    searched = Signal(str)

    def __init__(
        self,
        model: GuestTableModel,
        search: Callable[[str, int], list[GuestView]],
        all_ids: Callable[[], list[str]],
        event: Callable[[], EventInfo | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self._search = search
        self._all_ids = all_ids
        self._event = event
        self.undoable: Callable[[str], bool] = lambda _guest_id: False

        self.box = QLineEdit()
        self.box.setObjectName("searchBox")
        self.box.setClearButtonEnabled(True)
        self.box.setStyleSheet("#searchBox { font-size: 20px; padding: 6px; }")
        self.count = QLabel()
        self.table = GuestTable()
        self.table.setModel(model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setStyleSheet("QTableView { font-size: 16px; } QHeaderView::section { font-size: 15px; }")
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate((110, 180, 100, 84, 118, 120)):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)

        self.check_in_selected = QPushButton()
        self.check_in_selected.setObjectName("checkInSelected")

        top = QHBoxLayout()
        top.addWidget(self.box, 1)
        top.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.check_in_selected)
        layout.addLayout(bottom)

        self.detail = DetailPane()
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._connect_signals()
        self.retranslate()

    def _connect_signals(self) -> None:
        self.box.textChanged.connect(self._on_box_text_changed)
        self.box.installEventFilter(self)
        self._debounce.timeout.connect(self._on_debounce_timeout)
        self.table.activated_guest.connect(self._on_table_activated_guest)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self.model.modelReset.connect(self._on_model_reset)
        self.model.dataChanged.connect(self._on_model_data_changed)
        self.check_in_selected.clicked.connect(self._on_check_in_selected_clicked)
        self.detail.check_in.clicked.connect(self._on_detail_check_in_clicked)
        self.detail.undo.clicked.connect(self._on_detail_undo_clicked)
        self.detail.edit.clicked.connect(self._on_detail_edit_clicked)
        self.detail.delegation.clicked.connect(self._on_detail_delegation_clicked)
        self.detail.print_badge.clicked.connect(self._on_detail_print_badge_clicked)

    # --- searching ------------------------------------------------------------------------------------

    def run_search(self) -> None:
        """Search now for the box's text (the debounce timer calls this)."""
        self._debounce.stop()
        query = self.box.text().strip()
        if query:
            found = self._search(query, SEARCH_LIMIT)
            self.model.set_ids([guest.id for guest in found], found)
        else:
            self.model.set_ids(self._all_ids())
        if self.model.rowCount():
            self.table.selectionModel().setCurrentIndex(
                self.model.index(0, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
        self.searched.emit(query)

    def current_guest_id(self) -> str:
        index = self.table.currentIndex()
        return (self.model.guest_id(index.row()) or "") if index.isValid() else ""

    def selected_ids(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [guest_id for row in rows if (guest_id := self.model.guest_id(row))]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.box and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self._debounce.isActive():
                    self.run_search()
                if self.model.rowCount():
                    self.table.setFocus()
                    if not self.table.currentIndex().isValid():
                        self.table.setCurrentIndex(self.model.index(0, 0))
                return True
        return super().eventFilter(watched, event)

    # --- detail ---------------------------------------------------------------------------------------

    def show_detail(self) -> None:
        index = self.table.currentIndex()
        guest = self.model.guest(index.row()) if index.isValid() else None
        self.detail.show_guest(guest, self._event(), self.undoable(guest.id) if guest else False)
        self.current_changed.emit(guest.id if guest else "")

    # --- language -------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.box.setPlaceholderText(_("Search: name, pinyin, initials, organisation or last digits of the phone"))
        self._update_counts()
        self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.model.columnCount() - 1)
        self.detail.retranslate()
        self.show_detail()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _update_counts(self) -> None:
        self.count.setText(_("{count} guests").format(count=self.model.rowCount()))
        selected = len(self.selected_ids())
        self.check_in_selected.setText(_("Check in selected ({count})").format(count=selected))
        self.check_in_selected.setEnabled(selected > 0)

    # --- slots ----------------------------------------------------------------------------------------

    def _on_box_text_changed(self, _text: str) -> None:
        self._debounce.start()

    def _on_debounce_timeout(self) -> None:
        self.run_search()

    def _on_table_activated_guest(self, guest_id: str) -> None:
        self.check_in_requested.emit([guest_id])

    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        guest_id = self.model.guest_id(index.row())
        if guest_id:
            self.check_in_requested.emit([guest_id])

    def _on_selection_changed(self, *_args) -> None:
        self._update_counts()

    def _on_current_row_changed(self, *_args) -> None:
        self.show_detail()

    def _on_model_reset(self) -> None:
        self._update_counts()
        self.show_detail()

    def _on_model_data_changed(self, top_left: QModelIndex, *_args) -> None:
        if top_left.row() == self.table.currentIndex().row():
            self.show_detail()

    def _on_check_in_selected_clicked(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.check_in_requested.emit(ids)

    def _on_detail_check_in_clicked(self) -> None:
        if self.detail.guest is not None:
            self.check_in_requested.emit([self.detail.guest.id])

    def _on_detail_undo_clicked(self) -> None:
        if self.detail.guest is not None:
            self.undo_requested.emit(self.detail.guest.id)

    def _on_detail_edit_clicked(self) -> None:
        if self.detail.guest is not None:
            self.edit_requested.emit(self.detail.guest.id)

    def _on_detail_delegation_clicked(self) -> None:
        if self.detail.guest is not None:
            self.delegation_requested.emit(self.detail.guest.id)

    def _on_detail_print_badge_clicked(self) -> None:
        if self.detail.guest is not None:
            self.print_requested.emit(self.detail.guest.id)


class DetailPane(QGroupBox):
    """The current guest in full (phone and e-mail masked), with the actions on them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.guest: GuestView | None = None
        self.setStyleSheet("QLabel { font-size: 16px; } QPushButton { font-size: 16px; padding: 5px 10px; }")
        self.name = QLabel()
        self.name.setObjectName("detailName")
        self.name.setStyleSheet("#detailName { font-size: 26px; font-weight: 800; }")
        self.name.setWordWrap(True)
        self.note = QLabel()
        self.note.setObjectName("detailNote")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(
            "#detailNote { background: #fff3b0; border: 3px solid #1d1d1d; padding: 4px 8px; font-weight: 800; }"
        )
        self.labels: dict[str, QLabel] = {}
        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setVerticalSpacing(4)
        for key in ("organisation", "title", "category", "phone", "email", "status"):
            label, value = QLabel(), QLabel()
            value.setWordWrap(True)
            self.labels[key], self.values[key] = label, value
            form.addRow(label, value)
        self.check_in = QPushButton()
        self.check_in.setObjectName("detailCheckIn")
        self.undo = QPushButton()
        self.edit = QPushButton()
        self.delegation = QPushButton()
        self.print_badge = QPushButton()
        self.print_badge.setObjectName("detailPrintBadge")
        buttons = QHBoxLayout()
        for button in (self.check_in, self.undo, self.edit, self.delegation, self.print_badge):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.name)
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.retranslate()
        self.show_guest(None, None, False)

    def retranslate(self) -> None:
        self.setTitle(_("Guest"))
        names = {
            "organisation": _("Organisation"),
            "title": _("Title"),
            "category": _("Category"),
            "phone": _("Phone"),
            "email": _("E-mail"),
            "status": _("Status"),
        }
        for key, label in self.labels.items():
            label.setText(names[key])
        self.check_in.setText(_("Check in"))
        self.undo.setText(_("Undo"))
        self.edit.setText(_("Edit…"))
        self.delegation.setText(_("Delegation…"))
        self.print_badge.setText(_("Print badge"))

    def show_guest(self, guest: GuestView | None, event: EventInfo | None, undoable: bool) -> None:
        self.guest = guest
        if guest is None:
            self.name.setText(_("No guest selected"))
            self.note.hide()
            for value in self.values.values():
                value.setText("")
            for button in (self.check_in, self.undo, self.edit, self.delegation, self.print_badge):
                button.setEnabled(False)
            return
        self.name.setText(guest.name or _("(name not known yet)"))
        self.note.setText("★ " + guest.note)
        self.note.setVisible(bool(guest.note))
        self.values["organisation"].setText(guest.organisation)
        self.values["title"].setText(guest.title)
        self.values["category"].setText(category_label(guest.category))
        self.values["phone"].setText(mask_phone(guest.phone))
        self.values["email"].setText(mask_email(guest.email) if guest.email else "")
        if guest.state == "cancelled":
            status = _("Registration cancelled")
        elif guest.arrived_at is not None:
            when = event.local_time(guest.arrived_at).strftime("%H:%M") if event else "?"
            status = _("Arrived at {time} at desk “{station}”").format(time=when, station=guest.arrived_station or "?")
        else:
            status = _("Not arrived yet")
        self.values["status"].setText(status)
        self.check_in.setEnabled(guest.state != "cancelled")
        self.undo.setEnabled(undoable)
        self.edit.setEnabled(True)
        self.delegation.setEnabled(bool(guest.organisation))
        self.print_badge.setEnabled(bool(guest.name) and guest.state != "cancelled")
