"""Printing from the desk window: the Qt printer, automatic badges, the jobs panel, settings, batches."""

from __future__ import annotations

import threading

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from kiosk.core.alerts import open_alerts
from kiosk.core.guests import GuestService
from kiosk.core.print_queue import PrinterPrefs
from kiosk.printing.backends import JobStatus, PrintBackend, PrintError
from kiosk.printing.badge import render_badge
from kiosk.ui.print_jobs_model import PrintJobModel
from kiosk.ui.qt_printer import QtPrinterBackend
from tests.printing.pdf_tools import decode_qr, make_badge, pdf_to_images
from tests.ui.conftest import code_of

MM = 72 / 25.4


def guests(window):
    return [g for g in GuestService(window.desk).all() if g.name and g.state != "cancelled"]


def set_prefs(window, **fields) -> PrinterPrefs:
    prefs = PrinterPrefs(**fields)
    window.printing.queue.set_prefs(prefs)
    window.printing.prefs = prefs
    return prefs


def scan(qtbot, window, text):
    with qtbot.waitSignal(window.verdict_shown, timeout=5000) as blocker:
        window.scan(text)
    return blocker.args[0]


def wait_job(qtbot, window, state, timeout=10_000):
    """The next job update in ``state`` (checked in the signal's callback, no sleeps)."""
    with qtbot.waitSignal(
        window.printing.job_updated, timeout=timeout, check_params_cb=lambda job: job.state == state
    ) as blocker:
        pass
    return blocker.args[0]


def idle(qtbot, window):
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=10_000)


# --- the Qt printer --------------------------------------------------------------------------------------


def test_qt_printer_prints_the_badge_full_page_with_a_readable_qr(qtbot, tmp_path):
    badge = make_badge("王芳")
    pdf = render_badge(badge, "badge-90x130")
    backend = QtPrinterBackend()
    assert isinstance(backend, PrintBackend)
    out = tmp_path / "qt.pdf"
    job = backend.submit(pdf, printer=str(out), media_mm=(90, 130), copies=1, title="badge")
    assert backend.job_state(job).status is JobStatus.DONE
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) / MM == pytest.approx(90, abs=0.5)
    assert float(box.height) / MM == pytest.approx(130, abs=0.5)
    images = pdf_to_images(out.read_bytes(), tmp_path, dpi=200)
    assert decode_qr(images[0]) == [badge.credential]
    # Full page, no margins: the dark header band reaches the top-left corner.
    assert images[0].getpixel((2, 2)) < 128


def test_qt_printer_from_a_worker_prints_on_the_gui_thread(qtbot, tmp_path):
    backend = QtPrinterBackend()
    pdf = render_badge(make_badge("Li Lei", seed=2), "badge-90x130")
    out = tmp_path / "worker.pdf"
    result: dict = {}

    def work():
        result["job"] = backend.submit(pdf, printer=str(out), media_mm=(90, 130), copies=2, title="worker")

    worker = threading.Thread(target=work)
    worker.start()
    qtbot.waitUntil(lambda: "job" in result, timeout=10_000)  # the GUI thread paints meanwhile
    worker.join()
    assert backend.job_state(result["job"]).status is JobStatus.DONE
    assert out.is_file()


def test_qt_printer_failures_are_print_errors(qtbot, tmp_path):
    backend = QtPrinterBackend()
    pdf = render_badge(make_badge(), "badge-90x130")
    with pytest.raises(PrintError):
        backend.submit(pdf, printer=str(tmp_path / "no" / "such" / "dir.pdf"), media_mm=(90, 130))
    with pytest.raises(PrintError):
        backend.submit(pdf, printer="No Such Printer 42", media_mm=(90, 130))
    with pytest.raises(PrintError):
        backend.submit(b"not a pdf", printer=str(tmp_path / "x.pdf"), media_mm=(90, 130))
    assert backend.job_state("qt-unknown").status is JobStatus.FAILED
    backend.close()
    with pytest.raises(PrintError):
        backend.submit(pdf, printer=str(tmp_path / "late.pdf"), media_mm=(90, 130))


# --- automatic badges --------------------------------------------------------------------------------------


