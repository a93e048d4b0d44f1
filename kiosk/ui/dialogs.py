"""The desk's dialogs: walk-in, edit guest, an organisation's delegation, start of shift, settings,
the hub, and the first-run choice (demo event or import). None of them writes: they return field values and the
window sends them to the core on the writer thread."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.categories import CATEGORIES, category_label
from kiosk.core.guest_view import GuestView
from kiosk.i18n import _

DIALOG_STYLE = "QLabel, QLineEdit, QComboBox, QPushButton, QCheckBox, QListWidget, QDateEdit { font-size: 17px; }"


class _Form(QDialog):
    def __init__(self, parent: QWidget | None, title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setStyleSheet(DIALOG_STYLE)
        self.setMinimumWidth(520)
        self.form = QFormLayout()
        self.heading = QLabel(title)
        self.heading.setStyleSheet("font-size: 22px; font-weight: 800; padding-bottom: 6px;")
        self.error = QLabel()
        self.error.setStyleSheet("color: #a8231c; font-weight: 700;")
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def _line(self, label: str, text: str = "", placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        edit.setPlaceholderText(placeholder)
        self.form.addRow(label, edit)
        return edit

    def _on_buttons_accepted(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        self.accept()

    def problem(self) -> str:
        return ""


def _category_box(current: str = "guest") -> QComboBox:
    box = QComboBox()
    for name in CATEGORIES:
        box.addItem(category_label(name), name)
    box.setCurrentIndex(max(0, box.findData(current)))
    return box


class GuestDialog(_Form):
    """Walk-in (``guest`` None) or correction of a guest's details. ``fields()`` gives what to store."""

    def __init__(self, parent: QWidget | None = None, guest: GuestView | None = None) -> None:
        super().__init__(parent, _("Edit guest") if guest else _("Register a walk-in"))
        self.guest = guest
        self.name = self._line(_("Name"), guest.name if guest else "")
        self.organisation = self._line(_("Organisation"), guest.organisation if guest else "")
        self.title = self._line(_("Title"), guest.title if guest else "")
        self.category = _category_box(guest.category if guest else "guest")
        self.form.addRow(_("Category"), self.category)
        # Staff correct the number by retyping it; the stored one is never shown in full.
        self.phone = self._line(_("Phone (optional)"), "", _("unchanged") if guest and guest.phone else "")
        if guest is not None:
            self.note = self._line(_("Note"), guest.note)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("Save") if guest else _("Save and check in"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))

    def problem(self) -> str:
        if not self.name.text().strip():
            return _("The name is required.")
        phone = self.phone.text().strip()
        if phone and not all(ch.isdigit() or ch in "+- " for ch in phone):
            return _("The phone number may hold only digits.")
        return ""

    def fields(self) -> dict[str, str]:
        values = {
            "name": self.name.text().strip(),
            "organisation": self.organisation.text().strip(),
            "title": self.title.text().strip(),
            "category": self.category.currentData(),
        }
        phone = self.phone.text().strip()
        if phone:
            values["phone"] = phone.replace(" ", "").replace("-", "")
        if self.guest is not None:
            values["note"] = self.note.text().strip()
        return values


class OrganisationDialog(QDialog):
    """Check in several guests of one organisation: a checkbox per guest not yet arrived."""

    def __init__(self, parent: QWidget | None, organisation: str, guests: list[GuestView]) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Delegation: {organisation}").format(organisation=organisation))
        self.setStyleSheet(DIALOG_STYLE)
        self.setMinimumSize(560, 420)
        self.list = QListWidget()
        for guest in guests:
            arrived = guest.arrived_at is not None
            text = " · ".join(part for part in (guest.name, guest.title, category_label(guest.category)) if part)
            if arrived:
                text += "  ✔ " + _("arrived")
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, guest.id)
            usable = not arrived and guest.state != "cancelled"
            item.setFlags(
                Qt.ItemFlag.ItemIsUserCheckable | (Qt.ItemFlag.ItemIsEnabled if usable else Qt.ItemFlag.NoItemFlags)
            )
            item.setCheckState(Qt.CheckState.Checked if usable else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))
        self.list.itemChanged.connect(self._on_list_item_changed)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("Tick the guests who are here:")))
        layout.addWidget(self.list, 1)
        layout.addWidget(self.buttons)
        self._on_list_item_changed()

    def selected_ids(self) -> list[str]:
        return [
            self.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _on_list_item_changed(self, _item=None) -> None:
        count = len(self.selected_ids())
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("Check in {count}").format(count=count))
        ok.setEnabled(count > 0)


