"""Starting the desk window: QApplication, language, the data folder, the event, the shift."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QProgressDialog

from kiosk.i18n import _

BENCH_MARKER = "KIOSK_BENCH_READY"


def _application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Forum Kiosk")
    app.setOrganizationName("forum-kiosk")
    font = QFont(app.font())
    # A CJK fallback that is present on most Linux desks; Windows/macOS fall back by themselves.
    font.setFamilies([font.family(), "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC"])
    font.setPointSize(max(font.pointSize(), 11))
    app.setFont(font)
    return app


def launch(args: argparse.Namespace) -> int:
    """Open the desk window (or, with ``--mode self-service``, the kiosk) on ``args.data``; the exit code."""
    if getattr(args, "mode", "desk") == "self-service":
        from kiosk.ui.kiosk_mode import run_self_service

        return run_self_service(args)
    from kiosk.core.backup import BackupScheduler
    from kiosk.core.desk import open_desk
    from kiosk.ui.settings import DeskSettings
    from kiosk.ui.translator import apply_language

    app = _application()
    settings = DeskSettings.load()
    apply_language(args.lang or settings.language or "zh")
    if args.lang:
        settings.language = args.lang
    desk = open_desk(args.data)
    try:
        # The first-run and shift dialogs close before the window opens: that is not "the last window".
        app.setQuitOnLastWindowClosed(False)
        if desk.event is None and not _create_event(app, desk):
            return 1
        window = _open_window(desk, settings, args)
        if window is None:
            return 1
        app.setQuitOnLastWindowClosed(True)
        _quit_on_signals(app)
        backups = BackupScheduler(desk.data_dir).start()  # a copy every 10 minutes, on its own thread
        try:
            code = app.exec()
        finally:
            window.shutdown()
            backups.stop()
        return code
    finally:
        desk.close()


def _quit_on_signals(app: QApplication) -> None:
    """SIGTERM/SIGINT close the window properly (queued writes finish, the database is closed)."""
    for number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(number, lambda *_args: app.quit())
    # Python runs signal handlers only between bytecodes: let it in now and then.
    timer = QTimer(app)
    timer.timeout.connect(lambda: None)
    timer.start(250)


def _open_window(desk, settings, args):
    from kiosk.ui.dialogs import ShiftDialog
    from kiosk.ui.main_window import DeskWindow

    station = (args.station or settings.station or desk.station).strip()
    operator = (args.operator or "").strip()
    session = settings.session if any(s["code"] == settings.session for s in desk.sessions()) else ""
    if not (args.station and args.operator):
        dialog = ShiftDialog(
            None, station=station, operator=operator or settings.operator, session=session, sessions=desk.sessions()
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        station, session, operator = dialog.values()
    window = DeskWindow(desk, settings)
    window.start_shift(station, session, operator)
    window.showMaximized() if os.environ.get("KIOSK_MAXIMIZED") else window.show()
    window.search.box.setFocus()
    if os.environ.get(BENCH_MARKER) == "1":
        _announce_when_painted(window)
    return window


def _announce_when_painted(window) -> None:
    """For bench/bench_ui.py: print a marker once the first frame is painted."""
    from PySide6.QtCore import QEvent, QObject

    class _Painted(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint and watched is window.verdict:
                QTimer.singleShot(0, lambda: print("KIOSK_READY", flush=True))
                watched.removeEventFilter(self)
            return False

    window._bench_filter = _Painted(window)
    window.verdict.installEventFilter(window._bench_filter)


def _create_event(app: QApplication, desk) -> bool:
    """No event in the folder: offer the demo event or a new event with an imported guest list."""
    from kiosk.core.demo import create_demo
    from kiosk.ui.dialogs import NewEventDialog
    from kiosk.ui.importer import ImportRunner
    from kiosk.ui.tasks import TaskManager

    dialog = NewEventDialog()
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    if dialog.choice == "demo":
        create_demo(desk)
        return True
    desk.create_event(**dialog.event_fields())
    progress = QProgressDialog(_("Importing the guest list…"), "", 0, 100)
    progress.setCancelButton(None)
    progress.setMinimumDuration(0)
    progress.setWindowTitle(_("Import"))
    result: dict = {}
    tasks = TaskManager()
    runner = ImportRunner(tasks, desk)
    runner.progressed.connect(lambda done, total: _set_progress(progress, done, total))
    runner.finished.connect(lambda report: (result.update(report=report), app.exit(0)))
    runner.failed.connect(lambda message: (result.update(error=message), app.exit(0)))
    runner.start(Path(dialog.file.text().strip()))
    progress.show()
    app.exec()  # until the import is done; the progress dialog keeps painting meanwhile
    progress.close()
    tasks.close()
    report = result.get("report")
    if report is None or report.errors:
        lines = [result.get("error", "")] if report is None else [e["message"] for e in report.errors[:20]]
        QMessageBox.warning(None, _("Import"), _("Nothing was imported:") + "\n" + "\n".join(lines))
        return True  # the event exists; the guest list can be imported again later
    QMessageBox.information(
        None,
        _("Import"),
        _("Imported {n} new guests, updated {m}, unchanged {k}.").format(
            n=report.imported, m=report.updated, k=report.unchanged
        ),
    )
    return True


def _set_progress(progress: QProgressDialog, done: int, total: int) -> None:
    progress.setMaximum(max(1, total))
    progress.setValue(min(done, max(1, total)))