def test_first_arrival_prints_its_badge_once_and_says_so(qtbot, window, tmp_path):
    folder = tmp_path / "printed"
    set_prefs(window, backend="pdf", printer=str(folder), auto_print=True)
    guest = guests(window)[3]
    code = code_of(window.desk, guest.id)
    with qtbot.waitSignal(window.printing.job_updated, timeout=10_000) as blocker:
        assert scan(qtbot, window, code).status == "ok"
    job = blocker.args[0]
    assert job.guest_id == guest.id and job.state == "done"
    assert "Badge printed" in window.verdict.print_status.text()
    assert window.verdict.print_status.isVisibleTo(window.verdict)
    assert len(list(folder.glob("*.pdf"))) == 1
    # A re-entry (amber) never prints.
    assert scan(qtbot, window, code).status == "warn"
    idle(qtbot, window)
    assert not window.verdict.print_status.isVisibleTo(window.verdict)
    assert len(window.printing.queue.jobs(guest_id=guest.id)) == 1


def test_no_automatic_badge_when_the_desk_does_not_print_automatically(qtbot, window, tmp_path):
    set_prefs(window, backend="pdf", printer=str(tmp_path / "printed"), auto_print=False)
    guest = guests(window)[4]
    scan(qtbot, window, code_of(window.desk, guest.id))
    idle(qtbot, window)
    assert window.printing.queue.jobs(guest_id=guest.id) == []
    assert not window.verdict.print_status.isVisibleTo(window.verdict)


def test_manual_check_in_prints_too(qtbot, window, tmp_path):
    set_prefs(window, backend="pdf", printer=str(tmp_path / "printed"), auto_print=True)
    guest = guests(window)[5]
    with qtbot.waitSignal(window.printing.job_updated, timeout=10_000) as blocker:
        window.check_in([guest.id])
    assert blocker.args[0].guest_id == guest.id and blocker.args[0].state == "done"


def test_a_failed_badge_is_red_in_the_verdict_alerted_once_and_retried(qtbot, window, tmp_path):
    broken = str(tmp_path / "missing-folder" / "badge.pdf")
    set_prefs(window, backend="qt", printer=broken, auto_print=True)
    guest = guests(window)[6]
    with qtbot.waitSignal(window.printing.job_updated, timeout=10_000) as blocker:
        scan(qtbot, window, code_of(window.desk, guest.id))
    job = blocker.args[0]
    assert job.state == "failed" and job.error
    text = window.verdict.print_status.text()
    assert "Badge printing failed" in text and f"retry:{job.id}" in text
    qtbot.waitUntil(lambda: window.printing.model.failed_count == 1, timeout=5000)
    assert "1 failed" in window.print_jobs_action.text()
    alerts = [a for a in open_alerts() if a.kind == "printer"]
    assert len(alerts) == 1 and guest.name in alerts[0].message
    window.printing.refresh()
    idle(qtbot, window)
    assert len([a for a in open_alerts() if a.kind == "printer"]) == 1  # once per failed job

    # The printer is fixed; the link in the verdict sends the same job again.
    set_prefs(window, backend="qt", printer=str(tmp_path / "fixed.pdf"), auto_print=True)
    with qtbot.waitSignal(window.printing.job_updated, timeout=10_000) as blocker:
        window.verdict.print_status.linkActivated.emit(f"retry:{job.id}")
    # The job keeps its printer: still the broken path, so it fails again (attempt 2) …
    assert blocker.args[0].id == job.id and blocker.args[0].attempts == 2