class ShiftDialog(_Form):
    """Start of shift: station, session (optional), operator."""

    def __init__(
        self, parent: QWidget | None, *, station: str, operator: str, session: str, sessions: list[dict]
    ) -> None:
        super().__init__(parent, _("Start of shift"))
        self.station = self._line(_("Station"), station, _("e.g. Desk 2"))
        self.session = QComboBox()
        self.session.addItem(_("(no session)"), "")
        for item in sessions:
            self.session.addItem(f"{item['code']} — {item['name']}", item["code"])
        self.session.setCurrentIndex(max(0, self.session.findData(session)))
        self.form.addRow(_("Session"), self.session)
        self.operator = self._line(_("Your name"), operator)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Start"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))

    def problem(self) -> str:
        if not self.station.text().strip():
            return _("The station needs a name.")
        if not self.operator.text().strip():
            return _("Please type your name.")
        return ""

    def values(self) -> tuple[str, str, str]:
        return self.station.text().strip(), self.session.currentData(), self.operator.text().strip()


class SettingsDialog(_Form):
    """Language and sound."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        language: str,
        muted: bool,
        camera: str = "off",
        cameras: list[tuple[str, str]] | None = None,
        kiosk_preview: bool = False,
    ) -> None:
        super().__init__(parent, _("Settings"))
        self.language = QComboBox()
        self.language.addItem("中文", "zh")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(language)))
        self.form.addRow(_("Language"), self.language)
        self.muted = QCheckBox(_("Mute sounds"))
        self.muted.setChecked(muted)
        self.form.addRow("", self.muted)
        self.camera = QComboBox()
        self.camera.addItem(_("No camera (USB scanner only)"), "off")
        self.camera.addItem(_("Default camera"), "")
        for device_id, description in cameras or []:
            self.camera.addItem(description, device_id)
        self.camera.setCurrentIndex(max(0, self.camera.findData(camera)))
        self.form.addRow(_("Camera"), self.camera)
        self.kiosk_preview = QCheckBox(_("Self-service kiosk: show the badge for the guest to confirm"))
        self.kiosk_preview.setChecked(kiosk_preview)
        self.form.addRow("", self.kiosk_preview)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))

    def values(self) -> tuple[str, bool]:
        return self.language.currentData(), self.muted.isChecked()

    def device_values(self) -> tuple[str, bool]:
        """The camera id ("off" for none) and the kiosk's preview setting."""
        return self.camera.currentData(), self.kiosk_preview.isChecked()


class HubDialog(_Form):
    """The hub this desk syncs with: its address and this desk's token (checked before they are kept)."""

    def __init__(self, parent: QWidget | None, *, hub: str = "") -> None:
        super().__init__(parent, _("Hub settings"))
        self.hub = self._line(_("Hub address"), hub, "https://hub.example.org")
        self.token = self._line(_("Desk token"), "", _("leave empty to keep the current token"))
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Cancel"))

    def problem(self) -> str:
        if not self.hub.text().strip().lower().startswith(("http://", "https://")):
            return _("The hub address starts with http:// or https://")
        return ""

    def values(self) -> tuple[str, str]:
        return self.hub.text().strip(), self.token.text().strip()


class NewEventDialog(_Form):
    """The folder holds no event: make the demo event, or name a new event and import its guest list."""

    demo_chosen = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, _("No event yet"))
        intro = QLabel(
            _(
                "This data folder holds no event yet. Try the demo event, or create your event and "
                "import its guest list (CSV or Excel)."
            )
        )
        intro.setWordWrap(True)
        self.form.addRow(intro)
        self.demo = QPushButton(_("Create the demo event"))
        self.demo.clicked.connect(self._on_demo_clicked)
        self.form.addRow(self.demo)
        divider = QLabel(_("— or create your event and import its guest list —"))
        divider.setAlignment(Qt.AlignmentFlag.AlignCenter)
        divider.setStyleSheet("color: #5f6b7a; padding: 8px 0 4px 0;")
        self.form.addRow(divider)
        self.name = self._line(_("Event name"))
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.form.addRow(_("Date"), self.date)
        self.venue = self._line(_("Venue"))
        self.file = self._line(_("Guest list"), "", _("path of a .csv or .xlsx file"))
        self.browse = QPushButton(_("Choose file…"))
        self.form.addRow("", self.browse)
        self.choice = ""
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(_("Create and import"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_("Quit"))
        self.browse.clicked.connect(self._on_browse_clicked)

    def _on_demo_clicked(self) -> None:
        self.choice = "demo"
        self.accept()

    def _on_browse_clicked(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _filter = QFileDialog.getOpenFileName(self, _("Guest list"), "", "CSV / Excel (*.csv *.xlsx *.txt)")
        if path:
            self.file.setText(path)

    def problem(self) -> str:
        if not self.name.text().strip():
            return _("The event needs a name.")
        if not self.file.text().strip():
            return _("Choose the guest list file.")
        return ""

    def accept(self) -> None:
        if not self.choice:
            self.choice = "import"
        super().accept()

    def event_fields(self) -> dict[str, str]:
        chosen: date = self.date.date().toPython()
        return {
            "name": self.name.text().strip(),
            "date_text": chosen.isoformat(),
            "venue": self.venue.text().strip(),
            "timezone": "Asia/Shanghai",
        }
