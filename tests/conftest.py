"""Shared set-up for the whole suite. Qt must not abort on a machine without a display."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("KIOSK_CONFIG_DIR", os.path.join(os.environ.get("TMPDIR", "/tmp"), "kiosk-test-config"))

import pytest

from tests.helpers.desks import make_desk


@pytest.fixture
def desk(tmp_path):
    """A desk on a fresh data folder holding an empty event (this process is its organiser)."""
    opened = make_desk(tmp_path / "data")
    yield opened
    opened.close()


@pytest.fixture
def demo_desk(tmp_path):
    """A desk holding the demo event with 60 guests."""
    from kiosk.core.demo import create_demo
    from kiosk.core.desk import Desk

    opened = Desk(tmp_path / "data")
    create_demo(opened, guests=60)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def cups_queue():
    """The CUPS-PDF queue on a running scheduler (a private cupsd if none runs), once per test session."""
    from tests.helpers.cups import CupsUnavailable, cups_pdf_queue, cupsd_installed

    if not cupsd_installed():
        pytest.skip("cupsd is not installed (apt install cups cups-client cups-bsd printer-driver-cups-pdf)")
    try:
        with cups_pdf_queue() as queue:
            yield queue
    except CupsUnavailable as error:
        pytest.fail(f"CUPS is installed but unusable: {error}")
