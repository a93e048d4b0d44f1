"""The verdict: green / amber / red with an icon and words (colour-blind volunteers), the name large."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.categories import category_label
from kiosk.core.checkin import Verdict
from kiosk.core.desk import EventInfo
from kiosk.i18n import _
from kiosk.paths import resource

STYLES = {
    # background, text; amber carries dark text (contrast), the others white.
    "idle": ("#eef1f5", "#263241"),
    "ok": ("#1b7f3b", "#ffffff"),
    "warn": ("#f2b200", "#1d1d1d"),
    "refused": ("#a8231c", "#ffffff"),
}
NAME_PX = 56


def headline(status: str) -> str:
    return {
        "idle": _("Ready to scan"),
        "ok": _("CHECKED IN"),
        "warn": _("ALREADY ARRIVED"),
        "refused": _("NOT ADMITTED"),
    }[status]


class VerdictPanel(QFrame):
    """Shows one verdict until the next replaces it.

    Signals:
        undo_requested(str): the volunteer asked to undo this check-in (its id).
        name_entered(str, str): a name typed for a guest this desk did not know (guest id, name).
        retry_print_requested(str): print this failed badge job again (job id).
    """

    undo_requested = Signal(str)
    name_entered = Signal(str, str)
    retry_print_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdictPanel")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(280)
        self.setAutoFillBackground(True)
        self.verdict: Verdict | None = None
        self.status = "idle"
        self._event: EventInfo | None = None
        self._styled = ""

        self.icon = QLabel()
        self.icon.setFixedSize(88, 88)
        self.headline = QLabel()
        self.headline.setObjectName("verdictHeadline")
        self.message = QLabel()
        self.message.setObjectName("verdictMessage")
        self.message.setWordWrap(True)
        self.name = QLabel()
        self.name.setObjectName("verdictName")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.details = QLabel()
        self.details.setObjectName("verdictDetails")
        self.details.setWordWrap(True)
        self.note = QLabel()
        self.note.setObjectName("verdictNote")
        self.note.setWordWrap(True)
        self.note.hide()

        self.stub_box = QWidget()
        self.stub_label = QLabel()
        self.stub_name = QLineEdit()
        self.stub_name.setObjectName("stubName")
        self.stub_save = QPushButton()
        stub_row = QHBoxLayout(self.stub_box)
        stub_row.setContentsMargins(0, 0, 0, 0)
        stub_row.addWidget(self.stub_label)
        stub_row.addWidget(self.stub_name, 1)
        stub_row.addWidget(self.stub_save)
        self.stub_box.hide()

        self.undo = QPushButton()
        self.undo.setObjectName("verdictUndo")
        self.undo.hide()

        # The automatic badge's outcome, discreetly: printing…, printed, or failed with a retry link.
        self.print_status = QLabel()
        self.print_status.setObjectName("verdictPrint")
        self.print_status.setTextFormat(Qt.TextFormat.RichText)
        self.print_status.setWordWrap(True)
        self.print_status.hide()
        self.print_job_id = ""
        self.print_guest_id = ""

        top = QHBoxLayout()
        top.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        words = QVBoxLayout()
        words.addWidget(self.headline)
        words.addWidget(self.message)
        top.addLayout(words, 1)
        top.addWidget(self.undo, 0, Qt.AlignmentFlag.AlignTop)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 20, 14)
        layout.addLayout(top)
        layout.addWidget(self.name)
        layout.addWidget(self.details)
        layout.addWidget(self.note)
        layout.addWidget(self.stub_box)
        layout.addStretch(1)
        layout.addWidget(self.print_status)

        self.undo.clicked.connect(self._on_undo_clicked)
        self.stub_save.clicked.connect(self._on_stub_save_clicked)
        self.stub_name.returnPressed.connect(self._on_stub_save_clicked)
        self.print_status.linkActivated.connect(self._on_print_status_link_activated)
        self.retranslate()
        self._paint()

    # --- showing ------------------------------------------------------------------------------------

    def show_verdict(self, verdict: Verdict, event: EventInfo | None) -> None:
        self.verdict = verdict
        self._event = event
        self.status = verdict.status
        self.clear_print()
        self._paint()

    def clear(self) -> None:
        self.verdict = None
        self.status = "idle"
        self.clear_print()
        self._paint()

    # --- the badge -----------------------------------------------------------------------------------

    @property
    def guest_id(self) -> str:
        verdict = self.verdict
        return verdict.guest.id if verdict is not None and verdict.guest is not None else ""

    def show_printing(self, guest_id: str) -> None:
        """The badge of the shown guest is on its way."""
        if guest_id and guest_id == self.guest_id:
            self.print_guest_id, self.print_job_id = guest_id, ""
            self._set_print(_("Badge printing…"), "")

    def show_print_job(self, job_id: str, guest_id: str, state: str, error: str = "") -> None:
        """A job's state, if it is the shown guest's badge (a later verdict is left alone)."""
        if not guest_id or guest_id != self.guest_id:
            return
        if self.print_job_id and job_id != self.print_job_id:
            return
        self.print_guest_id, self.print_job_id = guest_id, job_id
        if state == "done":
            self._set_print("✓ " + _("Badge printed"), "")
        elif state == "failed":
            link = f'<a href="retry:{job_id}" style="color:#1d4ed8;">{_("Retry")}</a>'
            self._set_print("✖ " + _html(_("Badge printing failed: {error}").format(error=error)) + " " + link,
                            "failed")
        else:
            self._set_print(_("Badge printing…"), "")

    def clear_print(self) -> None:
        self.print_job_id = self.print_guest_id = ""
        self.print_status.clear()
        self.print_status.hide()

    def _set_print(self, html: str, kind: str) -> None:
        colour = "#a8231c" if kind == "failed" else "#263241"
        self.print_status.setStyleSheet(
            f"#verdictPanel QLabel#verdictPrint {{ color: {colour}; background: rgba(255, 255, 255, 0.92);"
            " border-radius: 6px; padding: 4px 10px; font-size: 16px;"
            f" font-weight: {800 if kind == 'failed' else 400}; }}"
        )
        self.print_status.setText(html)
        self.print_status.show()

    def _paint(self) -> None:
        if self._styled != self.status:  # restyling is the slow part of showing a verdict: only on a change
            self._styled = self.status
            self._restyle()
        self._fill()

    def _restyle(self) -> None:
        background, text = STYLES[self.status]
        self.setStyleSheet(
            f"#verdictPanel {{ background: {background}; border-radius: 10px; }}"
            f"#verdictPanel QLabel {{ color: {text}; background: transparent; }}"
            f"#verdictHeadline {{ font-size: 30px; font-weight: 800; letter-spacing: 1px; }}"
            f"#verdictMessage {{ font-size: 20px; }}"
            f"#verdictName {{ font-size: {NAME_PX}px; font-weight: 800; }}"
            f"#verdictDetails {{ font-size: 22px; }}"
            "#verdictPanel QLabel#verdictNote { color: #1d1d1d; background: #fff3b0; border: 4px solid #1d1d1d;"
            " border-radius: 6px; padding: 8px 12px; font-size: 24px; font-weight: 800; }"
            "#verdictPanel QPushButton { font-size: 18px; padding: 6px 14px; }"
            "#verdictPanel QLineEdit { font-size: 22px; padding: 4px; color: #1d1d1d; background: white; }"
        )
        self.icon.setPixmap(QIcon(str(resource("icons", f"{self.status}.svg"))).pixmap(QSize(88, 88)))

    def _fill(self) -> None:
        self.headline.setText(headline(self.status))
        verdict = self.verdict
        if verdict is None:
            self.message.setText(_("Scan an invitation code anywhere in this window, or search by name below."))
            self.name.setText("")
            self.details.setText("")
            self.note.hide()
            self.stub_box.hide()
            self.undo.hide()
            return
        self.message.setText(verdict.message)
        guest = verdict.guest
        stub = guest is not None and guest.stub
        if guest is not None and guest.name:
            self.name.setText(guest.name)
        elif stub:
            self.name.setText(_("Name not known at this desk"))
        else:
            self.name.setText("")
        self.details.setText(self._details_text(verdict))
        note = guest.note if guest else ""
        self.note.setText("★ " + note if note else "")
        self.note.setVisible(bool(note))
        self.stub_box.setVisible(bool(stub and guest and not guest.name))
        if self.stub_box.isVisible():
            self.stub_name.clear()
        self.undo.setVisible(verdict.checkin_id is not None and verdict.status != "refused")

    def _details_text(self, verdict: Verdict) -> str:
        guest = verdict.guest
        lines = []
        parts = [guest.organisation, guest.title] if guest is not None else []
        category = guest.category if guest is not None and not guest.stub else verdict.category
        if category:
            parts.append(category_label(category))
        first = " · ".join(part for part in parts if part)
        if first:
            lines.append(first)
        if verdict.status == "warn" and verdict.arrived_at is not None:
            when = self._event.local_time(verdict.arrived_at).strftime("%H:%M") if self._event else "?"
            lines.append(
                _("First arrived at {time} at desk “{station}”").format(
                    time=when, station=verdict.arrived_station or "?"
                )
            )
        return "\n".join(lines)

    # --- language ------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.undo.setText(_("Undo check-in"))
        self.stub_label.setText(_("Name for the badge:"))
        self.stub_name.setPlaceholderText(_("Type the guest's name"))
        self.stub_save.setText(_("Save name"))
        self._paint()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    # --- slots ----------------------------------------------------------------------------------------

    def _on_undo_clicked(self) -> None:
        if self.verdict is not None and self.verdict.checkin_id:
            self.undo_requested.emit(self.verdict.checkin_id)

    def _on_print_status_link_activated(self, link: str) -> None:
        if link.startswith("retry:"):
            self.retry_print_requested.emit(link.removeprefix("retry:"))

    def _on_stub_save_clicked(self) -> None:
        name = self.stub_name.text().strip()
        if name and self.verdict is not None and self.verdict.guest is not None:
            self.name_entered.emit(self.verdict.guest.id, name)


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
