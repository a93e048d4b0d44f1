"""The agreements tab: the register with state filters, the create/edit dialog with party and
signatory pickers, cover sheets (PDF, opened in the system viewer) and state changes; plus the
reports menu (attendance, agreement register, sign-in sheet, check-in export).

The tab adapts; kiosk.core.agreements and kiosk.core.reports decide. Writes go through the window's
TaskManager (one writer thread) when one is given, else run at once (tests, small tools).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QUrl, Signal
from PySide6.QtGui import QBrush, QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.agreements import (
    KINDS,
    STATES,
    AgreementService,
    AgreementView,
    Party,
    Signatory,
    kind_label,
    state_label,
)
from kiosk.core.desk import Desk
from kiosk.i18n import N_, _
from kiosk.ui.row_model import RowListModel

Index = QModelIndex | QPersistentModelIndex
COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", N_("No.")),
    ("kind", N_("Kind")),
    ("title", N_("Agreement title")),
    ("parties", N_("Parties and signatories")),
    ("signing_time", N_("Signed at")),
    ("state", N_("State")),
)
STATE_COLORS = {
    "draft": "#6b6b6b", "ready": "#9a6700", "signed": "#1a7f37", "collected": "#0b5cad", "cancelled": "#a8231c",
}
AGREEMENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1


def _parties_text(view: AgreementView) -> str:
    return " / ".join(
        p.name + (f"（{'、'.join(s.name for s in p.signatories)}）" if p.signatories else "") for p in view.parties
    )


class AgreementTableModel(RowListModel[AgreementView]):
    """Rows are agreements (a register holds tens, not thousands: kept whole)."""

    def agreement(self, row: int) -> AgreementView | None:
        return self.row(row)

    def column_count(self) -> int:
        return len(COLUMNS)

    def header(self, section: int) -> str:
        return _(COLUMNS[section][1])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows) or not 0 <= index.column() < len(COLUMNS):
            return None
        view = self._rows[index.row()]
        column = COLUMNS[index.column()][0]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            try:
                return self._cell(view, column)
            except Exception:  # a damaged row shows a placeholder, never raises inside data()
                return "…"
        if role == AGREEMENT_ID_ROLE:
            return view.id
        if role == Qt.ItemDataRole.ForegroundRole and column == "state":
            return QBrush(QColor(STATE_COLORS.get(view.state, "#000000")))
        return None

    def _cell(self, view: AgreementView, column: str) -> str:
        if column == "kind":
            return kind_label(view.kind)
        if column == "state":
            return state_label(view.state)
        if column == "parties":
            return _parties_text(view)
        return str(getattr(view, column))


class PartyEditor(QGroupBox):
    """One party: its organisation (picked from the guests' or typed) and its signatories (guests of
    that organisation, ticked, plus names typed as "name title")."""

    def __init__(self, service: AgreementService, organisations: list[str], party: Party | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.organisation = QComboBox()
        self.organisation.setEditable(True)
        self.organisation.addItems(organisations)
        self.organisation.setCurrentText(party.name if party else "")
        self.people = QListWidget()
        self.people.setMaximumHeight(110)
        self.extra = QLineEdit()
        self.extra.setPlaceholderText(_("Other signatories: name title, separated by ;"))
        self.remove = QPushButton(_("Remove party"))
        layout = QFormLayout(self)
        layout.addRow(_("Organisation"), self.organisation)
        layout.addRow(_("Signatories"), self.people)
        layout.addRow("", self.extra)
        layout.addRow("", self.remove)
        self.organisation.currentTextChanged.connect(self._on_organisation_current_text_changed)
        self._fill(party)

    def _fill(self, party: Party | None) -> None:
        chosen = {(s.name, s.title) for s in party.signatories} if party else set()
        self.people.clear()
        known = set()
        for person in self._service.signatory_candidates(self.organisation.currentText().strip()):
            item = QListWidgetItem(f"{person.name}  {person.title}".strip())
            item.setData(Qt.ItemDataRole.UserRole, (person.name, person.title, person.guest_id))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if (person.name, person.title) in chosen
                               else Qt.CheckState.Unchecked)
            self.people.addItem(item)
            known.add((person.name, person.title))
        typed = [f"{s.name} {s.title}".strip() for s in party.signatories if (s.name, s.title) not in known] \
            if party else []
        self.extra.setText("; ".join(typed))

    def _on_organisation_current_text_changed(self, _text: str) -> None:
        self._fill(self.party())

    def party(self) -> Party:
        people = []
        for row in range(self.people.count()):
            item = self.people.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                name, title, guest_id = item.data(Qt.ItemDataRole.UserRole)
                people.append(Signatory(name, title, guest_id))
        for chunk in self.extra.text().replace("；", ";").split(";"):
            name, _sep, title = chunk.strip().partition(" ")
            if name:
                people.append(Signatory(name, title.strip()))
        return Party(self.organisation.currentText().strip(), tuple(people))


class AgreementDialog(QDialog):
    """Create or edit an agreement. ``values()`` gives the keyword arguments of create/update."""

    def __init__(self, service: AgreementService, sessions: list[dict], agreement: AgreementView | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._organisations = service.organisations()
        self.setWindowTitle(_("Edit agreement") if agreement else _("New agreement"))
        self.setMinimumWidth(640)
        self.kind = QComboBox()
        for kind in KINDS:
            self.kind.addItem(kind_label(kind), kind)
        self.title = QLineEdit(agreement.title if agreement else "")
        self.witness = QLineEdit(agreement.witness if agreement else "")
        self.witness.setPlaceholderText(_("e.g. the district government"))
        self.session = QComboBox()
        self.session.addItem("", "")
        for session in sessions:
            self.session.addItem(session["name"], session["code"])
        self.signing_time = QLineEdit(agreement.signing_time if agreement else "")
        self.signing_time.setPlaceholderText("2026-06-30 10:30")
        self.place = QLineEdit(agreement.place if agreement else "")
        if agreement:
            self.kind.setCurrentIndex(max(self.kind.findData(agreement.kind), 0))
            self.session.setCurrentIndex(max(self.session.findData(agreement.session), 0))
        form = QFormLayout()
        form.addRow(_("Kind"), self.kind)
        form.addRow(_("Agreement title"), self.title)
        form.addRow(_("Witness"), self.witness)
        form.addRow(_("Session"), self.session)
        form.addRow(_("Signed at"), self.signing_time)
        form.addRow(_("Place"), self.place)
        self.parties_box = QVBoxLayout()
        holder = QWidget()
        holder.setLayout(self.parties_box)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        scroll.setMinimumHeight(320)
        self.add_party_button = QPushButton(_("Add party"))
        self.add_party_button.clicked.connect(self._on_add_party_button_clicked)
        self.error = QLabel()
        self.error.setStyleSheet("color: #a8231c; font-weight: 700;")
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._on_buttons_accepted)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(scroll)
        layout.addWidget(self.add_party_button)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.party_editors: list[PartyEditor] = []
        for party in (agreement.parties if agreement else (None, None)):
            self.add_party(party)

    def add_party(self, party: Party | None = None) -> PartyEditor:
        editor = PartyEditor(self._service, self._organisations, party)
        editor.remove.clicked.connect(lambda: self._remove_party(editor))
        self.party_editors.append(editor)
        self.parties_box.addWidget(editor)
        self._renumber()
        return editor

    def _remove_party(self, editor: PartyEditor) -> None:
        if len(self.party_editors) > 2:
            self.party_editors.remove(editor)
            editor.setParent(None)
            editor.deleteLater()
            self._renumber()

    def _renumber(self) -> None:
        for index, editor in enumerate(self.party_editors):
            editor.setTitle(_("Party {letter}").format(letter="甲乙丙丁戊己庚辛"[index] if index < 8 else index + 1))

    def _on_add_party_button_clicked(self) -> None:
        self.add_party()

    def values(self) -> dict[str, Any]:
        return {
            "kind": self.kind.currentData(),
            "title": self.title.text().strip(),
            "parties": [editor.party() for editor in self.party_editors],
            "witness": self.witness.text().strip(),
            "session": self.session.currentData() or "",
            "signing_time": self.signing_time.text().strip(),
            "place": self.place.text().strip(),
        }

    def problem(self) -> str:
        values = self.values()
        if not values["title"]:
            return _("An agreement needs a title.")
        if sum(1 for p in values["parties"] if p.name) < 2:
            return _("An agreement needs at least two parties.")
        return ""

    def _on_buttons_accepted(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        self.accept()


Runner = Callable[..., None]


class AgreementsTab(QWidget):
    """The register of agreements.

    Signals:
        changed(str): an agreement was created or changed (its id).
        cover_sheet_written(str): a cover sheet PDF was written (its path).
        failed(str): an action failed (the message, for the status bar).
    """

    changed = Signal(str)
    cover_sheet_written = Signal(str)
    failed = Signal(str)

    def __init__(self, desk: Desk, tasks=None, parent: QWidget | None = None, *,
                 open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl) -> None:
        super().__init__(parent)
        self.desk = desk
        self.service = AgreementService(desk)
        self._tasks = tasks
        self._open_url = open_url
        self.filter = QComboBox()
        self.filter.addItem(_("All agreements"), "")
        for state in STATES:
            self.filter.addItem(state_label(state), state)
        self.model = AgreementTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(True)
        # Number, kind, title, time and state fit their text; the parties take the rest of the width.
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.counts = QLabel()
        self.new_button = QPushButton(_("New agreement"))
        self.edit_button = QPushButton(_("Edit"))
        self.cover_button = QPushButton(_("Print cover sheet"))
        self.state_buttons = {
            state: QPushButton(label)
            for state, label in (("ready", _("Ready to sign")), ("signed", _("Mark signed")),
                                 ("collected", _("Original collected")), ("cancelled", _("Cancel agreement")))
        }
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Show")))
        top.addWidget(self.filter)
        top.addStretch(1)
        top.addWidget(self.counts)
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.cover_button, *self.state_buttons.values()):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self._connect_signals()
        self.refresh()

    def _connect_signals(self) -> None:
        self.filter.currentIndexChanged.connect(self._on_filter_current_index_changed)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.cover_button.clicked.connect(self._on_cover_button_clicked)
        for state, button in self.state_buttons.items():
            button.clicked.connect(lambda _checked=False, s=state: self.set_state_of_selected(s))
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)

    # --- reading ------------------------------------------------------------------------------------

    def refresh(self) -> None:
        state = self.filter.currentData()
        selected = self.selected()
        self.model.set_rows(self.service.list({state} if state else None))
        counts = self.service.counts()
        self.counts.setText("  ".join(f"{state_label(s)} {n}" for s, n in counts.items() if n))
        if selected is not None:
            self.select(selected.id)
        self._update_buttons()

    def selected(self) -> AgreementView | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.agreement(rows[0].row()) if rows else None

    def select(self, agreement_id: str) -> None:
        for row in range(self.model.rowCount()):
            if self.model.index(row, 0).data(AGREEMENT_ID_ROLE) == agreement_id:
                self.table.selectRow(row)
                return

    def _update_buttons(self) -> None:
        from kiosk.core.agreements import TRANSITIONS

        current = self.selected()
        self.edit_button.setEnabled(current is not None and current.state not in {"signed", "collected"})
        self.cover_button.setEnabled(current is not None)
        for state, button in self.state_buttons.items():
            button.setEnabled(current is not None and state in TRANSITIONS[current.state])

    def _on_filter_current_index_changed(self, _index: int) -> None:
        self.refresh()

    def _on_table_selection_changed(self, *_args) -> None:
        self._update_buttons()

    # --- writing ------------------------------------------------------------------------------------

    def _run(self, function: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        if self._tasks is not None:
            self._tasks.write(function, on_done=on_done, on_error=self._on_task_error)
            return
        try:
            result = function()
        except (ValueError, LookupError, OSError) as error:
            self._on_task_error(error)
            return
        on_done(result)

    def _on_task_error(self, error: BaseException) -> None:
        self.failed.emit(str(error))

    def _on_done(self, view: AgreementView) -> None:
        self.refresh()
        self.select(view.id)
        self.changed.emit(view.id)

    def create(self, values: dict[str, Any]) -> None:
        self._run(lambda: self.service.create(**values), self._on_done)

    def update(self, agreement_id: str, values: dict[str, Any]) -> None:
        self._run(lambda: self.service.update(agreement_id, **values), self._on_done)

    def set_state_of_selected(self, state: str) -> None:
        current = self.selected()
        if current is not None:
            self._run(lambda: self.service.set_state(current.id, state), self._on_done)

    def cover_sheet(self, agreement_id: str, output: Path | None = None) -> None:
        """Write the cover sheet PDF and open it in the system's viewer."""
        target = output or Path(tempfile.gettempdir()) / f"cover-{agreement_id}.pdf"

        def done(_result: object) -> None:
            self.cover_sheet_written.emit(str(target))
            self._open_url(QUrl.fromLocalFile(str(target)))

        self._run(lambda: self.service.cover_sheet_pdf(agreement_id, target), done)

    def dialog(self, agreement: AgreementView | None = None) -> AgreementDialog:
        return AgreementDialog(self.service, self.desk.sessions(), agreement, self)

    def _on_new_button_clicked(self) -> None:
        dialog = self.dialog()
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.create(dialog.values())

    def _on_edit_button_clicked(self) -> None:
        current = self.selected()
        if current is None:
            return
        dialog = self.dialog(self.service.get(current.id))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.update(current.id, dialog.values())

    def _on_cover_button_clicked(self) -> None:
        current = self.selected()
        if current is not None:
            self.cover_sheet(current.id)


