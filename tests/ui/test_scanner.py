"""The scanner event filter on real widgets: bursts become scans wherever the focus is; typing is kept."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit

from kiosk.core.guests import GuestService
from kiosk.ui.scanner import ScanFilter
from tests.ui.conftest import code_of


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000

    def __call__(self) -> int:
        return self.now


def test_scanner_burst_into_the_search_box_checks_in(qtbot, window):
    guest = GuestService(window.desk).all()[5]
    code = code_of(window.desk, guest.id)
    window.search.box.setFocus()
    with qtbot.waitSignal(window.verdict_shown, timeout=5000) as blocker:
        qtbot.keyClicks(window.search.box, code)
        qtbot.keyClick(window.search.box, Qt.Key.Key_Return)
    assert blocker.args[0].status == "ok" and blocker.args[0].guest.id == guest.id
    assert window.search.box.text() == ""  # the scan never reached the box


def test_scanner_without_terminator_while_the_table_has_focus(qtbot, window):
    guest = GuestService(window.desk).all()[6]
    window.search.table.setFocus()
    with qtbot.waitSignal(window.verdict_shown, timeout=5000) as blocker:
        qtbot.keyClicks(window.search.table, code_of(window.desk, guest.id))
    assert blocker.args[0].guest.id == guest.id


def test_scan_inside_a_dialog_is_caught(qtbot, window):
    guest = GuestService(window.desk).all()[8]
    dialog = window.open_settings()
    with qtbot.waitSignal(window.verdict_shown, timeout=5000) as blocker:
        qtbot.keyClicks(dialog.language, code_of(window.desk, guest.id))
        qtbot.keyClick(dialog.language, Qt.Key.Key_Tab)
    assert blocker.args[0].guest.id == guest.id
    dialog.reject()


def test_double_firing_scanner_checks_in_once(qtbot, window):
    guest = GuestService(window.desk).all()[9]
    code = code_of(window.desk, guest.id)
    scans: list[str] = []
    window.scan_filter.scanned.connect(scans.append)
    for _ in range(2):
        qtbot.keyClicks(window.search.box, code)
        qtbot.keyClick(window.search.box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.verdict.status == "ok", timeout=5000)
    qtbot.waitUntil(lambda: not window.tasks.busy, timeout=5000)
    assert scans == [code]
    assert window.verdict.status == "ok"


def test_ime_full_width_commit_is_a_scan(qtbot, window):
    guest = GuestService(window.desk).all()[13]
    code = code_of(window.desk, guest.id)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    event = QInputMethodEvent()
    event.setCommitString(full_width)
    with qtbot.waitSignal(window.verdict_shown, timeout=5000) as blocker:
        QApplication.sendEvent(window.search.box, event)
        qtbot.keyClick(window.search.box, Qt.Key.Key_Return)
    assert blocker.args[0].status == "ok" and blocker.args[0].guest.id == guest.id
    assert window.search.box.text() == ""


def test_a_persons_chinese_ime_text_reaches_the_box(qtbot, window):
    event = QInputMethodEvent()
    event.setCommitString("王芳")
    QApplication.sendEvent(window.search.box, event)
    assert window.search.box.text() == "王芳"


def test_a_person_typing_is_delivered_in_order(qtbot, qapp):
    clock = FakeClock()
    scan_filter = ScanFilter(clock=clock)
    scans: list[str] = []
    scan_filter.scanned.connect(scans.append)
    box = QLineEdit()
    qtbot.addWidget(box)
    qapp.installEventFilter(scan_filter)
    try:
        for ch in "wang":
            qtbot.keyClick(box, ch)
            clock.now += 120  # a person: 120 ms between keys
        qtbot.keyClick(box, Qt.Key.Key_Backspace)
        clock.now += 200
        scan_filter.flush()
        assert box.text() == "wan"
        # A burst into the same box is taken away from it.
        for ch in "A0001234":
            if ch.isupper():  # scanners press Shift for capitals, like a keyboard
                qtbot.keyPress(box, Qt.Key.Key_Shift)
            qtbot.keyClick(box, ch)
            clock.now += 5
        qtbot.keyClick(box, Qt.Key.Key_Return)
        assert scans == ["A0001234"]
        assert box.text() == "wan"
    finally:
        qapp.removeEventFilter(scan_filter)


def test_shortcuts_and_control_keys_pass_through(qtbot, qapp):
    clock = FakeClock()
    scan_filter = ScanFilter(clock=clock)
    box = QLineEdit("abc")
    qtbot.addWidget(box)
    qapp.installEventFilter(scan_filter)
    try:
        qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClick(box, Qt.Key.Key_Delete)
        assert box.text() == ""
        assert not scan_filter.assembler.holding
    finally:
        qapp.removeEventFilter(scan_filter)


def test_a_held_down_key_is_typing_not_a_scan(qtbot, qapp):
    clock = FakeClock()
    scan_filter = ScanFilter(clock=clock)
    scans: list[str] = []
    scan_filter.scanned.connect(scans.append)
    box = QLineEdit()
    qtbot.addWidget(box)
    qapp.installEventFilter(scan_filter)
    try:
        for i in range(10):
            event = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a", i > 0)
            QApplication.sendEvent(box, event)
            clock.now += 30
        clock.now += 100
        scan_filter.flush()
        assert scans == [] and box.text() == "a" * 10
    finally:
        qapp.removeEventFilter(scan_filter)
