"""Self-service kiosk mode: a locked, full-screen window where guests check themselves in.

A guest scans (USB scanner or camera) → the check-in runs on the writer thread → the kiosk greets
them by name and prints their badge, or sends them to the staff desk in plain words. Printer
trouble keeps the check-in, tells the guest to see the staff and raises a journalled alert that
syncs to the desks. Leaving needs the staff PIN (slower after each wrong try) or a staff unlock
code signed by a trusted desk key. Escape, Alt+F4, close(), context menus and shortcuts do nothing.

Open it with :func:`open_kiosk_mode` (from the desk window, or ``kiosk --mode self-service``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QImage, QKeyEvent, QPixmap
from PySide6.QtWidgets import QApplication, QStackedWidget, QVBoxLayout, QWidget

from kiosk.core import credentials, staff
from kiosk.core.alerts import AlertView, open_alerts, resolve_alert
from kiosk.core.checkin import CheckinService, Verdict
from kiosk.core.desk import Desk
from kiosk.core.print_queue import PrintJobView, PrintQueue, event_date_text
from kiosk.core.self_service import (
    BADGE_AT_DESK,
    DETAILS_WRONG,
    PRINTER_TROUBLE,
    REFUSED,
    WELCOME,
    GuestOutcome,
    KioskOptions,
    outcome_for,
    report_print_trouble,
)
from kiosk.i18n import _
from kiosk.printing.badge import render_badge
from kiosk.printing.layout import load_layout
from kiosk.ui.kiosk_lock import LockdownFilter, no_context_menus
from kiosk.ui.kiosk_screens import (
    AttractScreen,
    MessageScreen,
    PinScreen,
    PreviewScreen,
    StaffScreen,
    style_sheet,
)
from kiosk.ui.scanner import ScanFilter
from kiosk.ui.tasks import TaskManager

log = logging.getLogger(__name__)

PRINT_POLL_MS = 1000


def rasterise_pdf(pdf: bytes, height_px: int) -> QImage:
    """The first page of a PDF as an image ``height_px`` tall (QtPdf)."""
    from PySide6.QtPdf import QPdfDocument

    document = QPdfDocument()
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        return QImage()
    page = document.pagePointSize(0)
    width = max(1, round(height_px * page.width() / max(1.0, page.height())))
    image = document.render(0, QSize(width, height_px))
    document.close()
    return image


class KioskWindow(QWidget):
    """The kiosk. ``screen`` names what is shown: setup, attract, busy, welcome, outcome, preview, pin, staff.

    Signals:
        screen_changed(str): another screen is shown.
        verdict_shown(object): a scan's verdict was judged and its outcome shown (the Verdict).
        print_finished(object): a badge job ended (PrintJobView, or None when none was needed).
        alert_raised(object): printer trouble was reported (AlertView).
        unlocked(): staff got in (PIN or unlock code).
        exited(): kiosk mode was left; the window is closed.
    """

    screen_changed = Signal(str)
    verdict_shown = Signal(object)
    print_finished = Signal(object)
    alert_raised = Signal(object)
    unlocked = Signal()
    exited = Signal()

    def __init__(
        self,
        desk: Desk,
        *,
        session: str = "",
        camera_id: str = "",
        tasks: TaskManager | None = None,
        options: KioskOptions | None = None,
        print_queue: PrintQueue | None = None,
        clock: Callable[[], float] = time.time,
        install_filters: bool = True,
        job_alerted: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowStaysOnTopHint)
        self.setObjectName("kKiosk")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.desk = desk
        self.session = session
        self.options = options or KioskOptions.load(desk)
        self.clock = clock
        self._own_tasks = tasks is None
        self.tasks = tasks or TaskManager(self)
        self.checkins = CheckinService(desk)
        self._qt_backend = None
        if print_queue is None:
            from kiosk.ui.qt_printer import QtPrinterBackend

            # The system printer (Qt) prints on the GUI thread; the queue's writer-thread jobs reach it.
            # The factory must not capture ``self``: a cycle through a widget would let the garbage
            # collector delete the window on whichever thread it runs (a worker: a crash).
            backend = self._qt_backend = QtPrinterBackend(self)
            print_queue = PrintQueue(desk, backend_factory=lambda _prefs: backend)
        self.printing = print_queue
        self._job_alerted = job_alerted  # tells the desk window's printing a job's alert is raised here
        self.screen = ""
        self.guest_id = ""  # the guest on screen now (their own data only)
        self._guest_name = ""
        self._busy = False
        self._exit_allowed = False
        self._new_pin = ""
        self._watched: dict[str, tuple[str, str, float]] = {}  # job id → (guest id, name, deadline)
        self._filters_installed = False

        self.attract = AttractScreen()
        self.message = MessageScreen()
        self.preview = PreviewScreen()
        self.pin = PinScreen()
        self.pin.clock = clock
        self.staff = StaffScreen()
        self.stack = QStackedWidget()
        for screen in (self.attract, self.message, self.preview, self.pin, self.staff):
            self.stack.addWidget(screen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self.camera = None
        if camera_id != "off":
            from kiosk.ui.camera import CameraView

            self.camera = CameraView(device_id=camera_id)
            self.camera.setFixedWidth(480)
            self.camera.hide()
            self.attract.camera_slot.addWidget(self.camera)

        self.return_timer = QTimer(self)
        self.return_timer.setSingleShot(True)
        self.idle_timer = QTimer(self)
        self.idle_timer.setSingleShot(True)
        self.idle_timer.setInterval(round(self.options.idle_seconds * 1000))
        self.print_timer = QTimer(self)
        self.print_timer.setInterval(PRINT_POLL_MS)
        self.scan_filter = ScanFilter(self)
        self.lockdown = LockdownFilter(self)
        self._install_filters = install_filters

        self._connect_signals()
        no_context_menus(self)
        self.retranslate()
        self.setStyleSheet(style_sheet(1080))
        if staff.has_pin(desk):
            self.show_attract()
        else:
            self._show_pin("set")

    def _connect_signals(self) -> None:
        self.scan_filter.scanned.connect(self._on_scan_filter_scanned)
        self.lockdown.activity.connect(self._on_lockdown_activity)
        self.return_timer.timeout.connect(self._on_return_timer_timeout)
        self.idle_timer.timeout.connect(self._on_idle_timer_timeout)
        self.print_timer.timeout.connect(self._on_print_timer_timeout)
        self.attract.staff_requested.connect(self._on_attract_staff_requested)
        self.preview.confirmed.connect(self._on_preview_confirmed)
        self.preview.rejected.connect(self._on_preview_rejected)
        self.pin.entered.connect(self._on_pin_entered)
        self.pin.cancelled.connect(self._on_pin_cancelled)
        self.staff.resume_requested.connect(self._on_staff_resume_requested)
        self.staff.exit_requested.connect(self._on_staff_exit_requested)
        self.staff.resolve_requested.connect(self._on_staff_resolve_requested)
        self.staff.change_pin_requested.connect(self._on_staff_change_pin_requested)
        self.tasks.failed.connect(self._on_tasks_failed)
        if self.camera is not None:
            self.camera.scanned.connect(self._on_camera_scanned)

    # --- showing and closing ------------------------------------------------------------------------------

    def start(self) -> None:
        """Full screen, on top, filters installed, camera on."""
        self.install_filters()
        self.showFullScreen()
        self.raise_()
        self.activateWindow()
        if self.camera is not None and self.camera.start():
            self.camera.show()

    def install_filters(self) -> None:
        app = QApplication.instance()
        if self._install_filters and not self._filters_installed and app is not None:
            app.installEventFilter(self.scan_filter)
            app.installEventFilter(self.lockdown)  # installed last = asked first
            self._filters_installed = True

    def _remove_filters(self) -> None:
        app = QApplication.instance()
        if self._filters_installed and app is not None:
            app.removeEventFilter(self.lockdown)
            app.removeEventFilter(self.scan_filter)
        self._filters_installed = False

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._exit_allowed:
            event.ignore()  # Alt+F4, the window manager, close(): only staff may leave
            return
        self.shutdown()
        super().closeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        event.accept()  # nothing typed here goes anywhere else (the parent desk window included)

    def contextMenuEvent(self, event) -> None:
        event.accept()

    def shutdown(self) -> None:
        """Stop timers, camera and filters; finish queued writes if the tasks are ours."""
        for timer in (self.return_timer, self.idle_timer, self.print_timer, self.pin.countdown):
            timer.stop()
        self._remove_filters()
        if self.camera is not None:
            self.camera.close_decoder()
        if self._qt_backend is not None:
            self._qt_backend.close()
        if self._own_tasks:
            self.tasks.close()

    def leave(self) -> None:
        """Leave kiosk mode (after staff unlocked): the window closes and ``exited`` is emitted."""
        self._exit_allowed = True
        self.close()
        self.exited.emit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.setStyleSheet(style_sheet(self.height()))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        event = self.desk.event
        if event is not None:
            detail = " · ".join(part for part in (event_date_text(event), event.venue) if part)
            self.attract.set_event(event.name, detail)
        self.attract.retranslate()
        self.preview.retranslate()
        self.pin.retranslate()
        self.staff.retranslate()
        self.setWindowTitle(_("Self-service check-in"))

    def _show(self, name: str, widget: QWidget) -> None:
        self.screen = name
        self.stack.setCurrentWidget(widget)
        if name == "attract":
            self.idle_timer.stop()
        else:
            self.idle_timer.start()
        self.screen_changed.emit(name)

    # --- guest screens ----------------------------------------------------------------------------------

    def show_attract(self) -> None:
        """Back to "please scan": the last guest's name is gone from the screen."""
        self.return_timer.stop()
        self.guest_id = ""
        self._guest_name = ""
        self.message.clear()
        self.preview.set_badge(QPixmap())
        self.pin.field.clear()
        self._show("attract", self.attract)

    def show_outcome(self, outcome: GuestOutcome, name: str = "", detail: str = "") -> None:
        self.message.show_outcome(outcome, name, detail)
        seconds = self.options.greeting_seconds if outcome.tone == "ok" else self.options.outcome_seconds
        self._show("welcome" if outcome.tone == "ok" else "outcome", self.message)
        self.return_timer.start(round(seconds * 1000))

    # --- scanning -----------------------------------------------------------------------------------------

    def scan(self, text: str) -> None:
        """A code from the scanner or the camera."""
        if credentials.has_prefix(text.strip()) and text.strip()[2:3].upper() == "S":
            self.tasks.write(partial(staff.check_unlock_code, now=self.clock), self.desk, text,
                             on_done=self._on_unlock_code_checked)
            return
        if self.screen not in ("attract", "welcome", "outcome") or self._busy:
            return  # staff screens take no guests; one guest at a time
        self._busy = True
        self.return_timer.stop()
        self.tasks.write(self.checkins.scan, text, self.desk.station, self.session or None,
                         on_done=self._on_verdict, on_error=self._on_scan_error)

    def _on_verdict(self, verdict: Verdict) -> None:
        self._busy = False
        outcome = outcome_for(verdict)
        guest = verdict.guest
        name = guest.name if guest is not None and not guest.stub else ""
        detail = " · ".join(p for p in (guest.title, guest.organisation) if p) if guest and name else ""
        self.guest_id = guest.id if guest is not None else ""
        self._guest_name = name
        if outcome.print_badge and guest is not None:
            if self.options.preview:
                self._show_preview(guest.id, name, detail)
            else:
                self.show_outcome(outcome, name, detail)
                self._print(guest.id, name)
        else:
            self.show_outcome(outcome, name if outcome.tone != "refused" else "", detail if outcome.tone != "refused"
                              else "")
        self.verdict_shown.emit(verdict)

    def _on_scan_error(self, error: BaseException) -> None:
        self._busy = False
        log.error("kiosk scan failed: %s", error)
        self.show_outcome(REFUSED)

    # --- badge preview ------------------------------------------------------------------------------------

    def _show_preview(self, guest_id: str, name: str, detail: str) -> None:
        printing = self.printing

        def render() -> bytes:
            prefs = printing.prefs()
            return render_badge(printing.badge_data(guest_id), load_layout(prefs.layout))

        def done(pdf: bytes) -> None:
            if self.guest_id != guest_id:
                return
            image = rasterise_pdf(pdf, max(400, round(self.height() * 0.8)))
            self.preview.set_badge(QPixmap.fromImage(image))
            self._preview_of = (guest_id, name, detail)
            self._show("preview", self.preview)
            self.return_timer.start(round(self.options.outcome_seconds * 2000))

        def failed(error: BaseException) -> None:  # no preview: print straight away
            log.warning("badge preview failed: %s", error)
            self.show_outcome(WELCOME, name, detail)
            self._print(guest_id, name)

        self.tasks.write(render, on_done=done, on_error=failed)

    def _on_preview_confirmed(self) -> None:
        guest_id, name, detail = getattr(self, "_preview_of", ("", "", ""))
        if not guest_id:
            return
        self._preview_of = ("", "", "")
        self.show_outcome(WELCOME, name, detail)
        self._print(guest_id, name)

    def _on_preview_rejected(self) -> None:
        _guest_id, name, _detail = getattr(self, "_preview_of", ("", "", ""))
        self._preview_of = ("", "", "")
        self.show_outcome(DETAILS_WRONG, name)

    # --- printing -----------------------------------------------------------------------------------------

    def _print(self, guest_id: str, name: str) -> None:
        printing = self.printing

        def run() -> PrintJobView | None:
            return printing.print_badge(guest_id, automatic=True)

        self.tasks.write(run, on_done=lambda job: self._on_print_sent(guest_id, name, job),
                         on_error=lambda error: self._printer_trouble(guest_id, name, str(error), ""))

    def _on_print_sent(self, guest_id: str, name: str, job: PrintJobView | None) -> None:
        if job is None:  # a badge of theirs was printed before (a pre-printed batch): it waits at the desk
            if self.guest_id == guest_id and self.screen == "welcome":
                self.show_outcome(BADGE_AT_DESK, name)
            self.print_finished.emit(None)
            return
        self._job_state(guest_id, name, job)

    def _job_state(self, guest_id: str, name: str, job: PrintJobView) -> None:
        if job.state == "done":
            self._watched.pop(job.id, None)
            self.print_finished.emit(job)
        elif job.state == "failed":
            self._watched.pop(job.id, None)
            self._printer_trouble(guest_id, name, job.error, job.id)
            self.print_finished.emit(job)
        else:
            if job.id not in self._watched:
                self._watched[job.id] = (guest_id, name, self.clock() + self.options.print_timeout_seconds)
            if not self.print_timer.isActive():
                self.print_timer.start()

    def _on_print_timer_timeout(self) -> None:
        if not self._watched:
            self.print_timer.stop()
            return
        now = self.clock()
        for job_id, (guest_id, name, deadline) in list(self._watched.items()):
            if now > deadline:
                self._watched.pop(job_id)
                self._printer_trouble(guest_id, name, _("printer not ready"), job_id)
                continue
            self.tasks.write(self.printing.refresh, job_id,
                             on_done=lambda job, g=guest_id, n=name: self._job_state(g, n, job))

    def _printer_trouble(self, guest_id: str, name: str, detail: str, job_id: str) -> None:
        """The check-in stands; the guest goes to the desk; the staff get an alert (journalled, synced)."""
        if self.guest_id == guest_id and self.screen in ("welcome", "outcome", "preview"):
            self.show_outcome(PRINTER_TROUBLE, name)
        desk, hook = self.desk, self._job_alerted

        def report() -> AlertView:
            if hook is not None and job_id:
                hook(job_id)  # on the writer thread, before the desk window's next refresh could alert it too
            return report_print_trouble(desk, name, detail)

        self.tasks.write(report, on_done=self._on_alert_raised)

    def _on_alert_raised(self, alert: AlertView) -> None:
        if self.screen == "staff":
            self._refresh_staff()
        self.alert_raised.emit(alert)

    # --- staff: PIN, unlock codes, the staff screen ------------------------------------------------------------

    def _show_pin(self, mode: str = "unlock") -> None:
        self.return_timer.stop()
        self.guest_id = ""
        self.message.clear()
        state = staff.throttle(self.desk) if mode == "unlock" else None
        self.pin.locked_until = state.locked_until if state else 0.0
        self.pin.start(mode)
        self._show("setup" if mode != "unlock" else "pin", self.pin)

    def _on_pin_entered(self, pin: str) -> None:
        if self.pin.mode == "set":
            try:
                staff.validate_pin(pin)
            except staff.PinError as error:
                self.pin.show_message(str(error))
                return
            self._new_pin = pin
            self.pin.start("confirm")
            return
        if self.pin.mode == "confirm":
            if pin != self._new_pin:
                self._new_pin = ""
                self.pin.start("set")
                self.pin.show_message(_("The two PINs differ. Choose the PIN again."))
                return
            new_pin, self._new_pin = self._new_pin, ""
            self.tasks.write(staff.set_pin, self.desk, new_pin, on_done=lambda _r: self.show_attract())
            return
        self.pin.field.clear()
        self.tasks.write(partial(staff.check_pin, now=self.clock), self.desk, pin, on_done=self._on_pin_checked)

    def _on_pin_checked(self, result: staff.PinCheck) -> None:
        if self.screen != "pin":
            return
        if result.ok:
            self.open_staff()
        else:
            self.pin.show_wrong(result.locked_until)

    def _on_unlock_code_checked(self, ok: bool) -> None:
        if ok:
            self.open_staff()
        elif self.screen == "pin":
            self.pin.show_message(_("This unlock code is not valid here."))
        elif self.screen in ("attract", "welcome", "outcome"):
            self.show_outcome(REFUSED)

    def _on_pin_cancelled(self) -> None:
        if self.screen == "setup":
            if staff.has_pin(self.desk):
                self.show_attract()
            else:
                self.pin.start("set")  # a kiosk without a PIN could never be left: insist
            return
        self.show_attract()

    def open_staff(self) -> None:
        """Staff are in: the alerts and the ways out."""
        self.return_timer.stop()
        self.guest_id = ""
        self._refresh_staff()
        self._show("staff", self.staff)
        self.unlocked.emit()

    def _refresh_staff(self) -> None:
        event = self.desk.event

        def time_text(epoch_ms: int) -> str:
            return event.local_time(epoch_ms).strftime("%H:%M") if event else ""

        self.staff.set_alerts(open_alerts(), time_text)
        self.staff.set_status(
            _("Kiosk {station} · session {session}").format(station=self.desk.station, session=self.session or "—")
        )

    def _on_staff_resolve_requested(self, alert_id: str) -> None:
        self.tasks.write(resolve_alert, self.desk, alert_id, on_done=lambda _r: self._refresh_staff())

    # --- slots --------------------------------------------------------------------------------------------

    def _on_scan_filter_scanned(self, code: str) -> None:
        self.scan(code)

    def _on_camera_scanned(self, code: str) -> None:
        self.scan(code)

    def _on_lockdown_activity(self) -> None:
        if self.screen != "attract":
            self.idle_timer.start()

    def _on_return_timer_timeout(self) -> None:
        if self.screen in ("welcome", "outcome", "preview"):
            self.show_attract()

    def _on_idle_timer_timeout(self) -> None:
        """Nobody there: clear the guest; a forgotten staff screen or PIN entry locks again."""
        if self.screen == "setup":
            return  # the PIN must be chosen before the kiosk serves guests
        if self.screen != "attract" and not self._busy:
            self.show_attract()

    def _on_attract_staff_requested(self) -> None:
        self._show_pin("unlock")

    def _on_staff_resume_requested(self) -> None:
        self.show_attract()

    def _on_staff_exit_requested(self) -> None:
        self.leave()

    def _on_staff_change_pin_requested(self) -> None:
        self._show_pin("set")

    def _on_tasks_failed(self, message: str, _details: str) -> None:
        log.error("kiosk task failed: %s", message)


