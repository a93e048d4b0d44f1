"""Opening the window the way ``kiosk`` with no command does."""

from __future__ import annotations

import argparse

from kiosk.core.desk import Desk
from kiosk.ui.launch import _open_window
from kiosk.ui.settings import DeskSettings


def test_station_and_operator_from_the_command_line_skip_the_shift_dialog(qtbot, demo_desk, config_dir, english):
    args = argparse.Namespace(data=demo_desk.data_dir, station="Desk 9", operator="Wang", lang="en", mode="desk")
    window = _open_window(demo_desk, DeskSettings(muted=True), args)
    try:
        qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: not window.tasks.busy, timeout=5000)
        assert window.desk.station == "Desk 9" and window.desk.operator == "Wang"
        assert "Desk 9" in window.header.text()
        assert window.model.rowCount() == 60
        assert DeskSettings.load().station == "Desk 9"
    finally:
        window.shutdown()
        window.close()


def test_the_window_opens_on_an_empty_event(qtbot, tmp_path, config_dir, english):
    from kiosk.ui.main_window import DeskWindow

    desk = Desk(tmp_path / "empty")
    try:
        desk.create_event(name="Empty", date_text="2099-01-01", venue="", timezone="Asia/Shanghai")
        window = DeskWindow(desk, DeskSettings(muted=True), save_settings=False)
        qtbot.addWidget(window)
        assert window.model.rowCount() == 0
        assert window.search.detail.name.text() == "No guest selected"
        with qtbot.waitSignal(window.stats_updated, timeout=5000):
            window.refresh_stats()
        assert window.arrivals.chart.bars == []
        window.shutdown()
    finally:
        desk.close()
