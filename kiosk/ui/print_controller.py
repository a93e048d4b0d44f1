"""The window's side of printing: the desk's print queue driven from the writer thread.

Every print, retry and refresh runs on the writer (it journals the job); results return as signals.
A job for the system printer (Qt) is rendered on the writer and painted on the GUI thread (see
:mod:`kiosk.ui.qt_printer`). Pending and sent jobs are refreshed from the print system periodically,
never on the GUI thread, and each job that fails raises one staff alert.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.core.alerts import raise_alert
from kiosk.core.desk import Desk, EventInfo
from kiosk.core.guests import GuestService
from kiosk.core.print_queue import PrinterPrefs, PrintJobView, PrintQueue, ReasonRequired, event_date_text
from kiosk.i18n import _
from kiosk.printing.backends import PrintError, list_printers
from kiosk.printing.badge import BadgeData, render_badge
from kiosk.printing.fonts import FontNotFound, MissingGlyphs
from kiosk.printing.layout import LayoutError, load_layout
from kiosk.ui.print_jobs_model import JobRow, PrintJobModel
from kiosk.ui.qt_printer import QtPrinterBackend
from kiosk.ui.tasks import TaskManager

log = logging.getLogger(__name__)

REFRESH_MS = 5_000
ACTIVE = ("pending", "sent")
TEST_CODE = "FKTEST" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" * 4


class BatchCancelled(Exception):
    """The volunteer stopped a batch; its partial file is removed."""


class PrintController(QObject):
    """Signals:
    job_updated(object): a job this desk just queued, retried or refreshed has a state (PrintJobView).
    job_skipped(str): an automatic badge was not printed (guest id): off, or printed before.
    reason_needed(str): a reprint was asked without a reason (guest id).
    jobs_changed(int): the jobs table was reloaded (the number of failed jobs).
    prefs_saved(object): new printer settings are stored (PrinterPrefs).
    prefs_failed(str): the settings were refused (the core's message).
    test_printed(str): the test badge went out (where, for the volunteer).
    test_failed(str): the test badge did not print (why).
    batch_progressed(int, int): done, total.
    batch_finished(str, int): the file written and how many pages of guests it holds.
    batch_failed(str): the batch stopped (why; "" when cancelled).
    """

    job_updated = Signal(object)
    job_skipped = Signal(str)
    reason_needed = Signal(str)
    jobs_changed = Signal(int)
    prefs_saved = Signal(object)
    prefs_failed = Signal(str)
    test_printed = Signal(str)
    test_failed = Signal(str)
    batch_progressed = Signal(int, int)
    batch_finished = Signal(str, int)
    batch_failed = Signal(str)

    def __init__(
        self, desk: Desk, tasks: TaskManager, event: Callable[[], EventInfo | None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.tasks = tasks
        self.qt_backend = QtPrinterBackend(self)
        self.queue = PrintQueue(desk, backend_factory=lambda _prefs: self.qt_backend)
        self.model = PrintJobModel(event, self)
        self.prefs = self.queue.prefs()  # a cached copy for the GUI thread; the writer reads its own
        self._alerted: set[str] = set()  # failed jobs already alerted (writer thread only)
        self._refreshing = False
        self._refresh_again = False
        self._batch_cancel = False
        self.batch_running = False
        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self._on_timer_timeout)

    def start(self) -> None:
        """Load the jobs table and keep it current."""
        self.tasks.write(self._seed_alerted)  # the writer runs in order: before any job of this window
        self.refresh()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self.qt_backend.close()

    # --- printing -------------------------------------------------------------------------------------------

    def after_checkin(self, guest_id: str, reason: str) -> bool:
        """The automatic badge of a first arrival (writer thread). True when one may be printed."""
        if reason != "checked_in" or not self.prefs.auto_print:
            return False

        def run() -> PrintJobView | None:
            job = self.queue.after_checkin(guest_id, reason)
            if job is not None:
                self._alert_failed([job])
            return job

        self.tasks.write(run, on_done=lambda job: self._on_job_done(guest_id, job), on_error=self._on_job_error)
        return True

    def badge_printed(self, guest_id: str) -> bool:
        """Has this guest a printed badge (a quick read, on the GUI thread)?"""
        return self.queue.badge_printed(guest_id)

    def print_badge(self, guest_id: str, reason: str = "", printer: str | None = None) -> None:
        """Print (or, with ``reason``, reprint) a guest's badge."""

        def run() -> PrintJobView | None:
            job = self.queue.print_badge(guest_id, reason=reason, printer=printer)
            if job is not None:
                self._alert_failed([job])
            return job

        def failed(error: BaseException) -> None:
            if isinstance(error, ReasonRequired):
                self.reason_needed.emit(guest_id)
            else:
                self._on_job_error(error)

        self.tasks.write(run, on_done=lambda job: self._on_job_done(guest_id, job), on_error=failed)

    def retry(self, job_id: str, printer: str | None = None) -> None:
        """Send a failed or stuck job again, on the same or another printer."""

        def run() -> PrintJobView:
            job = self.queue.retry(job_id, printer=printer)
            self._alert_failed([job])
            return job

        self.tasks.write(run, on_done=lambda job: self._on_job_done(job.guest_id, job), on_error=self._on_job_error)

    def _on_job_done(self, guest_id: str, job: PrintJobView | None) -> None:
        if job is None:
            self.job_skipped.emit(guest_id)
        else:
            self.job_updated.emit(job)
        self.refresh()

    def _on_job_error(self, error: BaseException) -> None:
        log.warning("printing failed: %s", error)
        self.tasks.failed.emit(str(error) or type(error).__name__, "")

    # --- the jobs table ---------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Ask the print system about waiting jobs and reload the table (writer thread, one at a time)."""
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True
        self.tasks.write(self._refresh_rows, on_done=self._on_refreshed, on_error=self._on_refresh_error)

    def _refresh_rows(self) -> list[JobRow]:
        """Writer thread: refresh the jobs still in the print system, alert new failures, list all jobs."""
        for job in self.queue.jobs(states=ACTIVE):
            try:
                self.queue.refresh(job.id)
            except (PrintError, ValueError, OSError) as error:
                log.warning("print job %s not refreshed: %s", job.id, error)
        # Pre-printed batches are done by definition and would bury the desk's own jobs.
        jobs = [job for job in self.queue.jobs() if job.kind != "batch"]
        self._alert_failed(jobs)
        names = {guest.id: guest.name for guest in GuestService(self.desk).many({job.guest_id for job in jobs})}
        return [JobRow(job, names.get(job.guest_id, "")) for job in jobs]

    def mark_alerted(self, job_id: str) -> None:
        """A job whose alert was raised elsewhere (the self-service kiosk). Writer thread only."""
        self._alerted.add(job_id)

    def _seed_alerted(self) -> None:
        """Writer thread: jobs that failed before this window opened were alerted by the run that saw them fail."""
        self._alerted.update(job.id for job in self.queue.jobs(states=("failed",)))

    def _alert_failed(self, jobs: list[PrintJobView]) -> None:
        """Writer thread: one staff alert per job that failed since this window opened."""
        failed = [job for job in jobs if job.state == "failed"]
        for job in failed:
            if job.id in self._alerted:
                continue
            self._alerted.add(job.id)
            name = GuestService(self.desk).get(job.guest_id)
            raise_alert(
                self.desk,
                "printer",
                _("Badge for {name} not printed on {printer}: {error}").format(
                    name=name.name if name and name.name else job.guest_id[:8],
                    printer=job.printer or _("(default)"),
                    error=job.error,
                ),
            )

    def _on_refreshed(self, rows: list[JobRow]) -> None:
        self._refreshing = False
        previous = {job.id: job for job in self.model.jobs()}
        self.model.set_rows(rows)
        for row in rows:
            before = previous.get(row.job.id)
            if before is not None and before != row.job:
                self.job_updated.emit(row.job)
        self.jobs_changed.emit(self.model.failed_count)
        if self._refresh_again:
            self._refresh_again = False
            self.refresh()

    def _on_refresh_error(self, error: BaseException) -> None:
        self._refreshing = False
        log.warning("print jobs not refreshed: %s", error)

    def _on_timer_timeout(self) -> None:
        if any(job.state in ACTIVE for job in self.model.jobs()):
            self.refresh()

    # --- settings --------------------------------------------------------------------------------------------

    def save_prefs(self, prefs: PrinterPrefs) -> None:
        """Store this desk's printer settings (validated by the core; its message on refusal)."""

        def done(_result: None) -> None:
            self.prefs = prefs
            self.prefs_saved.emit(prefs)

        def failed(error: BaseException) -> None:
            if isinstance(error, ValueError):
                self.prefs_failed.emit(str(error))
            else:
                self._on_job_error(error)

        self.tasks.write(self.queue.set_prefs, prefs, on_done=done, on_error=failed)

    def list_printers(self, backend: str, on_done: Callable[[list[str]], None]) -> None:
        """The printer names for ``backend`` ("cups" asks CUPS on the reader thread; "qt" asks Qt)."""
        if backend == "qt":
            from kiosk.ui.qt_printer import available_printers

            on_done(available_printers())
        elif backend == "cups":
            self.tasks.read(list_printers, on_done=on_done, on_error=lambda _error: on_done([]))
        else:
            on_done([])

    def print_test(self, prefs: PrinterPrefs) -> None:
        """A sample badge with ``prefs`` (not yet saved); not journalled, no guest involved."""
        event = self.desk.event

        def run() -> str:
            layout = load_layout(prefs.layout)
            badge = BadgeData(
                guest_id="test", name=_("Test Badge"), organisation=_("Printer calibration"), title="",
                category="guest", credential=TEST_CODE, event_name=event.name if event else "Forum Kiosk",
                event_date=event_date_text(event) if event else "", venue=event.venue if event else "",
            )
            pdf = render_badge(badge, layout, offset_mm=(prefs.offset_x_mm, prefs.offset_y_mm))
            backend = self.queue.backend(prefs)
            job = backend.submit(pdf, printer=prefs.printer, media_mm=(layout.page_width_mm, layout.page_height_mm),
                                 copies=1, title="test-badge")
            state = backend.job_state(job)
            if state.status.value == "failed":
                raise PrintError(state.reason or _("The print system cancelled the job."))
            path = getattr(backend, "path_of", None)
            return str(path(job)) if path else job

        def failed(error: BaseException) -> None:
            if isinstance(error, (PrintError, LayoutError, MissingGlyphs, FontNotFound, OSError, ValueError)):
                self.test_failed.emit(str(error))
            else:
                self._on_job_error(error)

        # The reader thread: nothing is written, and a Qt job is painted on the GUI thread meanwhile.
        self.tasks.read(run, on_done=self.test_printed.emit, on_error=failed)

    # --- batches --------------------------------------------------------------------------------------------

    def batch(self, kind: str, output: Path) -> None:
        """All guests' badges (``kind`` "badges") or invitation letters ("invitations") into one PDF."""
        self._batch_cancel = False
        self.batch_running = True
        last = [-1]

        def progress(done: int, total: int) -> None:  # writer thread
            if self._batch_cancel:
                raise BatchCancelled
            percent = done * 100 // max(1, total)
            if percent != last[0] or done == total:
                last[0] = percent
                self.tasks.post(lambda value: self.batch_progressed.emit(*value), (done, total))

        def run() -> int:
            try:
                if kind == "badges":
                    return self.queue.batch_pdf(output, progress=progress)
                return self.queue.invitations_pdf(output, progress=progress)
            except BaseException:
                output.with_name(output.name + ".part").unlink(missing_ok=True)
                raise

        def done(count: int) -> None:
            self.batch_running = False
            self.batch_finished.emit(str(output), count)

        def failed(error: BaseException) -> None:
            self.batch_running = False
            self.batch_failed.emit("" if isinstance(error, BatchCancelled) else str(error) or type(error).__name__)

        self.tasks.write(run, on_done=done, on_error=failed)

    def cancel_batch(self) -> None:
        self._batch_cancel = True
