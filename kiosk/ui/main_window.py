"""The desk window: scan anywhere, see the verdict, find guests by name, register walk-ins, watch arrivals,
keep the agreements register, sync with the hub in the background.

Every write goes to the core on the writer thread (:class:`~kiosk.ui.tasks.TaskManager`); results
come back as signals. Quick reads (a search, a page of rows) run on the GUI thread — SQLite in WAL
mode lets them read while the writer writes. The sync loop runs on its own thread with its own SQLite
connection (as the command line's loop does); its statuses reach the window through a queued signal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.core.checkin import CheckinService, Verdict
from kiosk.core.desk import Desk
from kiosk.core.guest_view import GuestView
from kiosk.core.guests import GuestService
from kiosk.core.search import search
from kiosk.core.stats import compute, station_count
from kiosk.core.sync_service import SyncService, SyncStatus
from kiosk.i18n import _, language
from kiosk.ui import queries
from kiosk.ui.agreements_tab import AgreementsTab, ReportsMenu
from kiosk.ui.arrivals import ArrivalFigures, ArrivalsPanel
from kiosk.ui.conflicts_dialog import ConflictRow, ConflictsDialog, conflict_rows
from kiosk.ui.dialogs import GuestDialog, HubDialog, OrganisationDialog, SettingsDialog, ShiftDialog
from kiosk.ui.guest_model import GuestTableModel
from kiosk.ui.print_controller import PrintController
from kiosk.ui.print_dialogs import PrinterChoiceDialog, PrinterSettingsDialog, PrintJobsDialog, ReasonDialog
from kiosk.ui.scanner import ScanFilter
from kiosk.ui.search_panel import SearchPanel
from kiosk.ui.settings import DeskSettings
from kiosk.ui.sound import Sounds
from kiosk.ui.sync_status import (
    SyncBridge,
    SyncLoopFactory,
    SyncLoopLike,
    SyncStatusButton,
    default_sync_loop,
    hub_configured,
)
from kiosk.ui.tasks import TaskManager
from kiosk.ui.translator import apply_language
from kiosk.ui.verdict_panel import VerdictPanel

log = logging.getLogger(__name__)

STATS_INTERVAL_MS = 30_000
STATS_AFTER_CHECKIN_MS = 400


class DeskWindow(QMainWindow):
    """Signals:
    verdict_shown(object): a verdict was painted (the Verdict).
    guest_saved(object): a walk-in or correction was stored (the GuestView).
    stats_updated(object): the arrivals panel shows new figures (ArrivalFigures).
    error_shown(str): a failure was reported to the volunteer.
    batch_done(str): a batch PDF was written (its path), or "" when it failed or was cancelled.
    sync_status_shown(object): the sync corner shows a new SyncStatus (after the GUI-thread bridge).
    hub_saved(object): a hub address and token were checked and remembered (the first SyncReport).
    """

    verdict_shown = Signal(object)
    guest_saved = Signal(object)
    stats_updated = Signal(object)
    error_shown = Signal(str)
    batch_done = Signal(str)
    sync_status_shown = Signal(object)
    hub_saved = Signal(object)

    CHECKIN_TAB, AGREEMENTS_TAB = 0, 1

    def __init__(
        self,
        desk: Desk,
        settings: DeskSettings,
        *,
        install_scanner: bool = True,
        save_settings: bool = True,
        sync_loop_factory: SyncLoopFactory = default_sync_loop,
    ) -> None:
        super().__init__()
        self.desk = desk
        self.settings = settings
        self._save_settings = save_settings
        self.session = settings.session
        self._session_name = ""  # the session's name, read once per shift (no database reads on repaint)
        self.tasks = TaskManager(self)
        self.checkins = CheckinService(desk)
        self.guests = GuestService(desk)
        self.sounds = Sounds(self, muted=settings.muted)
        self._last_checkin: dict[str, str] = {}  # guest id → check-in id recorded at this desk this run
        self._dialogs: list[QWidget] = []  # open non-modal dialogs and message boxes

        self.model = GuestTableModel(self.guests.many, lambda: self.desk.event, self)
        self.verdict = VerdictPanel()
        self.search = SearchPanel(self.model, lambda q, n: search(q, n), queries.all_guest_ids, lambda: self.desk.event)
        self.search.undoable = lambda guest_id: guest_id in self._last_checkin
        self.arrivals = ArrivalsPanel()
        self.printing = PrintController(desk, self.tasks, lambda: self.desk.event, self)
        self.print_jobs_dialog: PrintJobsDialog | None = None
        self.printer_dialog: PrinterSettingsDialog | None = None
        self.batch_bar = QProgressBar()
        self.batch_bar.setMaximumWidth(220)
        self.batch_bar.hide()
        self.batch_cancel = QPushButton()
        self.batch_cancel.hide()
        self.statusBar().addPermanentWidget(self.batch_bar)
        self.statusBar().addPermanentWidget(self.batch_cancel)
        self.header = QLabel()
        self.header.setObjectName("deskHeader")
        self.header.setStyleSheet("#deskHeader { font-size: 18px; padding: 4px 8px; }")
        self.shift_label = QLabel()
        self.statusBar().addPermanentWidget(self.shift_label)
        self.sync_button = SyncStatusButton()
        self.statusBar().addPermanentWidget(self.sync_button)
        self.sync_bridge = SyncBridge(self)
        self._sync_loop_factory = sync_loop_factory
        self.sync_loop: SyncLoopLike | None = None
        self.conflicts_dialog: ConflictsDialog | None = None
        self.agreements = AgreementsTab(desk, self.tasks)
        self.reports_menu = ReportsMenu(desk, self, tasks=self.tasks)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.verdict)
        left_layout.addWidget(self.search, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.search.detail)
        right_layout.addWidget(self.arrivals, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([780, 480])
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setStyleSheet("QTabBar::tab { font-size: 15px; padding: 4px 18px; }")
        self.tabs.addTab(splitter, "")
        self.tabs.addTab(self.agreements, "")
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(8, 4, 8, 4)
        head = QHBoxLayout()
        head.addWidget(self.header, 1)
        central_layout.addLayout(head)
        central_layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.toolbar = QToolBar()
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.setStyleSheet("QToolButton { font-size: 17px; padding: 6px 12px; }")
        self.addToolBar(self.toolbar)
        self.walk_in_action = QAction(self)
        self.walk_in_action.setShortcut(QKeySequence("F2"))
        self.delegation_action = QAction(self)
        self.delegation_action.setShortcut(QKeySequence("F3"))
        self.find_action = QAction(self)
        self.find_action.setShortcut(QKeySequence("Ctrl+F"))
        self.shift_action = QAction(self)
        self.settings_action = QAction(self)
        self.print_jobs_action = QAction(self)
        self.printer_action = QAction(self)
        self.batch_badges_action = QAction(self)
        self.invitations_action = QAction(self)
        self.unlock_code_action = QAction(self)
        self.kiosk_action = QAction(self)
        for action in (
            self.walk_in_action,
            self.delegation_action,
            self.find_action,
            self.shift_action,
            self.settings_action,
            self.print_jobs_action,
        ):
            self.toolbar.addAction(action)
        self.print_menu = QMenu(self)
        for action in (self.printer_action, self.batch_badges_action, self.invitations_action):
            self.print_menu.addAction(action)
        self.print_menu_button = QToolButton()
        self.print_menu_button.setMenu(self.print_menu)
        self.print_menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.print_menu_button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")
        self.toolbar.addWidget(self.print_menu_button)
        self.reports_button = QToolButton()
        self.reports_button.setMenu(self.reports_menu)
        self.reports_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.reports_button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")
        self.toolbar.addWidget(self.reports_button)
        self.toolbar.addAction(self.unlock_code_action)
        self.toolbar.addAction(self.kiosk_action)
        self._print_failed = 0
        self.camera_dock: QDockWidget | None = None
        self.camera_view = None

        self.scan_filter = ScanFilter(self)
        if install_scanner:
            QApplication.instance().installEventFilter(self.scan_filter)
        self._stats_timer = QTimer(self)
        self._stats_timer.setInterval(STATS_INTERVAL_MS)
        self._stats_soon = QTimer(self)
        self._stats_soon.setSingleShot(True)
        self._stats_soon.setInterval(STATS_AFTER_CHECKIN_MS)
        self._stats_running = False

        self._connect_signals()
        self.resize(1280, 800)
        self.retranslate()
        self.search.run_search()
        self._stats_timer.start()
        self.refresh_stats()
        self.printing.start()
        if self.settings.camera != "off":
            self.start_camera()
        self.start_sync()

    def _connect_signals(self) -> None:
        self.scan_filter.scanned.connect(self._on_scan_filter_scanned)
        self.tasks.failed.connect(self._on_tasks_failed)
        self.verdict.undo_requested.connect(self._on_verdict_undo_requested)
        self.verdict.name_entered.connect(self._on_verdict_name_entered)
        self.search.check_in_requested.connect(self._on_search_check_in_requested)
        self.search.undo_requested.connect(self._on_search_undo_requested)
        self.search.edit_requested.connect(self._on_search_edit_requested)
        self.search.delegation_requested.connect(self._on_search_delegation_requested)
        self.walk_in_action.triggered.connect(self._on_walk_in_action_triggered)
        self.delegation_action.triggered.connect(self._on_delegation_action_triggered)
        self.find_action.triggered.connect(self._on_find_action_triggered)
        self.shift_action.triggered.connect(self._on_shift_action_triggered)
        self.settings_action.triggered.connect(self._on_settings_action_triggered)
        self._stats_timer.timeout.connect(self.refresh_stats)
        self._stats_soon.timeout.connect(self.refresh_stats)
        self.search.print_requested.connect(self._on_search_print_requested)
        self.verdict.retry_print_requested.connect(self._on_verdict_retry_print_requested)
        self.print_jobs_action.triggered.connect(self._on_print_jobs_action_triggered)
        self.printer_action.triggered.connect(self._on_printer_action_triggered)
        self.batch_badges_action.triggered.connect(self._on_batch_badges_action_triggered)
        self.invitations_action.triggered.connect(self._on_invitations_action_triggered)
        self.batch_cancel.clicked.connect(self.printing.cancel_batch)
        self.printing.job_updated.connect(self._on_printing_job_updated)
        self.printing.job_skipped.connect(self._on_printing_job_skipped)
        self.printing.reason_needed.connect(self._on_printing_reason_needed)
        self.printing.jobs_changed.connect(self._on_printing_jobs_changed)
        self.printing.prefs_saved.connect(self._on_printing_prefs_saved)
        self.printing.prefs_failed.connect(self._on_printing_prefs_failed)
        self.printing.test_printed.connect(self._on_printing_test_printed)
        self.printing.test_failed.connect(self._on_printing_test_failed)
        self.printing.batch_progressed.connect(self._on_printing_batch_progressed)
        self.printing.batch_finished.connect(self._on_printing_batch_finished)
        self.printing.batch_failed.connect(self._on_printing_batch_failed)
        self.unlock_code_action.triggered.connect(self._on_unlock_code_action_triggered)
        self.kiosk_action.triggered.connect(self._on_kiosk_action_triggered)
        self.agreements.failed.connect(self._on_agreements_failed)
        self.reports_menu.written.connect(self._on_reports_menu_written)
        self.reports_menu.failed.connect(self._on_reports_menu_failed)
        # The loop emits on its own thread: queued, so the slot runs on the GUI thread.
        self.sync_bridge.status_changed.connect(self._on_sync_bridge_status_changed, Qt.ConnectionType.QueuedConnection)
        self.sync_button.sync_now_action.triggered.connect(self._on_sync_now_action_triggered)
        self.sync_button.conflicts_action.triggered.connect(self._on_conflicts_action_triggered)
        self.sync_button.hub_action.triggered.connect(self._on_hub_action_triggered)

    # --- scanning and checking in ---------------------------------------------------------------------

    def scan(self, text: str) -> None:
        """Judge a scanned code (on the writer thread); the verdict replaces the panel."""
        self.tasks.write(self.checkins.scan, text, self.desk.station, self.session or None, on_done=self._show_verdict)

    def check_in(self, guest_ids: list[str]) -> None:
        """Check in guests found without a code; the last verdict is shown (all are journalled)."""
        station, session = self.desk.station, self.session or None

        def run() -> list[Verdict]:
            return [self.checkins.check_in_guest(guest_id, station, session) for guest_id in guest_ids]

        def done(verdicts: list[Verdict]) -> None:
            for verdict in verdicts[:-1]:
                self._record_verdict(verdict)
                self._auto_print(verdict)
            if verdicts:
                self._show_verdict(verdicts[-1])
            if len(verdicts) > 1:
                admitted = sum(1 for v in verdicts if v.status != "refused")
                self.statusBar().showMessage(
                    _("{admitted} of {count} guests checked in.").format(admitted=admitted, count=len(verdicts)), 10_000
                )

        self.tasks.write(run, on_done=done)

    def undo(self, checkin_id: str) -> None:
        self.tasks.write(self.checkins.undo, checkin_id, on_done=self._on_undo_done)

    def _record_verdict(self, verdict: Verdict) -> None:
        if verdict.guest is not None:
            if verdict.checkin_id and verdict.status != "refused":
                self._last_checkin[verdict.guest.id] = verdict.checkin_id
            self.model.refresh_guest(verdict.guest.id, verdict.guest)

    def _show_verdict(self, verdict: Verdict) -> None:
        self._record_verdict(verdict)
        self._show_tab_for(verdict)
        self.verdict.show_verdict(verdict, self.desk.event)
        self.verdict.repaint()  # painted now, not after the next events (the volunteer is waiting)
        self.sounds.play(verdict.status)
        self._auto_print(verdict)
        if verdict.status != "refused":
            self._stats_soon.start()
        self.verdict_shown.emit(verdict)

    def _show_tab_for(self, verdict: Verdict) -> None:
        """An agreement's code opens it in the Agreements tab; any other scan shows the check-in tab."""
        agreement = verdict.extra.get("agreement") if verdict.reason in {"agreement", "agreement_collected"} else None
        if isinstance(agreement, dict) and agreement.get("id"):
            self.show_agreement(str(agreement["id"]))
        elif self.tabs.currentIndex() != self.CHECKIN_TAB:
            self.tabs.setCurrentIndex(self.CHECKIN_TAB)

    def show_agreement(self, agreement_id: str) -> None:
        """The Agreements tab, re-read, with this agreement selected (any filter is dropped if it hides it)."""
        self.tabs.setCurrentIndex(self.AGREEMENTS_TAB)
        self.agreements.refresh()
        self.agreements.select(agreement_id)
        current = self.agreements.selected()
        if current is None or current.id != agreement_id:
            self.agreements.filter.setCurrentIndex(0)  # "All agreements" (re-reads the register)
            self.agreements.select(agreement_id)

    def _on_undo_done(self, guest: GuestView) -> None:
        self._last_checkin.pop(guest.id, None)
        self.model.refresh_guest(guest.id, guest)
        self.verdict.clear()
        self.statusBar().showMessage(_("Check-in undone: {name}").format(name=guest.name), 10_000)
        self.search.show_detail()
        self._stats_soon.start()

    def _auto_print(self, verdict: Verdict) -> None:
        """A first arrival's badge (never for a re-entry or a refusal), when this desk prints automatically."""
        if verdict.guest is not None and self.printing.after_checkin(verdict.guest.id, verdict.reason):
            self.verdict.show_printing(verdict.guest.id)

    # --- printing -------------------------------------------------------------------------------------

    def print_badge(self, guest_id: str) -> ReasonDialog | None:
        """Print a guest's badge; a reprint first asks for the reason (the dialog is returned)."""
        if not self.printing.badge_printed(guest_id):
            self.printing.print_badge(guest_id)
            self.statusBar().showMessage(_("Badge printing…"), 5_000)
            return None
        return self.ask_reprint_reason(guest_id)

    def ask_reprint_reason(self, guest_id: str) -> ReasonDialog:
        guest = self.guests.get(guest_id)
        dialog = ReasonDialog(self, guest.name if guest else guest_id)
        dialog.accepted.connect(lambda: self.printing.print_badge(guest_id, reason=dialog.value()))
        return self._show_dialog(dialog)

    def open_unlock_code(self):
        """A fresh staff unlock code as a QR, for a self-service kiosk's scanner (non-modal)."""
        from kiosk.ui.unlock_code import UnlockCodeDialog

        return self._show_dialog(UnlockCodeDialog(self.desk, self), modal=False)

    def open_print_jobs(self) -> PrintJobsDialog:
        """The print jobs panel (non-modal: the desk keeps scanning); one at a time."""
        if self.print_jobs_dialog is not None:
            self.print_jobs_dialog.raise_()
            self.print_jobs_dialog.activateWindow()
            return self.print_jobs_dialog
        dialog = PrintJobsDialog(self, self.printing.model)
        dialog.retry_requested.connect(self._on_print_jobs_retry_requested)
        dialog.move_requested.connect(self._on_print_jobs_move_requested)
        dialog.refresh_requested.connect(self.printing.refresh)
        dialog.finished.connect(self._on_print_jobs_dialog_finished)
        self.print_jobs_dialog = dialog
        self.printing.refresh()
        return self._show_dialog(dialog, modal=False)

    def open_move_job(self, job_id: str) -> PrinterChoiceDialog | None:
        row = self.printing.model.row(self.printing.model.row_of(job_id))
        if row is None:
            return None
        dialog = PrinterChoiceDialog(self.print_jobs_dialog or self, row.job.printer)
        self.printing.list_printers(self.printing.prefs.backend, dialog.set_printers)
        dialog.accepted.connect(lambda: self.printing.retry(job_id, printer=dialog.value()))
        return self._show_dialog(dialog)

    def open_printer_settings(self) -> PrinterSettingsDialog:
        dialog = PrinterSettingsDialog(self, self.printing.prefs)
        self.printer_dialog = dialog
        dialog.backend_changed.connect(lambda backend: self.printing.list_printers(backend, dialog.set_printers))
        dialog.test_requested.connect(self.printing.print_test)
        dialog.accepted.connect(lambda: self.printing.save_prefs(dialog.values()))
        dialog.finished.connect(self._on_printer_dialog_finished)
        self.printing.list_printers(self.printing.prefs.backend, dialog.set_printers)
        return self._show_dialog(dialog)

    def export_batch(self, kind: str, path: Path) -> None:
        """All guests' badges (``kind`` "badges") or invitation letters ("invitations") into ``path``."""
        if self.printing.batch_running:
            self.statusBar().showMessage(_("A batch is already being written."), 5_000)
            return
        self.batch_bar.setRange(0, 0)
        self.batch_bar.show()
        self.batch_cancel.show()
        self.statusBar().showMessage(_("Writing {file}…").format(file=path.name))
        self.printing.batch(kind, path)

    def _choose_batch_file(self, kind: str) -> None:
        default = str(self.desk.data_dir / ("badges.pdf" if kind == "badges" else "invitations.pdf"))
        title = _("Badges for all guests") if kind == "badges" else _("Invitation letters")
        path, _filter = QFileDialog.getSaveFileName(self, title, default, "PDF (*.pdf)")
        if path:
            self.export_batch(kind, Path(path) if path.lower().endswith(".pdf") else Path(path + ".pdf"))

    def _update_print_jobs_action(self) -> None:
        failed = self._print_failed
        self.print_jobs_action.setText(
            _("Print jobs ({count} failed)").format(count=failed) if failed else _("Print jobs")
        )
        button = self.toolbar.widgetForAction(self.print_jobs_action)
        if button is not None:
            button.setStyleSheet(
                "QToolButton { background: #a8231c; color: white; font-weight: 800; border-radius: 4px; }"
                if failed else ""
            )

    # --- guests ---------------------------------------------------------------------------------------

    def open_walk_in(self) -> GuestDialog:
        """Show the walk-in dialog (non-modal); saving creates the guest and checks them in."""
        dialog = GuestDialog(self)
        dialog.accepted.connect(lambda: self._save_walk_in(dialog.fields()))
        return self._show_dialog(dialog)

    def _save_walk_in(self, fields: dict[str, str]) -> None:
        station, session = self.desk.station, self.session or None

        def run() -> tuple[GuestView, Verdict]:
            guest = self.guests.create(fields, walk_in=True)
            return guest, self.checkins.check_in_guest(guest.id, station, session)

        def done(result: tuple[GuestView, Verdict]) -> None:
            guest, verdict = result
            self.search.box.setText(guest.name)
            self.search.run_search()
            self._show_verdict(verdict)
            self.guest_saved.emit(guest)

        self.tasks.write(run, on_done=done)

    def open_edit(self, guest_id: str) -> GuestDialog | None:
        guest = self.guests.get(guest_id)
        if guest is None:
            return None
        dialog = GuestDialog(self, guest)
        dialog.accepted.connect(lambda: self._save_edit(guest_id, dialog.fields()))
        return self._show_dialog(dialog)

    def _save_edit(self, guest_id: str, fields: dict[str, str]) -> None:
        def done(guest: GuestView) -> None:
            self.model.refresh_guest(guest.id, guest)
            self.search.show_detail()
            self.guest_saved.emit(guest)

        self.tasks.write(self.guests.update, guest_id, fields, on_done=done)

    def open_delegation(self, guest_id: str) -> OrganisationDialog | None:
        guest = self.guests.get(guest_id)
        if guest is None or not guest.organisation:
            return None
        dialog = OrganisationDialog(self, guest.organisation, self.guests.by_organisation(guest.organisation))
        dialog.accepted.connect(lambda: self.check_in(dialog.selected_ids()))
        return self._show_dialog(dialog)

    def _show_dialog(self, dialog, *, modal: bool = True):
        """Open without blocking (never exec()): window-modal forms, or a free-floating message."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._dialogs.append(dialog)
        dialog.finished.connect(lambda _result: self._dialogs.remove(dialog) if dialog in self._dialogs else None)
        if modal:
            dialog.open()
        else:
            dialog.show()
        return dialog

    # --- shift, settings, language ------------------------------------------------------------------------

    def start_shift(self, station: str, session: str, operator: str) -> None:
        """Record the volunteer's shift (journalled on the writer thread) and remember it."""
        self.desk.station = station.strip()[:100] or self.desk.station
        self.session = session
        names = {item["code"]: item["name"] for item in self.desk.sessions()} if session else {}
        self._session_name = names.get(session, session)
        self.settings.station, self.settings.session, self.settings.operator = self.desk.station, session, operator
        self._persist()
        self.tasks.write(self.desk.set_operator, operator, station, on_done=lambda _r: self._update_header())
        self._update_header()

    def open_shift(self) -> ShiftDialog:
        dialog = ShiftDialog(
            self,
            station=self.desk.station,
            operator=self.desk.operator,
            session=self.session,
            sessions=self.desk.sessions(),
        )
        dialog.accepted.connect(lambda: self.start_shift(*dialog.values()))
        return self._show_dialog(dialog)

    def open_settings(self) -> SettingsDialog:
        from kiosk.core.self_service import KioskOptions
        from kiosk.ui.camera import camera_choices

        dialog = SettingsDialog(
            self,
            language=language(),
            muted=self.sounds.muted,
            camera=self.settings.camera,
            cameras=camera_choices(),
            kiosk_preview=KioskOptions.load(self.desk).preview,
        )
        dialog.accepted.connect(lambda: self.apply_settings(*dialog.values()))
        dialog.accepted.connect(lambda: self.apply_device_settings(*dialog.device_values()))
        return self._show_dialog(dialog)

    def apply_device_settings(self, camera: str, kiosk_preview: bool) -> None:
        """The desk's camera (``"off"`` for none) and the kiosk's badge preview."""
        from kiosk.core.self_service import KioskOptions

        if camera != self.settings.camera:
            self.settings.camera = camera
            self._persist()
            self.start_camera()
        desk = self.desk

        def save_preview() -> None:
            options = KioskOptions.load(desk)
            if options.preview != kiosk_preview:
                options.preview = kiosk_preview
                options.save(desk)

        self.tasks.write(save_preview)

    def start_camera(self) -> None:
        """Show the camera picture in a side panel and scan what it reads; hide it when set to off."""
        from kiosk.ui.camera import CameraView

        if self.camera_view is not None:
            self.camera_view.close_decoder()
            self.camera_view.deleteLater()
            self.camera_view = None
        if self.settings.camera == "off":
            if self.camera_dock is not None:
                self.camera_dock.hide()
            return
        if self.camera_dock is None:
            self.camera_dock = QDockWidget(self)
            self.camera_dock.setObjectName("cameraDock")
            self.camera_dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
            self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.camera_dock)
        self.camera_dock.setWindowTitle(_("Camera"))
        self.camera_view = CameraView(self.camera_dock, device_id=self.settings.camera)
        self.camera_view.setMinimumSize(320, 240)
        self.camera_view.scanned.connect(self.scan)
        self.camera_dock.setWidget(self.camera_view)
        self.camera_dock.show()
        self.camera_view.start()

    def open_kiosk_mode(self):
        """Hand this computer to the guests: the locked self-service screen (staff PIN to leave)."""
        from kiosk.ui.kiosk_mode import open_kiosk_mode

        return open_kiosk_mode(self.desk, self.settings, self)

    def apply_settings(self, lang: str, muted: bool) -> None:
        self.sounds.muted = muted
        self.settings.muted = muted
        if lang != language():
            self.settings.language = lang
            apply_language(lang)  # every widget gets LanguageChange and retranslates itself
        self._persist()

    def _persist(self) -> None:
        if self._save_settings:
            try:
                self.settings.save()
            except OSError as error:
                log.warning("settings not saved: %s", error)

    def retranslate(self) -> None:
        self.walk_in_action.setText(_("Walk-in (F2)"))
        self.delegation_action.setText(_("Delegation (F3)"))
        self.find_action.setText(_("Find (Ctrl+F)"))
        self.shift_action.setText(_("Change shift"))
        self.settings_action.setText(_("Settings"))
        self.printer_action.setText(_("Printer…"))
        self.batch_badges_action.setText(_("Badges for all guests…"))
        self.invitations_action.setText(_("Invitation letters…"))
        self.print_menu_button.setText(_("Printing") + " ▾")
        self.kiosk_action.setText(_("Kiosk mode…"))
        if self.camera_dock is not None:
            self.camera_dock.setWindowTitle(_("Camera"))
        self.reports_button.setText(_("Reports") + " ▾")
        self.unlock_code_action.setText(_("Staff unlock code…"))
        self.tabs.setTabText(self.CHECKIN_TAB, _("Check-in"))
        self.tabs.setTabText(self.AGREEMENTS_TAB, _("Agreements (tab)"))
        self.sync_button.retranslate()
        self.batch_cancel.setText(_("Stop"))
        self._update_print_jobs_action()
        model = self.printing.model
        model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, model.columnCount() - 1)
        self._update_header()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _update_header(self) -> None:
        event = self.desk.event
        name = event.name if event else _("No event")
        session = self._session_name or self.session or _("(no session)")
        operator = self.desk.operator or "—"
        self.setWindowTitle(_("Forum Kiosk — {event}").format(event=name))
        self.header.setText(
            f"<b>{_html(name)}</b> &nbsp;&nbsp; "
            + _("Station: {station} · Session: {session} · Operator: {operator}").format(
                station=_html(self.desk.station), session=_html(session), operator=_html(operator)
            )
        )
        self.shift_label.setText(
            _("{station} · {session} · {operator}").format(
                station=self.desk.station, session=session, operator=operator
            )
        )

    # --- statistics ---------------------------------------------------------------------------------------

    def refresh_stats(self) -> None:
        """Recompute the arrival figures on the reader thread; at most one run at a time."""
        if self._stats_running:
            self._stats_soon.start()
            return
        self._stats_running = True
        station = self.desk.station

        def run() -> ArrivalFigures:
            return ArrivalFigures(compute(), station_count(station))

        self.tasks.read(run, on_done=self._on_stats_done, on_error=self._on_stats_error)

    def _on_stats_done(self, figures: ArrivalFigures) -> None:
        self._stats_running = False
        sessions = {item["code"]: item["name"] for item in self.desk.sessions()}
        self.arrivals.set_figures(figures, self.desk.event, sessions)
        self.stats_updated.emit(figures)

    def _on_stats_error(self, error: BaseException) -> None:
        self._stats_running = False
        log.warning("statistics failed: %s", error)

    # --- sync ---------------------------------------------------------------------------------------------

    def start_sync(self) -> bool:
        """Start the background sync loop when this data folder remembers a hub and a token."""
        configured = hub_configured(self.desk)
        if self.desk.event is not None:
            self.sync_button.zone = self.desk.event.zone
        self.sync_button.show_status(self.sync_button.status, configured=configured)
        if not configured or self.sync_loop is not None:
            return False
        self.sync_loop = self._sync_loop_factory(self.desk, self.sync_bridge.report)
        self.sync_loop.start()
        return True

    def stop_sync(self) -> None:
        """Stop the loop (waits for an attempt under way to finish). Safe to call twice."""
        loop, self.sync_loop = self.sync_loop, None
        if loop is not None:
            loop.stop()

    def sync_now(self) -> None:
        if self.sync_loop is not None:
            self.sync_loop.sync_now()
            self.statusBar().showMessage(_("Syncing…"), 5_000)

    def configure_hub(self, hub: str, token: str) -> None:
        """Check the hub and token by syncing once (off the GUI and writer threads) and remember them the way
        ``kiosk sync --hub --token`` does; the loop then starts, or picks them up at its next attempt."""

        def run():
            from kiosk.models.database import db

            try:
                return SyncService(self.desk).sync(hub, token or None)
            finally:
                if not db.is_closed():
                    db.close()  # this thread's own connection

        self.tasks.network(run, on_done=self._on_hub_checked, on_error=self._on_hub_failed)

    def _on_hub_checked(self, report) -> None:
        self.statusBar().showMessage(_("Hub saved; this desk is syncing."), 10_000)
        if not self.start_sync():
            self.sync_now()
        self._after_pull(report.pulled)
        self.sync_button.set_conflicts(report.conflicts)
        self.hub_saved.emit(report)

    def _on_hub_failed(self, error: BaseException) -> None:
        self.show_error(_("The hub was not saved: {reason}").format(reason=str(error) or type(error).__name__))

    def open_hub_settings(self) -> HubDialog:
        hub, _token = SyncService(self.desk).remembered()
        dialog = HubDialog(self, hub=hub)
        dialog.accepted.connect(lambda: self.configure_hub(*dialog.values()))
        return self._show_dialog(dialog)

    def conflict_rows(self) -> list[ConflictRow]:
        """The hub conflicts this desk's journal holds, readable (a quick read on the GUI thread)."""
        conflicts = SyncService(self.desk).conflicts()
        ids = {c["guest"] for c in conflicts if c.get("guest")}
        names = {guest.id: guest.name for guest in self.guests.many(ids)}
        event = self.desk.event
        rows = conflict_rows(conflicts, names, queries.device_names(), event.zone if event else None)
        self.sync_button.set_conflicts(len(rows))
        return rows

    def open_conflicts(self) -> ConflictsDialog:
        """The conflicts list (non-modal); one at a time."""
        if self.conflicts_dialog is not None:
            self.conflicts_dialog.refresh()
            self.conflicts_dialog.raise_()
            return self.conflicts_dialog
        dialog = ConflictsDialog(self, self.conflict_rows)
        dialog.finished.connect(self._on_conflicts_dialog_finished)
        self.conflicts_dialog = dialog
        return self._show_dialog(dialog, modal=False)

    def _after_pull(self, pulled: int) -> None:
        """Entries from other desks arrived: re-read what the window shows."""
        if pulled <= 0:
            return
        self.search.run_search()
        self.search.show_detail()
        self.agreements.refresh()
        self.refresh_stats()
        if self.conflicts_dialog is not None:
            self.conflicts_dialog.refresh()

    def _on_sync_bridge_status_changed(self, status: SyncStatus) -> None:
        if self.sync_loop is None:
            return  # a last status from a loop being stopped
        self.sync_button.show_status(status, configured=True)
        if status.report is not None:
            self.sync_button.set_conflicts(status.report.conflicts)
            self._after_pull(status.report.pulled)
        self.sync_status_shown.emit(status)

    # --- failures -----------------------------------------------------------------------------------------

    def show_error(self, message: str, details: str = "") -> QMessageBox:
        """A non-modal message box: the desk keeps scanning while it is open."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            _("Something went wrong"),
            _("The last action failed: {message}").format(message=message),
            QMessageBox.StandardButton.Ok,
            self,
        )
        if details:
            box.setDetailedText(details)
        box.setWindowModality(Qt.WindowModality.NonModal)
        self._show_dialog(box, modal=False)
        self.error_shown.emit(message)
        return box

    def _on_tasks_failed(self, message: str, details: str) -> None:
        self.show_error(message, details)

    # --- slots --------------------------------------------------------------------------------------------

    def _on_scan_filter_scanned(self, code: str) -> None:
        self.scan(code)

    def _on_verdict_undo_requested(self, checkin_id: str) -> None:
        self.undo(checkin_id)

    def _on_verdict_name_entered(self, guest_id: str, name: str) -> None:
        def done(guest: GuestView) -> None:
            self.model.refresh_guest(guest.id, guest)
            self.statusBar().showMessage(_("Name saved: {name}").format(name=guest.name), 10_000)
            self.verdict.stub_box.hide()
            self.verdict.name.setText(guest.name)
            self.guest_saved.emit(guest)
            shown = self.verdict.verdict
            # The badge waited for the name of a guest this desk did not know.
            if shown is not None and self.verdict.guest_id == guest.id and self.printing.after_checkin(
                guest.id, shown.reason
            ):
                self.verdict.show_printing(guest.id)

        self.tasks.write(self.guests.update, guest_id, {"name": name}, on_done=done)

    def _on_search_check_in_requested(self, guest_ids: list) -> None:
        self.check_in(list(guest_ids))

    def _on_search_undo_requested(self, guest_id: str) -> None:
        checkin_id = self._last_checkin.get(guest_id) or queries.last_checkin_id(guest_id)
        if checkin_id:
            self.undo(checkin_id)

    def _on_search_edit_requested(self, guest_id: str) -> None:
        self.open_edit(guest_id)

    def _on_search_delegation_requested(self, guest_id: str) -> None:
        self.open_delegation(guest_id)

    def _on_walk_in_action_triggered(self) -> None:
        self.open_walk_in()

    def _on_delegation_action_triggered(self) -> None:
        guest_id = self.search.current_guest_id()
        if guest_id:
            self.open_delegation(guest_id)

    def _on_find_action_triggered(self) -> None:
        self.search.box.setFocus()
        self.search.box.selectAll()

    def _on_shift_action_triggered(self) -> None:
        self.open_shift()

    def _on_settings_action_triggered(self) -> None:
        self.open_settings()

    def _on_search_print_requested(self, guest_id: str) -> None:
        self.print_badge(guest_id)

    def _on_verdict_retry_print_requested(self, job_id: str) -> None:
        self.verdict.show_print_job(job_id, self.verdict.guest_id, "sent")
        self.printing.retry(job_id)

    def _on_unlock_code_action_triggered(self) -> None:
        self.open_unlock_code()

    def _on_kiosk_action_triggered(self) -> None:
        self.open_kiosk_mode()

    def _on_agreements_failed(self, message: str) -> None:
        self.show_error(message)

    def _on_reports_menu_written(self, path: str) -> None:
        self.statusBar().showMessage(_("Report written: {file}").format(file=path), 15_000)

    def _on_reports_menu_failed(self, message: str) -> None:
        self.show_error(message)

    def _on_sync_now_action_triggered(self) -> None:
        self.sync_now()

    def _on_conflicts_action_triggered(self) -> None:
        self.open_conflicts()

    def _on_hub_action_triggered(self) -> None:
        self.open_hub_settings()

    def _on_conflicts_dialog_finished(self, _result: int) -> None:
        self.conflicts_dialog = None

    def _on_print_jobs_action_triggered(self) -> None:
        self.open_print_jobs()

    def _on_printer_action_triggered(self) -> None:
        self.open_printer_settings()

    def _on_batch_badges_action_triggered(self) -> None:
        self._choose_batch_file("badges")

    def _on_invitations_action_triggered(self) -> None:
        self._choose_batch_file("invitations")

    def _on_print_jobs_retry_requested(self, job_id: str) -> None:
        self.printing.retry(job_id)

    def _on_print_jobs_move_requested(self, job_id: str) -> None:
        self.open_move_job(job_id)

    def _on_print_jobs_dialog_finished(self, _result: int) -> None:
        self.print_jobs_dialog = None

    def _on_printer_dialog_finished(self, _result: int) -> None:
        self.printer_dialog = None

    def _on_printing_job_updated(self, job) -> None:
        self.verdict.show_print_job(job.id, job.guest_id, job.state, job.error)
        if job.state == "failed" and job.guest_id != self.verdict.guest_id:
            self.statusBar().showMessage(_("A badge did not print: see Print jobs."), 10_000)

    def _on_printing_job_skipped(self, guest_id: str) -> None:
        if guest_id == self.verdict.guest_id and not self.verdict.print_job_id:
            self.verdict.clear_print()

    def _on_printing_reason_needed(self, guest_id: str) -> None:
        self.ask_reprint_reason(guest_id)

    def _on_printing_jobs_changed(self, failed: int) -> None:
        self._print_failed = failed
        self._update_print_jobs_action()

    def _on_printing_prefs_saved(self, _prefs) -> None:
        self.statusBar().showMessage(_("Printer settings saved."), 5_000)

    def _on_printing_prefs_failed(self, message: str) -> None:
        self.show_error(message)

    def _on_printing_test_printed(self, where: str) -> None:
        if self.printer_dialog is not None:
            self.printer_dialog.show_test_result(_("Test badge sent: {where}").format(where=where), True)

    def _on_printing_test_failed(self, message: str) -> None:
        if self.printer_dialog is not None:
            self.printer_dialog.show_test_result(_("Test badge not printed: {error}").format(error=message), False)

    def _on_printing_batch_progressed(self, done: int, total: int) -> None:
        self.batch_bar.setRange(0, max(1, total))
        self.batch_bar.setValue(min(done, max(1, total)))

    def _on_printing_batch_finished(self, path: str, count: int) -> None:
        self._end_batch()
        self.statusBar().showMessage(_("{count} guests written to {file}").format(count=count, file=path), 15_000)
        self.printing.refresh()
        self.batch_done.emit(path)

    def _on_printing_batch_failed(self, message: str) -> None:
        self._end_batch()
        if message:
            self.show_error(message)
        else:
            self.statusBar().showMessage(_("Batch stopped."), 10_000)
        self.batch_done.emit("")

    def _end_batch(self) -> None:
        self.batch_bar.hide()
        self.batch_cancel.hide()

    # --- closing --------------------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop timers, remove the scanner filter, finish queued writes. Safe to call twice."""
        self._stats_timer.stop()
        self._stats_soon.stop()
        self.stop_sync()
        if self.camera_view is not None:
            self.camera_view.close_decoder()
            self.camera_view = None
        self.printing.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.scan_filter)
        self.tasks.close()


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def run_later(callback: Callable[[], None]) -> None:
    QTimer.singleShot(0, callback)