def test_print_jobs_panel_retries_on_another_printer(qtbot, window, tmp_path):
    set_prefs(window, backend="qt", printer=str(tmp_path / "nowhere" / "x.pdf"), auto_print=False)
    guest = guests(window)[7]
    window.print_badge(guest.id)
    failed = wait_job(qtbot, window, "failed")
    qtbot.waitUntil(lambda: window.printing.model.failed_count == 1, timeout=5000)
    panel = window.open_print_jobs()
    assert panel.isVisible() and not panel.isModal()
    assert window.open_print_jobs() is panel  # one panel
    assert panel.current_job().id == failed.id  # failed first
    assert "1 of 1 print jobs failed" in panel.summary.text()
    assert panel.retry.isEnabled() and panel.move.isEnabled()

    choice = window.open_move_job(failed.id)
    target = tmp_path / "other.pdf"
    choice.printer.setEditText(str(target))
    with qtbot.waitSignal(window.printing.job_updated, timeout=10_000) as blocker:
        choice.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    done = blocker.args[0]
    assert done.id == failed.id and done.state == "done" and done.printer == str(target)
    assert target.is_file()
    qtbot.waitUntil(lambda: window.printing.model.failed_count == 0, timeout=5000)
    assert window.print_jobs_action.text() == "Print jobs"
    assert not panel.retry.isEnabled()  # a printed job is not sent again
    panel.close()


def test_print_jobs_model_puts_failed_first_and_passes_the_model_tester(qtbot, qtmodeltester, window, tmp_path):
    set_prefs(window, backend="pdf", printer=str(tmp_path / "ok"))
    first, second = guests(window)[8:10]
    window.print_badge(first.id)
    wait_job(qtbot, window, "done")
    set_prefs(window, backend="qt", printer=str(tmp_path / "no" / "x.pdf"))
    window.print_badge(second.id)
    wait_job(qtbot, window, "failed")
    qtbot.waitUntil(lambda: window.printing.model.rowCount() == 2, timeout=5000)
    model: PrintJobModel = window.printing.model
    assert model.row(0).job.state == "failed" and model.row(0).guest_name == second.name
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.data(model.index(1, 0), Qt.ItemDataRole.BackgroundRole) is None
    assert model.data(model.index(0, 1)) == second.name
    qtmodeltester.check(model)


# --- print and reprint from the detail pane ---------------------------------------------------------------


def test_detail_pane_prints_and_a_reprint_needs_a_reason(qtbot, window, tmp_path):
    set_prefs(window, backend="pdf", printer=str(tmp_path / "printed"))
    guest = guests(window)[12]
    window.search.box.setText(guest.name)
    window.search.run_search()
    detail = window.search.detail
    assert detail.guest.id == guest.id and detail.print_badge.isEnabled()
    assert detail.print_badge.text() == "Print badge"
    with qtbot.waitSignal(window.printing.job_updated, timeout=10_000) as blocker:
        detail.print_badge.click()
    assert blocker.args[0].state == "done" and blocker.args[0].reason == ""
    idle(qtbot, window)

    dialog = window.print_badge(guest.id)  # the second press asks for a reason
    assert dialog is not None and dialog.isVisible()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    assert dialog.isVisible() and dialog.error.isVisibleTo(dialog)  # empty reason refused
    dialog.reason.setText("  badge   lost ")
    with qtbot.waitSignal(window.printing.job_updated, timeout=10_000) as blocker:
        ok.click()
    assert blocker.args[0].reason == "badge lost" and blocker.args[0].state == "done"


# --- settings -----------------------------------------------------------------------------------------------


def test_printer_settings_are_validated_stored_and_tested(qtbot, window, tmp_path):
    dialog = window.open_printer_settings()
    assert dialog.isVisible()
    assert dialog.layout_box.count() >= 3
    dialog.backend.setCurrentIndex(dialog.backend.findData("pdf"))
    dialog.printer.setEditText(str(tmp_path / "calibration"))
    dialog.copies.setValue(2)
    dialog.offset_x.setValue(1.5)
    dialog.offset_y.setValue(-0.5)
    dialog.auto_print.setChecked(True)

    with qtbot.waitSignal(window.printing.test_printed, timeout=10_000) as blocker:
        dialog.test.click()
    assert blocker.args[0].endswith(".pdf") and "calibration" in blocker.args[0]
    assert "Test badge sent" in dialog.test_result.text()
    assert window.printing.queue.jobs() == []  # a test badge is no guest's print job

    dialog.layout_box.addItem("no-such-layout", "no-such-layout")
    dialog.layout_box.setCurrentIndex(dialog.layout_box.count() - 1)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    assert dialog.isVisible() and "no-such-layout" in dialog.error.text()  # the core's own message
    dialog.layout_box.setCurrentIndex(dialog.layout_box.findData("badge-90x130"))
    with qtbot.waitSignal(window.printing.prefs_saved, timeout=5000):
        ok.click()
    stored = window.printing.queue.prefs()
    assert (stored.backend, stored.copies, stored.offset_x_mm, stored.offset_y_mm, stored.auto_print) == (
        "pdf", 2, 1.5, -0.5, True,
    )
    assert stored.printer == str(tmp_path / "calibration")
    assert window.printing.prefs == stored


