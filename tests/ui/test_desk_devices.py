"""The desk window's way into kiosk mode, its camera panel and the device settings."""

from __future__ import annotations

import argparse

from kiosk.core.self_service import KioskOptions


def test_kiosk_mode_opens_from_the_desk_window(window, qtbot):
    kiosk = window.open_kiosk_mode()
    try:
        assert kiosk.isFullScreen() or kiosk.windowState() & kiosk.windowState().WindowFullScreen
        assert kiosk.desk is window.desk
    finally:
        kiosk.leave()
    assert window.kiosk_action.text() == "Kiosk mode…"


def test_camera_setting_shows_and_hides_the_camera_panel(window, qtbot):
    assert window.camera_dock is None  # off by default: the USB scanner is the desk's reader
    window.apply_device_settings("", False)  # the default camera; there is none on this machine
    assert window.camera_dock is not None and not window.camera_dock.isHidden()
    assert window.settings.camera == ""
    scanned: list[str] = []
    window.camera_view.scanned.disconnect()
    window.camera_view.scanned.connect(scanned.append)
    window.camera_view.scanned.emit("FKG-test")
    assert scanned == ["FKG-test"]
    window.apply_device_settings("off", False)
    assert window.camera_dock.isHidden() and window.camera_view is None


def test_kiosk_preview_is_saved_through_the_writer(window, qtbot):
    window.apply_device_settings("off", True)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=5000)
    assert KioskOptions.load(window.desk).preview is True
    dialog = window.open_settings()
    assert dialog.kiosk_preview.isChecked() and dialog.camera.currentData() == "off"
    dialog.reject()


def test_self_service_mode_is_dispatched_by_launch(monkeypatch):
    from kiosk.ui import kiosk_mode, launch

    calls = []
    monkeypatch.setattr(kiosk_mode, "run_self_service", lambda args: calls.append(args) or 7)
    args = argparse.Namespace(mode="self-service", data=None, lang=None, station=None, operator=None)
    assert launch.launch(args) == 7 and calls == [args]