def open_kiosk_mode(desk: Desk, settings=None, parent: QWidget | None = None, **kwargs) -> KioskWindow:
    """Enter kiosk mode (full screen, locked) on ``desk``; returns the window.

    ``settings`` (the desk window's DeskSettings) gives the session and the camera (``camera``; ""
    the default one, "off" none). From a desk window (``parent``), the kiosk shares its writer and
    turns its scanner off and hides it while open, so a scan is judged once and the desk window is
    out of reach; all comes back when staff leave.
    """
    session = getattr(settings, "session", "") if settings is not None else ""
    camera_id = getattr(settings, "camera", "") if settings is not None else ""
    tasks = getattr(parent, "tasks", None)
    desk_scanner = getattr(parent, "scan_filter", None)
    printing = getattr(parent, "printing", None)
    if printing is not None and isinstance(getattr(printing, "queue", None), PrintQueue):
        # The desk window's queue: its system-printer backend, and one alert per failed job.
        kwargs.setdefault("print_queue", printing.queue)
        kwargs.setdefault("job_alerted", getattr(printing, "mark_alerted", None))
    window = KioskWindow(desk, session=session, camera_id=camera_id, tasks=tasks, **kwargs)
    if desk_scanner is not None:
        was = desk_scanner.enabled
        desk_scanner.enabled = False

        def restore() -> None:
            desk_scanner.enabled = was

        window.exited.connect(restore)
    if isinstance(parent, QWidget) and parent.isVisible():
        # Out of reach of Alt+Tab too (the OS set-up blocks Alt+Tab itself; this is belt and braces).
        parent.hide()
        window.exited.connect(parent.show)
    _open_windows.append(window)
    window.exited.connect(lambda: _open_windows.remove(window) if window in _open_windows else None)
    window.start()
    return window


