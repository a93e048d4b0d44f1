"""The kiosk's screens: attract, message (welcome / see the staff desk), badge preview, PIN, staff.

Guest screens speak both languages at once (a hallway kiosk does not know who walks up): the
desk's language first and large, the other below. Staff screens use the desk's language. Sizes
follow the window's height (``KioskWindow`` sets the style sheet), so 1920×1080 and 1280×800 both
read from 1.5 m.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.alerts import AlertView
from kiosk.core.self_service import GuestOutcome
from kiosk.i18n import N_, _, language, translate

TONES = {
    # background, text
    "ok": ("#1E7B34", "#FFFFFF"),
    "warn": ("#F4B63F", "#1A1A1A"),
    "trouble": ("#F4B63F", "#1A1A1A"),
    "refused": ("#B3261E", "#FFFFFF"),
}


def languages() -> tuple[str, str]:
    """(first, second): the desk's language first."""
    first = language()
    return first, ("en" if first == "zh" else "zh")


def both(message: str, **values: str) -> tuple[str, str]:
    first, second = languages()
    return translate(message, first).format(**values), translate(message, second).format(**values)


def _label(name: str, *, wrap: bool = True, align=Qt.AlignmentFlag.AlignCenter) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setAlignment(align)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class QrGlyph(QWidget):
    """A drawn QR symbol (three finder patterns and some modules): "scan a code like this"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(80, 80)

    def paintEvent(self, _event) -> None:
        side = min(self.width(), self.height()) * 0.9
        module = side / 21
        x0 = (self.width() - side) / 2
        y0 = (self.height() - side) / 2
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        dark = QColor("#1B2A4A")
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#FFFFFF"))
        painter.drawRoundedRect(QRectF(x0 - module, y0 - module, side + 2 * module, side + 2 * module), module, module)
        painter.setBrush(dark)

        def box(mx: float, my: float, size: float) -> None:
            painter.drawRect(QRectF(x0 + mx * module, y0 + my * module, size * module, size * module))

        for fx, fy in ((0, 0), (14, 0), (0, 14)):
            box(fx, fy, 7)
            painter.setBrush(QColor("#FFFFFF"))
            box(fx + 1, fy + 1, 5)
            painter.setBrush(dark)
            box(fx + 2, fy + 2, 3)
        pattern = 0x5A3C9E1B7D24F0A3
        for index, (mx, my) in enumerate((x, y) for y in range(21) for x in range(21)):
            in_finder = (mx < 8 and my < 8) or (mx > 12 and my < 8) or (mx < 8 and my > 12)
            if not in_finder and (pattern >> (index * 7 % 61)) & 1 and (mx * 3 + my * 5) % 4:
                box(mx, my, 1)
        painter.end()


class AttractScreen(QWidget):
    """The idle screen: the event, "please scan your code" in both languages, and a staff button.

    Signals:
        staff_requested(): the small staff button was pressed.
    """

    staff_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kAttract")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.event_name = _label("kEvent")
        self.event_detail = _label("kDetail")
        self.prompt = _label("kHeadline")
        self.prompt_second = _label("kSecond")
        self.glyph = QrGlyph()
        self.hint = _label("kLine")
        self.hint_second = _label("kLineSecond")
        self.staff_button = QPushButton()
        self.staff_button.setObjectName("kStaffButton")
        self.staff_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.staff_button.clicked.connect(self.staff_requested)
        self.camera_slot = QVBoxLayout()
        self.camera_slot.setContentsMargins(0, 0, 0, 0)

        text = QVBoxLayout()
        text.addStretch(2)
        text.addWidget(self.prompt)
        text.addWidget(self.prompt_second)
        text.addSpacing(24)
        text.addWidget(self.glyph, 3)
        text.addSpacing(12)
        text.addWidget(self.hint)
        text.addWidget(self.hint_second)
        text.addStretch(2)
        middle = QHBoxLayout()
        middle.addLayout(text, 3)
        middle.addLayout(self.camera_slot, 0)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.staff_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 36, 32, 20)
        layout.addWidget(self.event_name)
        layout.addWidget(self.event_detail)
        layout.addLayout(middle, 1)
        layout.addLayout(bottom)

    def set_event(self, name: str, detail: str) -> None:
        self.event_name.setText(name)
        self.event_detail.setText(detail)
        self.event_detail.setVisible(bool(detail))

    def retranslate(self) -> None:
        first, second = both(N_("Please scan the QR code on your invitation"))
        self.prompt.setText(first)
        self.prompt_second.setText(second)
        first, second = both(N_("Hold the code under the scanner, or up to the camera."))
        self.hint.setText(first)
        self.hint_second.setText(second)
        self.staff_button.setText(" · ".join(both(N_("Staff"))))


class MessageScreen(QWidget):
    """One outcome for the guest in front of the kiosk, coloured by its tone."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kMessage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.tone = "ok"
        self.outcome: GuestOutcome | None = None
        self.heading = _label("kHeadline")
        self.heading_second = _label("kSecond")
        self.name = _label("kName")
        self.detail = _label("kDetail")
        self.line = _label("kLine")
        self.line_second = _label("kLineSecond")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 48, 64, 48)
        layout.addStretch(2)
        layout.addWidget(self.heading)
        layout.addWidget(self.heading_second)
        layout.addSpacing(28)
        layout.addWidget(self.name)
        layout.addWidget(self.detail)
        layout.addSpacing(36)
        layout.addWidget(self.line)
        layout.addWidget(self.line_second)
        layout.addStretch(3)

    def show_outcome(self, outcome: GuestOutcome, name: str = "", detail: str = "") -> None:
        """Show ``outcome``; ``name`` and ``detail`` are the guest's own (never anyone else's)."""
        self.outcome = outcome
        self.tone = outcome.tone
        background, text = TONES[outcome.tone]
        self.setStyleSheet(f"#kMessage {{ background: {background}; }} #kMessage QLabel {{ color: {text}; }}")
        first, second = both(outcome.heading)
        self.heading.setText(first)
        self.heading_second.setText(second)
        self.name.setText(name)
        self.name.setVisible(bool(name))
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        first, second = both(outcome.line)
        self.line.setText(first)
        self.line_second.setText(second)

    def clear(self) -> None:
        self.outcome = None
        for label in (self.heading, self.heading_second, self.name, self.detail, self.line, self.line_second):
            label.clear()

    def texts(self) -> str:
        """Everything the screen says (for tests and screenshots' checks)."""
        return "\n".join(
            label.text()
            for label in (self.heading, self.heading_second, self.name, self.detail, self.line, self.line_second)
            if label.text()
        )


