"""Fixtures for the printing tests; plain helpers live in tests/printing/pdf_tools.py."""

from __future__ import annotations

import pytest

from kiosk.printing.fonts import FontInfo, register_fonts


@pytest.fixture(scope="session")
def font() -> FontInfo:
    return register_fonts()