_open_windows: list[KioskWindow] = []  # keeps an open kiosk alive whoever opened it


def run_self_service(args) -> int:
    """``kiosk --mode self-service``: the kiosk alone, full screen, until staff leave it. Returns the exit code.

    Uses ``args.data``, ``args.lang``, ``args.station`` (default: the saved station, else the host
    name) and the saved desk settings (session, camera). No event in the folder: 1.
    """
    from kiosk.core.desk import open_desk
    from kiosk.ui.launch import _application
    from kiosk.ui.settings import DeskSettings
    from kiosk.ui.translator import apply_language

    app = _application()
    settings = DeskSettings.load()
    apply_language(getattr(args, "lang", None) or settings.language or "zh")
    desk = open_desk(getattr(args, "data", None))
    try:
        if desk.event is None:
            log.error("no event in %s: set up the desk first", desk.data_dir)
            return 1
        station = (getattr(args, "station", None) or settings.station or desk.station).strip()
        window = open_kiosk_mode(desk, settings)
        desk.station = station[:100] or desk.station
        window.tasks.write(desk.set_operator, getattr(args, "operator", None) or _("Self-service kiosk"), station)
        window.exited.connect(app.quit)
        app.setQuitOnLastWindowClosed(False)
        return app.exec()
    finally:
        desk.close()