class ReportsMenu(QMenu):
    """Reports and exports: each asks where to save, writes the file through the core, opens it.

    Signals:
        written(str): a report file was written (its path).
        failed(str): writing failed (the message).
    """

    written = Signal(str)
    failed = Signal(str)

    ENTRIES: tuple[tuple[str, str, str], ...] = (
        ("attendance", ".pdf", N_("Attendance report (PDF)")),
        ("attendance", ".xlsx", N_("Attendance report (Excel)")),
        ("agreements", ".pdf", N_("Agreement register (PDF)")),
        ("agreements", ".xlsx", N_("Agreement register (Excel)")),
        ("sign-in", ".pdf", N_("Sign-in sheet (PDF)")),
        ("sign-in", ".xlsx", N_("Sign-in sheet (Excel)")),
        ("checkins", ".csv", N_("Check-in export (CSV)")),
        ("checkins", ".xlsx", N_("Check-in export (Excel)")),
    )

    def __init__(self, desk: Desk, parent: QWidget | None = None, *, tasks=None,
                 ask_path: Callable[[str, str], str] | None = None,
                 open_url: Callable[[QUrl], Any] = QDesktopServices.openUrl) -> None:
        super().__init__(_("Reports"), parent)
        self.desk = desk
        self._tasks = tasks
        self._ask_path = ask_path or self._ask_with_dialog
        self._open_url = open_url
        for name, suffix, label in self.ENTRIES:
            action = self.addAction(_(label))
            action.setData((name, suffix))
            action.triggered.connect(lambda _checked=False, n=name, s=suffix: self.write(n, s))

    def _ask_with_dialog(self, name: str, suffix: str) -> str:
        path, _filter = QFileDialog.getSaveFileName(self.parentWidget(), _("Save report"), f"{name}{suffix}",
                                                    f"*{suffix}")
        return path

    def write(self, name: str, suffix: str) -> None:
        chosen = self._ask_path(name, suffix)
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)

        def work() -> Path:
            from kiosk.core import reports

            if name == "checkins":
                reports.export_checkins(self.desk, path)
            else:
                reports.write_report(self.desk, name, path)
            return path

        def done(result: Path) -> None:
            self.written.emit(str(result))
            self._open_url(QUrl.fromLocalFile(str(result)))

        if self._tasks is not None:
            self._tasks.write(work, on_done=done, on_error=lambda error: self._failed(error))
            return
        try:
            result = work()
        except (ValueError, OSError) as error:
            self._failed(error)
            return
        done(result)

    def _failed(self, error: BaseException) -> None:
        self.failed.emit(str(error))
        if self.parentWidget() is not None and self.isVisible():
            QMessageBox.warning(self.parentWidget(), _("Reports"), str(error))
