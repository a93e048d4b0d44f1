"""A data folder without an event: the choice dialog, and importing a guest list with progress."""

from __future__ import annotations

import csv

from PySide6.QtWidgets import QDialogButtonBox

from kiosk.core.desk import Desk
from kiosk.core.guests import GuestService
from kiosk.ui.dialogs import NewEventDialog
from kiosk.ui.importer import ImportRunner
from kiosk.ui.tasks import TaskManager

HEADER = ["姓名", "单位", "职务", "手机", "类别", "邮箱", "票号", "备注"]


def write_csv(path, count):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(count):
            writer.writerow([f"嘉宾{i:04d}", "胜利油田", "工程师", f"1380013{i:04d}", "企业", "", "", ""])
    return path


def test_new_event_dialog_offers_the_demo(qtbot, english):
    dialog = NewEventDialog()
    qtbot.addWidget(dialog)
    dialog.open()
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        dialog.demo.click()
    assert dialog.choice == "demo"


def test_new_event_dialog_needs_a_name_and_a_file(qtbot, english):
    dialog = NewEventDialog()
    qtbot.addWidget(dialog)
    dialog.open()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    assert dialog.isVisible() and dialog.error.text() == "The event needs a name."
    dialog.name.setText("油服论坛")
    ok.click()
    assert dialog.error.text() == "Choose the guest list file."
    dialog.file.setText("/tmp/guests.csv")
    with qtbot.waitSignal(dialog.accepted, timeout=1000):
        ok.click()
    assert dialog.choice == "import"
    assert dialog.event_fields()["name"] == "油服论坛"


def test_import_runs_off_the_gui_thread_with_progress(qtbot, tmp_path):
    desk = Desk(tmp_path / "data")
    tasks = TaskManager()
    try:
        desk.create_event(name="Import", date_text="2099-01-01", venue="", timezone="Asia/Shanghai")
        runner = ImportRunner(tasks, desk)
        steps: list[tuple[int, int]] = []
        runner.progressed.connect(lambda done, total: steps.append((done, total)))
        with qtbot.waitSignal(runner.finished, timeout=20000) as blocker:
            runner.start(write_csv(tmp_path / "guests.csv", 300))
        report = blocker.args[0]
        assert report.imported == 300 and not report.errors
        assert len(GuestService(desk).all()) == 300
        qtbot.waitUntil(lambda: not tasks.busy, timeout=5000)
        assert all(done <= total for done, total in steps)
    finally:
        tasks.close()
        desk.close()


def test_an_unreadable_file_is_reported(qtbot, tmp_path):
    desk = Desk(tmp_path / "data")
    tasks = TaskManager()
    try:
        desk.create_event(name="Import", date_text="2099-01-01", venue="", timezone="Asia/Shanghai")
        runner = ImportRunner(tasks, desk)
        with qtbot.waitSignal(runner.failed, timeout=10000) as blocker:
            runner.start(tmp_path / "missing.csv")
        assert blocker.args[0]
    finally:
        tasks.close()
        desk.close()
