"""The desk window, driven through its public slots and signals (no exec(), no sleeps)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtWidgets import QDialogButtonBox

from kiosk.core.guests import GuestService
from kiosk.ui.settings import DeskSettings
from tests.ui.conftest import code_of, unknown_guest_code


def guests(window):
    return GuestService(window.desk).all()


def scan(qtbot, window, text):
    with qtbot.waitSignal(window.verdict_shown, timeout=5000) as blocker:
        window.scan(text)
    return blocker.args[0]


def test_first_scan_is_green_with_name_note_and_sound(qtbot, window):
    guest = next(g for g in guests(window) if g.note)
    verdict = scan(qtbot, window, code_of(window.desk, guest.id))
    panel = window.verdict
    assert verdict.status == "ok" and panel.status == "ok"
    assert panel.headline.text() == "CHECKED IN"
    assert panel.name.text() == guest.name
    panel.name.ensurePolished()
    assert QFontInfo(panel.name.font()).pixelSize() >= 48  # legible from a metre
    assert QFontInfo(panel.note.font()).bold()
    assert panel.note.isVisibleTo(panel) and guest.note in panel.note.text()
    assert guest.organisation in panel.details.text()
    assert window.sounds.last_played == "ok"
    assert panel.undo.isVisibleTo(panel)


def test_second_scan_is_amber_with_time_and_desk(qtbot, window):
    guest = guests(window)[10]
    code = code_of(window.desk, guest.id)
    scan(qtbot, window, code)
    verdict = scan(qtbot, window, code)
    assert verdict.status == "warn"
    assert window.verdict.headline.text() == "ALREADY ARRIVED"
    assert "Desk 2" in window.verdict.details.text()
    assert window.sounds.last_played == "warn"


def test_garbage_is_red_and_the_next_scan_replaces_the_panel(qtbot, window):
    verdict = scan(qtbot, window, "hello world")
    assert verdict.status == "refused" and window.verdict.headline.text() == "NOT ADMITTED"
    assert window.sounds.last_played == "refused"
    assert not window.verdict.undo.isVisibleTo(window.verdict)
    guest = guests(window)[11]
    assert scan(qtbot, window, code_of(window.desk, guest.id)).status == "ok"
    assert window.verdict.name.text() == guest.name


def test_unknown_signed_guest_asks_for_the_name(qtbot, window):
    guest_id, code = unknown_guest_code(window.desk)
    verdict = scan(qtbot, window, code)
    assert verdict.status == "ok" and verdict.guest is not None and verdict.guest.stub
    panel = window.verdict
    assert panel.stub_box.isVisibleTo(panel)
    panel.stub_name.setText("赵六")
    with qtbot.waitSignal(window.guest_saved, timeout=5000) as blocker:
        panel.stub_save.click()
    assert blocker.args[0].name == "赵六"
    assert GuestService(window.desk).get(guest_id).name == "赵六"


def test_undo_from_the_verdict_panel(qtbot, window):
    guest = guests(window)[12]
    scan(qtbot, window, code_of(window.desk, guest.id))
    with qtbot.waitSignal(window.tasks.idle, timeout=5000):
        window.verdict.undo.click()
    assert GuestService(window.desk).get(guest.id).arrived_at is None
    assert window.verdict.status == "idle"


def test_search_keyboard_only_type_arrow_enter_checks_in(qtbot, window):
    guest = guests(window)[20]
    window.search.box.setText(guest.name)
    with qtbot.waitSignal(window.search.searched, timeout=2000):
        pass
    assert window.model.guest(0).name == guest.name
    window.search.box.setFocus()
    qtbot.keyClick(window.search.box, Qt.Key.Key_Down)
    assert window.search.current_guest_id()
    with qtbot.waitSignal(window.verdict_shown, timeout=5000) as blocker:
        window.search.table.activated_guest.emit(window.search.current_guest_id())
    assert blocker.args[0].guest.name == guest.name
    assert blocker.args[0].status == "ok"


def test_enter_in_the_table_checks_in(qtbot, window):
    window.search.run_search()
    window.search.table.setFocus()
    window.search.table.setCurrentIndex(window.model.index(2, 0))
    with qtbot.waitSignal(window.verdict_shown, timeout=5000) as blocker:
        qtbot.keyClick(window.search.table, Qt.Key.Key_Return)
    assert blocker.args[0].guest.id == window.model.guest_id(2)


def test_detail_pane_masks_and_undoes(qtbot, window):
    window.search.run_search()
    window.search.table.setCurrentIndex(window.model.index(0, 0))
    guest = window.model.guest(0)
    detail = window.search.detail
    assert detail.values["phone"].text() != guest.phone and "****" in detail.values["phone"].text()
    assert not detail.undo.isEnabled()
    with qtbot.waitSignal(window.verdict_shown, timeout=5000):
        detail.check_in.click()
    assert detail.undo.isEnabled()
    assert "Desk 2" in detail.values["status"].text()
    with qtbot.waitSignal(window.tasks.idle, timeout=5000):
        detail.undo.click()
    assert GuestService(window.desk).get(guest.id).arrived_at is None


def test_check_in_several_selected_rows(qtbot, window):
    window.search.run_search()
    selection = window.search.table.selectionModel()
    selection.clearSelection()
    for row in (3, 4, 5):
        window.search.table.selectRow(row) if row == 3 else selection.select(
            window.model.index(row, 0), selection.SelectionFlag.Select | selection.SelectionFlag.Rows
        )
    ids = window.search.selected_ids()
    assert len(ids) == 3
    assert window.search.check_in_selected.text() == "Check in selected (3)"
    with qtbot.waitSignal(window.verdict_shown, timeout=5000):
        window.search.check_in_selected.click()
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=5000)
    assert all(g.arrived_at is not None for g in GuestService(window.desk).many(ids))


def test_walk_in_dialog_creates_and_checks_in(qtbot, window):
    dialog = window.open_walk_in()
    assert dialog.isVisible()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()  # no name: refused in the dialog
    assert dialog.error.isVisibleTo(dialog) and dialog.isVisible()
    dialog.name.setText("周杰")
    dialog.organisation.setText("东营港经济开发区")
    dialog.category.setCurrentIndex(dialog.category.findData("government"))
    dialog.phone.setText("139 0000 1234")
    with qtbot.waitSignal(window.verdict_shown, timeout=5000) as blocker:
        ok.click()
    verdict = blocker.args[0]
    assert verdict.status == "ok" and verdict.guest.name == "周杰" and verdict.guest.walk_in
    assert verdict.guest.phone == "13900001234" and verdict.guest.category == "government"
    assert window.verdict.name.text() == "周杰"


def test_edit_dialog_corrects_details(qtbot, window):
    guest = guests(window)[7]
    dialog = window.open_edit(guest.id)
    assert dialog.name.text() == guest.name and dialog.phone.text() == ""  # the number is never prefilled
    dialog.title.setText("总经理")
    with qtbot.waitSignal(window.guest_saved, timeout=5000) as blocker:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert blocker.args[0].title == "总经理"
    assert blocker.args[0].phone == guest.phone


def test_delegation_dialog_checks_in_the_ticked_guests(qtbot, window):
    all_guests = guests(window)
    organisation = max({g.organisation for g in all_guests}, key=lambda o: sum(g.organisation == o for g in all_guests))
    member = next(g for g in all_guests if g.organisation == organisation)
    dialog = window.open_delegation(member.id)
    assert dialog.list.count() >= 2
    dialog.list.item(0).setCheckState(Qt.CheckState.Unchecked)
    left_out = dialog.list.item(0).data(Qt.ItemDataRole.UserRole)
    chosen = dialog.selected_ids()
    with qtbot.waitSignal(window.verdict_shown, timeout=5000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=5000)
    service = GuestService(window.desk)
    assert all(g.arrived_at is not None for g in service.many(chosen))
    assert chosen and left_out not in chosen
    assert service.get(left_out).arrived_at is None


def test_arrivals_update_after_a_check_in(qtbot, window):
    with qtbot.waitSignal(window.stats_updated, timeout=5000):
        window.refresh_stats()
    before = window.arrivals.figures.stats.arrived
    guest = guests(window)[30]
    with qtbot.waitSignal(window.stats_updated, timeout=5000) as blocker:
        window.scan(code_of(window.desk, guest.id))
    figures = blocker.args[0]
    assert figures.stats.arrived == before + 1
    assert figures.station_last_hour >= 1
    assert f"Arrived {before + 1} of" in window.arrivals.total.text()
    assert window.arrivals.chart.bars and window.arrivals.chart.bars[-1][1] >= 1


def test_shift_is_shown_and_remembered(qtbot, window, config_dir):
    window.start_shift("Desk 5", "MAIN", "Han Meimei")
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=5000)
    assert (
        "Desk 5" in window.header.text() and "主论坛" in window.header.text() and "Han Meimei" in window.header.text()
    )
    assert "Desk 5" in window.shift_label.text()
    assert window.desk.operator == "Han Meimei"
    saved = DeskSettings.load()
    assert (saved.station, saved.session, saved.operator) == ("Desk 5", "MAIN", "Han Meimei")
    guest = next(g for g in guests(window) if g.category == "guest")
    window.start_shift("Desk 5", "EXPO", "Han Meimei")
    verdict = scan(qtbot, window, code_of(window.desk, guest.id))
    assert verdict.status == "refused" and verdict.reason == "not_allowed"


def test_language_switches_live_and_persists(qtbot, window, config_dir):
    assert window.walk_in_action.text() == "Walk-in (F2)"
    window.apply_settings("zh", True)
    assert window.walk_in_action.text() != "Walk-in (F2)"
    assert window.verdict.headline.text() == "准备扫码"
    assert window.model.headerData(0, Qt.Orientation.Horizontal) == "姓名"
    assert DeskSettings.load().language == "zh"
    window.apply_settings("en", True)
    assert window.verdict.headline.text() == "Ready to scan"


def test_settings_dialog_is_non_modal_and_applies(qtbot, window):
    dialog = window.open_settings()
    dialog.muted.setChecked(False)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert window.sounds.muted is False and window.settings.muted is False


def test_a_failing_write_shows_a_message_box_not_a_crash(qtbot, window):
    def boom():
        raise RuntimeError("disk full")

    with qtbot.waitSignal(window.error_shown, timeout=5000) as blocker:
        window.tasks.write(boom)
    assert blocker.args == ["disk full"]
    boxes = [d for d in window._dialogs if d.windowTitle() == "Something went wrong"]
    assert boxes and not boxes[0].isModal()
    boxes[0].close()
