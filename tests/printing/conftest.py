"""Fixtures for the printing tests; plain helpers live in tests/printing/pdf_tools.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kiosk.printing.fonts import FontInfo, register_fonts
from tests.helpers.cups import CupsQueue, CupsUnavailable, cups_pdf_queue, cupsd_installed


@pytest.fixture(scope="session")
def font() -> FontInfo:
    return register_fonts()


@pytest.fixture(scope="module")
def cups_queue() -> Iterator[CupsQueue]:
    """The CUPS-PDF queue on a running scheduler (a private cupsd if none runs)."""
    if not cupsd_installed():
        pytest.skip("cupsd is not installed (apt install cups cups-client cups-bsd printer-driver-cups-pdf)")
    try:
        with cups_pdf_queue() as queue:
            yield queue
    except CupsUnavailable as exc:
        pytest.fail(f"CUPS is installed but unusable: {exc}")