class PreviewScreen(QWidget):
    """The guest's badge and "is this right?".

    Signals:
        confirmed(): print it.
        rejected(): something on it is wrong.
    """

    confirmed = Signal()
    rejected = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kPreview")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.picture = QLabel()
        self.picture.setObjectName("kBadge")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.heading = _label("kHeadline")
        self.heading_second = _label("kSecond")
        self.print_button = QPushButton()
        self.print_button.setObjectName("kPrimary")
        self.wrong_button = QPushButton()
        self.wrong_button.setObjectName("kSecondary")
        for button in (self.print_button, self.wrong_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.print_button.clicked.connect(self.confirmed)
        self.wrong_button.clicked.connect(self.rejected)
        self._pixmap = QPixmap()
        side = QVBoxLayout()
        side.addStretch(1)
        side.addWidget(self.heading)
        side.addWidget(self.heading_second)
        side.addSpacing(40)
        side.addWidget(self.print_button)
        side.addSpacing(20)
        side.addWidget(self.wrong_button)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(48, 40, 48, 40)
        layout.addWidget(self.picture, 1)
        layout.addSpacing(40)
        layout.addLayout(side, 1)

    def set_badge(self, pixmap: QPixmap) -> None:
        self._pixmap = pixmap
        self._fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        if self._pixmap.isNull():
            self.picture.clear()
            return
        size = self.picture.size()
        self.picture.setPixmap(self._pixmap.scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                                   Qt.TransformationMode.SmoothTransformation))

    def retranslate(self) -> None:
        first, second = both(N_("Please check your badge"))
        self.heading.setText(first)
        self.heading_second.setText(second)
        self.print_button.setText("\n".join(both(N_("Print my badge"))))
        self.wrong_button.setText("\n".join(both(N_("Something is wrong"))))


