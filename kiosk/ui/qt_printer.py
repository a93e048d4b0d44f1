"""The system printer through Qt (QPrinter): the backend that works on every platform.

Each PDF page is rasterised with QtPdf and painted full-page on the printer. Qt has no job-state
API: a job is *done* as soon as ``QPainter.end()`` returns True (the spooler took it) and *failed*
otherwise — a jam after that is not seen. QPrinter and QPainter belong to the GUI thread, so a job
submitted from a worker (the writer, which renders the badge) is handed to the GUI thread and the
worker waits for its outcome.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QObject, QRect, QSize, QSizeF, Qt, Signal
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from kiosk.i18n import _
from kiosk.printing.backends import JobState, JobStatus, PrintError

MAX_DPI = 300  # a badge needs no more; 1200 dpi pages would be 100 MB images
WAIT_S = 60.0


def available_printers() -> list[str]:
    """The printers Qt knows on this machine (GUI thread)."""
    return list(QPrinterInfo.availablePrinterNames())


class _GuiCall(QObject):
    """Runs a callable on the thread this object lives on (the GUI thread)."""

    posted = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.posted.connect(self._on_posted, Qt.ConnectionType.QueuedConnection)

    def _on_posted(self, call: Callable[[], None]) -> None:
        call()


class QtPrinterBackend:
    """A :class:`~kiosk.printing.backends.PrintBackend` on QPrinter. Create it on the GUI thread.

    ``printer`` is a printer name from :func:`available_printers` ("" for the default printer), or
    the absolute path of a ``.pdf`` file to print into (Qt's "print to file").
    """

    def __init__(self, parent: QObject | None = None, *, timeout: float = WAIT_S) -> None:
        self._gui = _GuiCall(parent)
        self._gui_thread = threading.get_ident()
        self._timeout = timeout
        self._lock = threading.Lock()
        self._states: dict[str, JobState] = {}
        self._closed = False
        self._waiting: list[threading.Event] = []

    # --- PrintBackend ---------------------------------------------------------------------------------

    def submit(
        self, pdf: bytes, *, printer: str, media_mm: tuple[float, float], copies: int = 1, title: str = ""
    ) -> str:
        if self._closed:
            raise PrintError(_("The desk window is closing: the badge was not printed."))
        if threading.get_ident() == self._gui_thread:
            return self._print(pdf, printer, media_mm, copies, title)
        return self._on_gui_thread(lambda: self._print(pdf, printer, media_mm, copies, title))

    def job_state(self, job_id: str) -> JobState:
        with self._lock:
            state = self._states.get(job_id)
        return state or JobState(JobStatus.FAILED, _("The print system does not know this job."))

    def close(self) -> None:
        """Refuse new jobs and release workers waiting for the GUI thread (the window is closing)."""
        self._closed = True
        with self._lock:
            waiting, self._waiting = self._waiting, []
        for event in waiting:
            event.set()

    # --- the GUI thread ---------------------------------------------------------------------------------

    def _on_gui_thread(self, work: Callable[[], str]) -> str:
        outcome: dict[str, Any] = {}
        done = threading.Event()

        def run() -> None:
            if "abandoned" in outcome:
                return  # the worker gave up: printing now would surprise everyone
            try:
                outcome["result"] = work()
            except BaseException as error:  # handed to the waiting worker
                outcome["error"] = error
            finally:
                done.set()

        with self._lock:
            self._waiting.append(done)
        self._gui.posted.emit(run)
        finished = done.wait(self._timeout)
        with self._lock:
            if done in self._waiting:
                self._waiting.remove(done)
        if "error" in outcome:
            raise outcome["error"]
        if "result" in outcome:
            return outcome["result"]
        outcome["abandoned"] = True
        if not finished:
            raise PrintError(_("The desk window did not answer: the badge was not printed."))
        raise PrintError(_("The desk window is closing: the badge was not printed."))

    def _print(self, pdf: bytes, printer_name: str, media_mm: tuple[float, float], copies: int, title: str) -> str:
        document = QPdfDocument()
        data = QByteArray(pdf)
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        document.load(buffer)
        if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
            raise PrintError(_("Not a PDF document."))
        printer = self._printer(printer_name, media_mm, copies, title)
        job_id = f"qt-{uuid.uuid4().hex[:12]}"
        painter = QPainter()
        if not painter.begin(printer):
            self._set(job_id, JobState(JobStatus.FAILED, _("The printer could not be opened.")))
            raise PrintError(_("The printer {printer} could not be opened.").format(printer=printer_name or "—"))
        dpi = min(printer.resolution(), MAX_DPI)
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            target: QRect = printer.pageLayout().fullRectPixels(printer.resolution())
            points = document.pagePointSize(page)
            size = QSize(round(points.width() / 72 * dpi), round(points.height() / 72 * dpi))
            image: QImage = document.render(page, size)
            painter.drawImage(target, image)
        ok = painter.end()
        document.close()
        buffer.close()
        state = JobState(JobStatus.DONE) if ok else JobState(JobStatus.FAILED, _("The printer stopped the job."))
        self._set(job_id, state)
        if not ok:
            raise PrintError(_("The printer {printer} stopped the job.").format(printer=printer_name or "—"))
        return job_id

    def _printer(self, name: str, media_mm: tuple[float, float], copies: int, title: str) -> QPrinter:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if name.lower().endswith(".pdf") and Path(name).is_absolute():
            printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            printer.setOutputFileName(name)
            printer.setResolution(MAX_DPI)
        elif name:
            if name not in available_printers():
                raise PrintError(_("There is no printer called {printer} on this computer.").format(printer=name))
            printer.setPrinterName(name)
        width, height = media_mm
        page = QPageSize(QSizeF(width, height), QPageSize.Unit.Millimeter, "", QPageSize.SizeMatchPolicy.ExactMatch)
        # QPageSize keeps sizes in portrait: a card wider than tall is a landscape page.
        orientation = QPageLayout.Orientation.Landscape if width > height else QPageLayout.Orientation.Portrait
        layout = QPageLayout(page, orientation, QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
        layout.setMode(QPageLayout.Mode.FullPageMode)
        printer.setPageLayout(layout)
        printer.setFullPage(True)
        printer.setCopyCount(max(1, copies))
        printer.setDocName(title or "Forum Kiosk")
        return printer

    def _set(self, job_id: str, state: JobState) -> None:
        with self._lock:
            self._states[job_id] = state
