"""Print jobs: persisted and journalled, state from the print system, auto-print rules, retries.

The CUPS tests print through a real queue (cups-pdf) on a real scheduler.
"""

from __future__ import annotations

import subprocess

import pytest
from pypdf import PdfReader

from kiosk.core.checkin import CheckinService
from kiosk.core.print_queue import PrinterPrefs, PrintQueue, ReasonRequired
from kiosk.models.tables import JournalEntry
from tests.helpers.desks import add_guest
from tests.printing.pdf_tools import decode_qr, pdf_to_images

MM = 72 / 25.4


def pdf_prefs(queue: PrintQueue, folder, **changes) -> None:
    prefs = PrinterPrefs(backend="pdf", printer=str(folder))
    for name, value in changes.items():
        setattr(prefs, name, value)
    queue.set_prefs(prefs)


def test_automatic_badge_only_for_a_first_arrival_and_only_once(desk, tmp_path):
    queue = PrintQueue(desk)
    pdf_prefs(queue, tmp_path / "out", auto_print=True)
    guest_id, code = add_guest(desk)
    first = CheckinService(desk).scan(code, "D")
    job = queue.after_checkin(guest_id, first.reason)
    assert job is not None and job.state == "done"
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 1
    again = CheckinService(desk).scan(code, "D")
    assert queue.after_checkin(guest_id, again.reason) is None  # amber re-scan: never
    assert queue.print_badge(guest_id, automatic=True) is None  # already done
    with pytest.raises(ReasonRequired):
        queue.print_badge(guest_id)
    reprint = queue.print_badge(guest_id, reason="名字印错了")
    assert reprint.state == "done" and reprint.reason == "名字印错了"
    assert JournalEntry.select().where(JournalEntry.kind == "print.job").count() >= 4


def test_pre_printed_batches_count_as_printed(desk, tmp_path):
    queue = PrintQueue(desk)
    pdf_prefs(queue, tmp_path / "out", auto_print=True)
    ids = [add_guest(desk, name=f"嘉宾{i}", phone=f"1390000{i:04d}")[0] for i in range(5)]
    assert queue.batch_pdf(tmp_path / "batch.pdf", guest_ids=ids[:3]) == 3
    reader = PdfReader(tmp_path / "batch.pdf")
    assert len(reader.pages) == 3
    assert [queue.after_checkin(i, "checked_in") for i in ids[:3]] == [None, None, None]
    assert queue.after_checkin(ids[3], "checked_in").state == "done"


def test_no_auto_print_when_switched_off(desk, tmp_path):
    queue = PrintQueue(desk)
    pdf_prefs(queue, tmp_path / "out", auto_print=False)
    guest_id, _ = add_guest(desk)
    assert queue.after_checkin(guest_id, "checked_in") is None


def test_a_name_the_font_cannot_draw_fails_the_job_clearly_and_keeps_the_check_in(desk, tmp_path):
    queue = PrintQueue(desk)
    pdf_prefs(queue, tmp_path / "out")
    guest_id, code = add_guest(desk, name="王\U0001f600芳")
    assert CheckinService(desk).scan(code, "D").reason == "checked_in"
    job = queue.print_badge(guest_id)
    assert job.state == "failed" and "U+1F600" in job.error
    assert CheckinService(desk).scan(code, "D").reason == "already_checked_in"  # the check-in stands


def test_printer_settings_are_checked(desk, tmp_path):
    queue = PrintQueue(desk)
    for bad in ({"copies": 0}, {"offset_x_mm": 50.0}, {"layout": "no-such-layout"}, {"backend": "fax"}):
        prefs = PrinterPrefs(**bad)
        with pytest.raises(ValueError):
            queue.set_prefs(prefs)
    assert queue.prefs() == PrinterPrefs()


@pytest.mark.cups
def test_badge_through_a_real_cups_queue(desk, cups_queue, tmp_path):
    queue = PrintQueue(desk)
    queue.set_prefs(PrinterPrefs(backend="cups", printer=cups_queue.queue))
    guest_id, code = add_guest(desk)
    job = queue.print_badge(guest_id, wait=60)
    assert job.state == "done", job.error
    printed = cups_queue.find_output(f"badge-{guest_id[:8]}")
    page = PdfReader(printed).pages[0]
    assert abs(float(page.mediabox.width) - 90 * MM) < 3 and abs(float(page.mediabox.height) - 130 * MM) < 3
    assert code in decode_qr(pdf_to_images(printed.read_bytes(), tmp_path)[0])


@pytest.mark.cups
def test_a_stopped_queue_fails_the_job_keeps_the_check_in_and_a_retry_prints_once(desk, cups_queue, tmp_path):
    queue = PrintQueue(desk)
    queue.set_prefs(PrinterPrefs(backend="cups", printer=cups_queue.queue, pending_timeout_s=1))
    guest_id, code = add_guest(desk, name="赵敏")
    assert CheckinService(desk).scan(code, "D").reason == "checked_in"
    before = {p for folder in cups_queue.output_dirs if folder.is_dir() for p in folder.glob(f"*{guest_id[:8]}*.pdf")}
    subprocess.run(["cupsdisable", cups_queue.queue], check=True, timeout=30)
    try:
        job = queue.print_badge(guest_id, wait=3)
        assert job.state == "failed" and job.error
        assert [j.id for j in queue.jobs(states=("failed",))] == [job.id]
    finally:
        subprocess.run(["cupsenable", cups_queue.queue], check=True, timeout=30)
    assert CheckinService(desk).scan(code, "D").reason == "already_checked_in"
    retried = queue.retry(job.id, wait=60)
    assert retried.state == "done" and retried.attempts == 2
    cups_queue.find_output(f"badge-{guest_id[:8]}")
    after = {p for folder in cups_queue.output_dirs if folder.is_dir() for p in folder.glob(f"*{guest_id[:8]}*.pdf")}
    assert len(after - before) == 1  # printed once: the held first attempt was cancelled


def test_a_font_named_in_the_settings_is_used_and_checked(desk, tmp_path):
    from kiosk.printing.fonts import register_fonts

    queue = PrintQueue(desk)
    installed = register_fonts().path
    pdf_prefs(queue, tmp_path / "out", font_path=installed)
    assert queue.prefs().font_path == installed
    guest_id, _ = add_guest(desk)
    assert queue.print_badge(guest_id).state == "done"
    (tmp_path / "not-a-font.ttf").write_bytes(b"nope")
    with pytest.raises(ValueError):
        queue.set_prefs(PrinterPrefs(font_path=str(tmp_path / "not-a-font.ttf")))