class PinScreen(QWidget):
    """Staff PIN entry with an on-screen keypad (a kiosk often has a touch screen and no keyboard).

    Signals:
        entered(str): the staff pressed OK (or Enter) with this PIN.
        cancelled(): back to the guests.
    """

    entered = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kPin")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.mode = "unlock"  # unlock | set | confirm
        self.locked_until = 0.0
        self.clock = None  # set by the window: () -> epoch seconds
        self.title = _label("kTitle")
        self.explain = _label("kLine")
        self.field = QLineEdit()
        self.field.setObjectName("kPinField")
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.field.setMaxLength(12)
        self.field.returnPressed.connect(self._on_ok_clicked)
        self.message = _label("kWarn")
        self.keys: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setSpacing(12)
        for index, key in enumerate(["1", "2", "3", "4", "5", "6", "7", "8", "9", "⌫", "0", "OK"]):
            button = QPushButton(key)
            button.setObjectName("kKey")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _checked=False, k=key: self.press(k))
            self.keys[key] = button
            grid.addWidget(button, index // 3, index % 3)
        self.cancel_button = QPushButton()
        self.cancel_button.setObjectName("kSecondary")
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel_button.clicked.connect(self.cancelled)
        self.countdown = QTimer(self)
        self.countdown.setInterval(1000)
        self.countdown.timeout.connect(self._on_countdown_timeout)
        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(self.title)
        column.addWidget(self.explain)
        column.addSpacing(16)
        column.addWidget(self.field)
        column.addWidget(self.message)
        column.addSpacing(12)
        column.addLayout(grid)
        column.addSpacing(20)
        column.addWidget(self.cancel_button)
        column.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(column, 2)
        layout.addStretch(1)

    def start(self, mode: str = "unlock") -> None:
        self.mode = mode
        self.field.clear()
        self.message.clear()
        self.retranslate()
        self.field.setFocus()
        self._update_lock()

    def press(self, key: str) -> None:
        if key == "⌫":
            self.field.backspace()
        elif key == "OK":
            self._on_ok_clicked()
        elif not self._locked():
            self.field.insert(key)

    def show_wrong(self, locked_until: float) -> None:
        self.field.clear()
        self.locked_until = locked_until
        self.message.setText(_("Wrong PIN."))
        self._update_lock()

    def show_message(self, text: str) -> None:
        self.field.clear()
        self.message.setText(text)

    def _now(self) -> float:
        import time

        return self.clock() if self.clock is not None else time.time()

    def _locked(self) -> bool:
        return self._now() < self.locked_until

    def _update_lock(self) -> None:
        wait = int(self.locked_until - self._now() + 0.999)
        locked = wait > 0
        self.field.setEnabled(not locked)
        for key, button in self.keys.items():
            button.setEnabled(not locked or key == "⌫")
        if locked:
            self.message.setText(_("Too many wrong tries. Try again in {seconds} s.").format(seconds=wait))
            if not self.countdown.isActive():
                self.countdown.start()
        else:
            self.countdown.stop()
            if self.message.text().startswith(_("Too many wrong tries.").rstrip(".")):
                self.message.clear()
            self.field.setFocus()

    def _on_countdown_timeout(self) -> None:
        self._update_lock()

    def _on_ok_clicked(self) -> None:
        if self._locked() or not self.field.text():
            return
        self.entered.emit(self.field.text())

    def retranslate(self) -> None:
        if self.mode == "unlock":
            self.title.setText(_("Staff only"))
            self.explain.setText(_("Enter the staff PIN, or scan a staff unlock code."))
        elif self.mode == "set":
            self.title.setText(_("Choose a staff PIN"))
            self.explain.setText(_("This kiosk needs a staff PIN (4 to 12 digits) before guests use it."))
        else:
            self.title.setText(_("Choose a staff PIN"))
            self.explain.setText(_("Enter the same PIN again."))
        self.cancel_button.setText(_("Cancel"))


class StaffScreen(QWidget):
    """Behind the PIN: the kiosk's open alerts, and the ways out.

    Signals:
        resume_requested(): back to self-service (locked again).
        exit_requested(): leave kiosk mode.
        resolve_requested(str): mark an alert (its id) as dealt with.
        change_pin_requested(): choose a new PIN.
    """

    resume_requested = Signal()
    exit_requested = Signal()
    resolve_requested = Signal(str)
    change_pin_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kStaff")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.title = _label("kTitle", align=Qt.AlignmentFlag.AlignLeft)
        self.status = _label("kDetail", align=Qt.AlignmentFlag.AlignLeft)
        self.alerts_title = _label("kLine", align=Qt.AlignmentFlag.AlignLeft)
        self.alerts = QListWidget()
        self.alerts.setObjectName("kAlerts")
        self.alerts.setWordWrap(True)
        self.resolve_button = QPushButton()
        self.resume_button = QPushButton()
        self.exit_button = QPushButton()
        self.pin_button = QPushButton()
        for button in (self.resolve_button, self.pin_button, self.exit_button):
            button.setObjectName("kSecondary")
        self.resume_button.setObjectName("kPrimary")
        for button in (self.resolve_button, self.resume_button, self.exit_button, self.pin_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.resolve_button.clicked.connect(self._on_resolve_clicked)
        self.resume_button.clicked.connect(self.resume_requested)
        self.exit_button.clicked.connect(self.exit_requested)
        self.pin_button.clicked.connect(self.change_pin_requested)
        buttons = QHBoxLayout()
        buttons.addWidget(self.resolve_button)
        buttons.addWidget(self.pin_button)
        buttons.addStretch(1)
        buttons.addWidget(self.exit_button)
        buttons.addWidget(self.resume_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 36, 48, 36)
        layout.addWidget(self.title)
        layout.addWidget(self.status)
        layout.addSpacing(16)
        layout.addWidget(self.alerts_title)
        layout.addWidget(self.alerts, 1)
        layout.addSpacing(16)
        layout.addLayout(buttons)

    def set_alerts(self, alerts: list[AlertView], time_text) -> None:
        self.alerts.clear()
        for alert in alerts:
            item = QListWidgetItem(f"{time_text(alert.raised_at)}  ·  {alert.station}\n{alert.message}")
            item.setData(Qt.ItemDataRole.UserRole, alert.id)
            self.alerts.addItem(item)
        if alerts:
            self.alerts.setCurrentRow(0)
        self.resolve_button.setEnabled(bool(alerts))
        self.alerts_title.setText(
            _("Open alerts ({count})").format(count=len(alerts)) if alerts else _("No open alerts.")
        )

    def set_status(self, text: str) -> None:
        self.status.setText(text)

    def _on_resolve_clicked(self) -> None:
        item = self.alerts.currentItem()
        if item is not None:
            self.resolve_requested.emit(item.data(Qt.ItemDataRole.UserRole))

    def retranslate(self) -> None:
        self.title.setText(_("Staff"))
        self.resolve_button.setText(_("Mark as dealt with"))
        self.resume_button.setText(_("Back to self-service"))
        self.exit_button.setText(_("Leave kiosk mode"))
        self.pin_button.setText(_("Change PIN"))


def style_sheet(height: int) -> str:
    """The kiosk's style at a window height (px): everything scales with it."""
    s = max(0.55, height / 1080)

    def px(value: float) -> int:
        return round(value * s)

    return f"""
    #kKiosk, #kAttract, #kPreview, #kPin, #kStaff {{ background: #F7F5F0; }}
    QLabel {{ color: #1A1A1A; }}
    #kEvent {{ font-size: {px(46)}px; font-weight: bold; color: #1B2A4A; }}
    #kDetail {{ font-size: {px(30)}px; color: #4A4A4A; }}
    #kMessage #kDetail {{ font-size: {px(36)}px; }}
    #kHeadline {{ font-size: {px(76)}px; font-weight: bold; }}
    #kSecond {{ font-size: {px(46)}px; }}
    #kName {{ font-size: {px(96)}px; font-weight: bold; }}
    #kLine {{ font-size: {px(44)}px; }}
    #kLineSecond {{ font-size: {px(34)}px; }}
    #kTitle {{ font-size: {px(56)}px; font-weight: bold; color: #1B2A4A; }}
    #kWarn {{ font-size: {px(28)}px; color: #B3261E; min-height: {px(40)}px; }}
    #kPin #kLine {{ font-size: {px(28)}px; }}
    #kPin #kTitle {{ font-size: {px(48)}px; }}
    #kStaffButton {{ font-size: {px(20)}px; color: #6A6A6A; background: transparent; border: 1px solid #C8C4BA;
                     border-radius: {px(8)}px; padding: {px(8)}px {px(18)}px; }}
    #kPinField {{ font-size: {px(48)}px; padding: {px(6)}px; border: 2px solid #1B2A4A; border-radius: {px(10)}px;
                  background: white; }}
    #kKey {{ font-size: {px(40)}px; min-height: {px(78)}px; border-radius: {px(12)}px; background: white;
             border: 1px solid #B8B4AA; color: #1A1A1A; }}
    #kKey:pressed {{ background: #DDE6F5; }}
    #kKey:disabled {{ color: #B0B0B0; }}
    #kPrimary {{ font-size: {px(34)}px; padding: {px(18)}px {px(32)}px; border-radius: {px(12)}px;
                 background: #1E5AA8; color: white; border: none; }}
    #kSecondary {{ font-size: {px(28)}px; padding: {px(16)}px {px(28)}px; border-radius: {px(12)}px;
                   background: white; color: #1A1A1A; border: 1px solid #B8B4AA; }}
    #kSecondary:disabled {{ color: #B0B0B0; }}
    #kAlerts {{ font-size: {px(26)}px; background: white; border: 1px solid #C8C4BA; }}
    #kAlerts::item {{ padding: {px(12)}px; border-bottom: 1px solid #E4E0D6; }}
    #kAlerts::item:selected {{ background: #FBE3B0; color: #1A1A1A; }}
    """
