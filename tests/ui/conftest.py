"""Fixtures for the desk window: a desk holding the demo event, the window on it, English or Chinese."""

from __future__ import annotations

import gc
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from kiosk.categories import CATEGORY_BYTE
from kiosk.core.credentials import encode
from kiosk.core.issuing import IssuingService
from kiosk.i18n import language
from kiosk.models.ids import uuid7


@pytest.fixture
def config_dir(tmp_path, monkeypatch):
    folder = tmp_path / "config"
    monkeypatch.setenv("KIOSK_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture
def english(qapp):
    """The window in English for the duration of a test (restored after)."""
    from kiosk.ui.translator import apply_language

    before = language()
    apply_language("en")
    yield
    apply_language(before)


@pytest.fixture
def window(qtbot, demo_desk, config_dir, english):
    from kiosk.ui.main_window import DeskWindow
    from kiosk.ui.settings import DeskSettings

    settings = DeskSettings(station="Desk 2", operator="Li Lei", language="en", muted=True)
    opened = DeskWindow(demo_desk, settings)
    qtbot.addWidget(opened)
    opened.start_shift("Desk 2", "", "Li Lei")
    qtbot.waitUntil(lambda: not opened.tasks.busy, timeout=5000)
    yield opened
    opened.shutdown()
    opened.close()
    opened.deleteLater()


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread():
    """Windows hold reference cycles; collected later, a writer thread could free Qt objects (a crash).

    Collect them here, on the GUI thread, at the end of every test.
    """
    yield
    gc.collect()


def code_of(desk, guest_id: str) -> str:
    return IssuingService(desk).current(guest_id).text


def unknown_guest_code(desk, category: str = "media") -> tuple[str, str]:
    """A validly signed code of a guest this desk has never heard of: (guest id, code)."""
    event = desk.require_event()
    guest_id = uuid7()
    text = encode(
        desk.signing_key(),
        kind="guest",
        event_id=event.id,
        subject_id=guest_id,
        category=CATEGORY_BYTE[category],
        valid_until=event.valid_until(),
        serial=1,
    )
    return guest_id, text