def test_printer_settings_list_qt_printers_and_report_a_failed_test(qtbot, window, tmp_path):
    dialog = window.open_printer_settings()
    dialog.backend.setCurrentIndex(dialog.backend.findData("qt"))
    dialog.printer.setEditText(str(tmp_path / "no" / "dir" / "test.pdf"))
    with qtbot.waitSignal(window.printing.test_failed, timeout=10_000):
        dialog.test.click()
    assert "Test badge not printed" in dialog.test_result.text()
    dialog.reject()


# --- batches ---------------------------------------------------------------------------------------------------


def test_badges_for_all_guests_and_invitation_letters(qtbot, window, tmp_path):
    badges = tmp_path / "batch" / "badges.pdf"
    with qtbot.waitSignal(window.batch_done, timeout=60_000) as blocker:
        window.export_batch("badges", badges)
        assert window.batch_bar.isVisibleTo(window)
    assert blocker.args[0] == str(badges)
    count = len(PdfReader(badges).pages)
    assert count >= 50
    assert not window.batch_bar.isVisibleTo(window)
    # The batch counts as printed: no automatic badge for these guests any more.
    guest = guests(window)[0]
    assert window.printing.badge_printed(guest.id)

    letters = tmp_path / "batch" / "letters.pdf"
    with qtbot.waitSignal(window.batch_done, timeout=60_000) as blocker:
        window.export_batch("invitations", letters)
    assert blocker.args[0] == str(letters) and len(PdfReader(letters).pages) >= 50


def test_a_batch_can_be_stopped(qtbot, window, tmp_path):
    output = tmp_path / "stopped.pdf"
    with qtbot.waitSignal(window.batch_done, timeout=60_000) as blocker:
        window.export_batch("badges", output)
        window.batch_cancel.click()
    assert blocker.args[0] == ""
    assert not output.exists() and not output.with_name(output.name + ".part").exists()


def test_jobs_that_failed_before_the_window_opened_raise_no_new_alert(qtbot, demo_desk, config_dir, english, tmp_path):
    from kiosk.core.print_queue import PrintQueue
    from kiosk.ui.main_window import DeskWindow
    from kiosk.ui.settings import DeskSettings

    queue = PrintQueue(demo_desk)
    queue.set_prefs(PrinterPrefs(backend="cups", printer="no-such-queue-here"))
    guest = next(g for g in GuestService(demo_desk).all() if g.name)
    # No CUPS, or no such queue: the job fails either way (the previous run alerted it).
    assert queue.print_badge(guest.id).state == "failed"
    opened = DeskWindow(demo_desk, DeskSettings(language="en", muted=True))
    qtbot.addWidget(opened)
    try:
        qtbot.waitUntil(lambda: opened.printing.model.failed_count == 1, timeout=10_000)
        assert "1 failed" in opened.print_jobs_action.text()
        opened.printing.refresh()
        qtbot.waitUntil(lambda: not opened.tasks.busy, timeout=10_000)
        assert [a for a in open_alerts() if a.kind == "printer"] == []
    finally:
        opened.shutdown()


def test_the_printer_settings_name_a_font_file_and_check_it(qtbot, tmp_path):
    from kiosk.core.print_queue import PrinterPrefs
    from kiosk.printing.fonts import register_fonts
    from kiosk.ui.print_dialogs import PrinterSettingsDialog

    dialog = PrinterSettingsDialog(None, PrinterPrefs())
    qtbot.addWidget(dialog)
    dialog.font_path.setText(register_fonts().path)
    assert dialog.problem() == "" and dialog.values().font_path == register_fonts().path
    (tmp_path / "bad.ttf").write_bytes(b"not a font")
    dialog.font_path.setText(str(tmp_path / "bad.ttf"))
    assert dialog.problem()
