"""Print backends: the PDF folder, and CUPS through a real cups-pdf queue (marked ``cups``)."""

from __future__ import annotations

import io
import time
import uuid

import pytest
from pypdf import PdfReader

from kiosk.printing.backends import CupsBackend, JobStatus, PdfFileBackend, PrintBackend, PrintError
from kiosk.printing.badge import render_badges
from tests.printing.pdf_tools import decode_qr, make_badge, pdf_to_images

MM = 72 / 25.4


def wait_for(backend, job_id, statuses, timeout=20.0):
    deadline = time.monotonic() + timeout
    while True:
        state = backend.job_state(job_id)
        if state.status in statuses or time.monotonic() > deadline:
            return state
        time.sleep(0.05)


def test_pdf_file_backend(tmp_path):
    backend = PdfFileBackend(tmp_path / "out")
    assert isinstance(backend, PrintBackend)
    job = backend.submit(b"%PDF-1.4 test", printer="", media_mm=(90, 130), copies=1, title="王芳 badge")
    assert backend.job_state(job).status is JobStatus.DONE
    assert backend.path_of(job).read_bytes() == b"%PDF-1.4 test"
    assert backend.job_state("nothing-here").status is JobStatus.FAILED


def test_cups_backend_is_a_print_backend():
    assert isinstance(CupsBackend(), PrintBackend)
    with pytest.raises(ValueError, match="not a CUPS job id"):
        CupsBackend().job_state("garbage")


@pytest.mark.cups
def test_a_badge_prints_through_cups(cups_queue, tmp_path):
    backend = CupsBackend()
    assert cups_queue.queue in backend.list_printers()
    badge = make_badge("王芳", seed="cups-1")
    title = f"kiosk-{uuid.uuid4().hex[:10]}"
    job = backend.submit(
        render_badges([badge], "badge-90x130"), printer=cups_queue.queue, media_mm=(90, 130), copies=1, title=title
    )
    assert job.startswith(f"{cups_queue.queue}-")
    state = wait_for(backend, job, {JobStatus.DONE, JobStatus.FAILED})
    assert state.status is JobStatus.DONE, state
    output = cups_queue.find_output(title)
    printed = output.read_bytes()
    output.unlink()
    box = PdfReader(io.BytesIO(printed)).pages[0].mediabox
    assert float(box.width) / MM == pytest.approx(90, abs=1)
    assert float(box.height) / MM == pytest.approx(130, abs=1)
    (image,) = pdf_to_images(printed, tmp_path, dpi=200)
    assert decode_qr(image) == [badge.credential]


@pytest.mark.cups
def test_a_paused_queue_keeps_the_job_pending_until_enabled(cups_queue, tmp_path):
    import subprocess

    backend = CupsBackend()
    title = f"kiosk-{uuid.uuid4().hex[:10]}"
    subprocess.run(["cupsdisable", cups_queue.queue], check=True)
    try:
        job = backend.submit(
            render_badges([make_badge("王芳", seed="cups-2")], "badge-90x130"),
            printer=cups_queue.queue,
            media_mm=(90, 130),
            copies=1,
            title=title,
        )
        # lp succeeded, yet nothing printed: the state says so, for as long as we care to look
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            assert backend.job_state(job).status is JobStatus.PENDING
            time.sleep(0.1)
    finally:
        subprocess.run(["cupsenable", cups_queue.queue], check=True)
    state = wait_for(backend, job, {JobStatus.DONE, JobStatus.FAILED})
    assert state.status is JobStatus.DONE, state
    cups_queue.find_output(title)
    time.sleep(0.2)  # a duplicate would be written right after the first
    outputs = [p for d in cups_queue.output_dirs if d.is_dir() for p in d.glob(f"*{title}*.pdf")]
    assert len(outputs) == 1
    outputs[0].unlink()


@pytest.mark.cups
def test_cancelled_job_is_failed(cups_queue):
    import subprocess

    backend = CupsBackend()
    subprocess.run(["cupsdisable", cups_queue.queue], check=True)
    try:
        job = backend.submit(
            render_badges([make_badge("王芳", seed="cups-3")], "badge-90x130"),
            printer=cups_queue.queue,
            media_mm=(90, 130),
            title="kiosk-cancel",
        )
        backend.cancel(job)
        state = wait_for(backend, job, {JobStatus.FAILED, JobStatus.DONE})
        assert state.status is JobStatus.FAILED
        assert "cancel" in state.reason
    finally:
        subprocess.run(["cupsenable", cups_queue.queue], check=True)


@pytest.mark.cups
def test_unknown_printer_is_refused(cups_queue):
    with pytest.raises(PrintError, match="NO-SUCH-QUEUE"):
        CupsBackend().submit(b"%PDF-1.4", printer="NO-SUCH-QUEUE", media_mm=(90, 130))
