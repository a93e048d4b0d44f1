"""The self-service kiosk: the guest's flow, printer trouble, idle reset, staff PIN and lockdown.

Timers are driven by emitting their ``timeout`` (never by sleeping); the PIN's delay uses an
injected clock. Nothing here depends on a window manager: what is checked holds on any platform.
"""

from __future__ import annotations

import gc
import logging
import time

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QAction, QContextMenuEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.core import staff
from kiosk.core.alerts import open_alerts
from kiosk.core.print_queue import PrinterPrefs, PrintQueue
from kiosk.core.self_service import KioskOptions
from kiosk.models.database import db
from kiosk.ui.kiosk_mode import KioskWindow, open_kiosk_mode
from tests.ui.conftest import code_of, unknown_guest_code

PIN = "482915"


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread():
    """Garbage of a test (Qt wrappers in cycles) is collected here, on the GUI thread — never later on
    some worker thread where the collector happens to run (deleting a widget there crashes)."""
    gc.collect()
    yield
    gc.collect()


class Clock:
    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def kiosk_desk(demo_desk):
    staff.set_pin(demo_desk, PIN)
    return demo_desk


def make_kiosk(qtbot, desk, clock, **options) -> KioskWindow:
    window = KioskWindow(desk, camera_id="off", options=KioskOptions(**options), clock=clock)
    qtbot.addWidget(window)
    window.start()
    return window


@pytest.fixture
def kiosk(qtbot, kiosk_desk, english, clock):
    window = make_kiosk(qtbot, kiosk_desk, clock)
    yield window
    window.leave()


def guests(n: int = 3) -> list[tuple[str, str, str]]:
    rows = db.connection().execute(
        "SELECT id, name, title FROM guest WHERE stub = 0 AND state != 'cancelled' AND name != '' ORDER BY id LIMIT ?",
        (n,),
    )
    return list(rows)


def scan(qtbot, window, text):
    with qtbot.waitSignal(window.verdict_shown, timeout=10_000) as blocker:
        window.scan(text)
    return blocker.args[0]


def other_names(shown_id: str) -> list[str]:
    return [row[0] for row in db.connection().execute("SELECT name FROM guest WHERE id != ? AND name != ''",
                                                      (shown_id,))]


# --- the guest's flow ---------------------------------------------------------------------------------------


def test_starts_on_the_attract_screen(kiosk):
    assert kiosk.screen == "attract"
    assert kiosk.attract.prompt.text() == "Please scan the QR code on your invitation"  # the desk's language first
    assert kiosk.attract.prompt_second.text() == "请扫描邀请函上的二维码"
    assert kiosk.attract.event_name.text() == kiosk.desk.event.name


def test_ok_greets_the_guest_prints_and_returns(qtbot, kiosk, kiosk_desk):
    guest_id, name, title = guests(1)[0]
    with qtbot.waitSignal(kiosk.print_finished, timeout=10_000) as printed:
        verdict = scan(qtbot, kiosk, code_of(kiosk_desk, guest_id))
    assert verdict.status == "ok"
    assert kiosk.screen == "welcome"
    text = kiosk.message.texts()
    assert name in text and "Your badge is printing" in text and "您的胸牌正在打印" in text
    if title:
        assert title in text
    assert not any(other in text for other in other_names(guest_id) if len(other) > 1 and other not in name)
    assert printed.args[0].state == "done"
    assert PrintQueue(kiosk_desk).badge_printed(guest_id)
    assert kiosk.return_timer.isActive()
    kiosk.return_timer.timeout.emit()
    assert kiosk.screen == "attract"
    assert name not in kiosk.message.texts()


def test_amber_sends_to_the_desk_in_plain_words(qtbot, kiosk, kiosk_desk):
    guest_id, name, _title = guests(1)[0]
    code = code_of(kiosk_desk, guest_id)
    with qtbot.waitSignal(kiosk.print_finished, timeout=10_000):
        scan(qtbot, kiosk, code)
    kiosk.return_timer.timeout.emit()
    verdict = scan(qtbot, kiosk, code)
    assert verdict.status == "warn"
    assert kiosk.screen == "outcome" and kiosk.message.tone == "warn"
    text = kiosk.message.texts()
    assert "You are already checked in." in text
    assert "Please see the staff desk if you need help." in text
    assert "arrived" not in text.lower() and "Desk" not in text.replace("desk", "")  # no times, no stations
    assert len(PrintQueue(kiosk_desk).jobs(guest_id=guest_id)) == 1  # no second badge


@pytest.mark.parametrize("kind", ["unknown", "forged", "other_session"])
def test_red_never_gives_a_technical_reason(qtbot, kiosk, kiosk_desk, kind):
    guest_id, name, _title = guests(1)[0]
    if kind == "unknown":
        text = "NOT-A-CODE-1234"
    elif kind == "forged":
        good = code_of(kiosk_desk, guest_id)
        middle = len(good) - 20  # inside the signature; not the last character (its spare bits must stay 0)
        text = good[:middle] + ("A" if good[middle] != "A" else "B") + good[middle + 1 :]
    else:
        kiosk.session = "NO-SUCH-SESSION"
        text = code_of(kiosk_desk, guest_id)
    verdict = scan(qtbot, kiosk, text)
    assert verdict.status == "refused"
    assert kiosk.message.tone == "refused"
    shown = kiosk.message.texts()
    assert "We could not check you in here." in shown and "Please see the staff desk." in shown
    assert verdict.message not in shown
    assert name not in shown
    for word in ("signature", "key", "session", "forged", "walk-in"):
        assert word not in shown.lower()


def test_unreadable_code_asks_to_try_again(qtbot, kiosk):
    verdict = scan(qtbot, kiosk, "FKGABC")
    assert verdict.reason == "malformed"
    assert "The code could not be read." in kiosk.message.texts()


def test_signed_guest_unknown_here_is_checked_in_and_sent_for_the_badge(qtbot, kiosk, kiosk_desk):
    _guest_id, text = unknown_guest_code(kiosk_desk, "expert")
    verdict = scan(qtbot, kiosk, text)
    assert verdict.status == "ok"
    assert "Please collect your badge at the staff desk." in kiosk.message.texts()
    assert PrintQueue(kiosk_desk).jobs() == []


def test_printer_failure_keeps_the_checkin_and_raises_an_alert(qtbot, kiosk, kiosk_desk, tmp_path):
    blocker_file = tmp_path / "not-a-folder"
    blocker_file.write_text("x")
    PrintQueue(kiosk_desk).set_prefs(PrinterPrefs(backend="pdf", printer=str(blocker_file / "sub")))
    guest_id, name, _title = guests(1)[0]
    with qtbot.waitSignal(kiosk.alert_raised, timeout=10_000) as raised:
        verdict = scan(qtbot, kiosk, code_of(kiosk_desk, guest_id))
    assert verdict.status == "ok"
    assert kiosk.screen == "welcome" or kiosk.message.tone == "trouble"
    qtbot.waitUntil(lambda: kiosk.message.tone == "trouble", timeout=5000)
    text = kiosk.message.texts()
    assert "your badge could not be printed" in text and "Please see the staff desk." in text
    assert "Errno" not in text and "not-a-folder" not in text
    # The check-in stands; the failed job is listed for the desk; the alert is journalled.
    arrived = db.connection().execute("SELECT arrived_at FROM guest WHERE id = ?", (guest_id,)).fetchone()[0]
    assert arrived is not None
    assert [job.state for job in PrintQueue(kiosk_desk).jobs(guest_id=guest_id)] == ["failed"]
    alert = raised.args[0]
    assert alert.kind == "printer" and name in alert.message
    assert [a.id for a in open_alerts()] == [alert.id]
    kinds = [row[0] for row in db.connection().execute("SELECT kind FROM journal_entry")]
    assert "alert.set" in kinds
    # The staff screen (behind the PIN) shows it, and it can be dealt with there.
    kiosk.open_staff()
    assert kiosk.staff.alerts.count() == 1 and name in kiosk.staff.alerts.item(0).text()
    with qtbot.waitSignal(kiosk.tasks.idle, timeout=5000):
        kiosk.staff.resolve_button.click()
    qtbot.waitUntil(lambda: kiosk.staff.alerts.count() == 0, timeout=5000)
    assert open_alerts() == []


def test_printer_that_never_prints_is_trouble(qtbot, kiosk_desk, english, clock):
    class Stuck:
        def submit(self, pdf, **kwargs):
            return "job-1"

        def job_state(self, job_id):
            from kiosk.printing.backends import JobState, JobStatus

            return JobState(JobStatus.PENDING)

    queue = PrintQueue(kiosk_desk, backend_factory=lambda prefs: Stuck())
    queue.set_prefs(PrinterPrefs(backend="qt", printer="Kiosk printer", pending_timeout_s=3600))
    window = KioskWindow(kiosk_desk, camera_id="off", options=KioskOptions(print_timeout_seconds=30),
                         print_queue=queue, clock=clock)
    qtbot.addWidget(window)
    window.start()
    try:
        guest_id, _name, _title = guests(1)[0]
        scan(qtbot, window, code_of(kiosk_desk, guest_id))
        qtbot.waitUntil(lambda: window.print_timer.isActive(), timeout=5000)
        with qtbot.waitSignal(window.tasks.idle, timeout=5000):
            window.print_timer.timeout.emit()  # still pending, within the time allowed
        assert window.message.tone == "ok"
        clock.now += 31
        with qtbot.waitSignal(window.alert_raised, timeout=5000):
            window.print_timer.timeout.emit()
        assert window.message.tone == "trouble"
    finally:
        window.leave()


def test_badge_preview_and_confirm(qtbot, kiosk_desk, english, clock):
    window = make_kiosk(qtbot, kiosk_desk, clock, preview=True)
    try:
        guest_id, _name, _title = guests(1)[0]
        with qtbot.waitSignal(window.screen_changed, timeout=10_000, check_params_cb=lambda s: s == "preview"):
            window.scan(code_of(kiosk_desk, guest_id))
        assert not window.preview.picture.pixmap().isNull()
        assert PrintQueue(kiosk_desk).jobs(guest_id=guest_id) == []
        with qtbot.waitSignal(window.print_finished, timeout=10_000):
            window.preview.print_button.click()
        assert window.screen == "welcome"
        assert PrintQueue(kiosk_desk).badge_printed(guest_id)
        other_id = guests(2)[1][0]
        with qtbot.waitSignal(window.screen_changed, timeout=10_000, check_params_cb=lambda s: s == "preview"):
            window.scan(code_of(kiosk_desk, other_id))
        window.preview.wrong_button.click()
        assert "correct your details" in window.message.texts()
        assert PrintQueue(kiosk_desk).jobs(guest_id=other_id) == []
    finally:
        window.leave()


def test_idle_kiosk_clears_the_guest(qtbot, kiosk, kiosk_desk):
    guest_id, name, _title = guests(1)[0]
    with qtbot.waitSignal(kiosk.print_finished, timeout=10_000):
        scan(qtbot, kiosk, code_of(kiosk_desk, guest_id))
    assert kiosk.idle_timer.isActive()
    kiosk.idle_timer.timeout.emit()
    assert kiosk.screen == "attract"
    assert kiosk.guest_id == ""
    assert name not in kiosk.message.texts()


def test_a_new_guest_may_scan_during_the_greeting(qtbot, kiosk, kiosk_desk):
    (first, first_name, _t), (second, second_name, _t2) = guests(2)
    with qtbot.waitSignal(kiosk.print_finished, timeout=10_000):
        scan(qtbot, kiosk, code_of(kiosk_desk, first))
    with qtbot.waitSignal(kiosk.print_finished, timeout=10_000):
        scan(qtbot, kiosk, code_of(kiosk_desk, second))
    assert second_name in kiosk.message.texts() and first_name not in kiosk.message.texts()


# --- staff: PIN and unlock codes -------------------------------------------------------------------------------


def type_pin(window, pin):
    for digit in pin:
        window.pin.keys[digit].click()
    window.pin.keys["OK"].click()


def test_wrong_pins_wait_longer_each_time(qtbot, kiosk, clock):
    kiosk.attract.staff_button.click()
    assert kiosk.screen == "pin"
    waits = []
    for _ in range(4):
        with qtbot.waitSignal(kiosk.tasks.idle, timeout=10_000):
            type_pin(kiosk, "000000")
        waits.append(kiosk.pin.locked_until - clock.now)
        assert "Wrong PIN." in kiosk.pin.message.text() or "Try again in" in kiosk.pin.message.text()
        clock.now = kiosk.pin.locked_until
        kiosk.pin.countdown.timeout.emit()
    assert waits == [0, 1, 2, 4]
    with qtbot.waitSignal(kiosk.tasks.idle, timeout=10_000):
        type_pin(kiosk, "000000")
    assert "Try again in 8 s" in kiosk.pin.message.text()
    assert not kiosk.pin.keys["5"].isEnabled() and not kiosk.pin.field.isEnabled()
    clock.now += 5
    kiosk.pin.countdown.timeout.emit()
    assert "Try again in 3 s" in kiosk.pin.message.text()
    type_pin(kiosk, PIN)  # too early: the keypad is off, nothing is tried
    assert kiosk.screen == "pin"
    clock.now += 3
    kiosk.pin.countdown.timeout.emit()
    with qtbot.waitSignal(kiosk.unlocked, timeout=10_000):
        type_pin(kiosk, PIN)
    assert kiosk.screen == "staff"


def test_the_delay_is_shown_after_a_restart(qtbot, kiosk_desk, english, clock):
    for _ in range(5):
        result = staff.check_pin(kiosk_desk, "1111", now=clock)
        clock.now = result.locked_until
    staff.check_pin(kiosk_desk, "1111", now=clock)
    window = make_kiosk(qtbot, kiosk_desk, clock)
    try:
        window.attract.staff_button.click()
        assert "Try again in 16 s" in window.pin.message.text()
    finally:
        window.leave()


def test_pin_never_in_clear(qtbot, kiosk, kiosk_desk, caplog):
    caplog.set_level(logging.DEBUG)
    kiosk.attract.staff_button.click()
    with qtbot.waitSignal(kiosk.unlocked, timeout=10_000):
        type_pin(kiosk, PIN)
    kiosk.staff.pin_button.click()
    new = "90817263"
    type_pin(kiosk, new)
    with qtbot.waitSignal(kiosk.screen_changed, timeout=10_000):
        type_pin(kiosk, new)
    assert kiosk.screen == "attract"
    assert staff.check_pin(kiosk_desk, new).ok
    assert not any(PIN in record.getMessage() or new in record.getMessage() for record in caplog.records)
    values = [row[0] for row in db.connection().execute("SELECT value FROM local_setting")]
    assert not any(PIN in value or new in value for value in values)
    journal = [row[0] for row in db.connection().execute("SELECT payload FROM journal_entry")]
    assert not any(PIN in str(payload) or new in str(payload) for payload in journal)
    db.connection().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for path in kiosk_desk.data_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert PIN.encode() not in data and new.encode() not in data, path


def test_first_use_asks_for_a_pin(qtbot, demo_desk, english, clock):
    window = make_kiosk(qtbot, demo_desk, clock)
    try:
        assert window.screen == "setup"
        window.idle_timer.timeout.emit()
        window.pin.cancel_button.click()
        assert window.screen == "setup"  # no way round it
        type_pin(window, "12")
        assert "4 to 12 digits" in window.pin.message.text()
        type_pin(window, "2468")
        type_pin(window, "1357")
        assert "differ" in window.pin.message.text()
        type_pin(window, "2468")
        with qtbot.waitSignal(window.screen_changed, timeout=10_000):
            type_pin(window, "2468")
        assert window.screen == "attract" and staff.has_pin(demo_desk)
    finally:
        window.leave()


def test_staff_unlock_code_opens_the_staff_screen(qtbot, kiosk, kiosk_desk):
    with qtbot.waitSignal(kiosk.unlocked, timeout=10_000):
        kiosk.scan(staff.issue_unlock_code(kiosk_desk))
    assert kiosk.screen == "staff"


def test_expired_or_foreign_unlock_code_does_nothing(qtbot, kiosk, kiosk_desk, clock):
    expired = staff.issue_unlock_code(kiosk_desk, minutes=5, now=lambda: clock.now - 3600)
    kiosk.attract.staff_button.click()
    with qtbot.waitSignal(kiosk.tasks.idle, timeout=10_000):
        kiosk.scan(expired)
    assert kiosk.screen == "pin" and "not valid" in kiosk.pin.message.text()


def test_forgotten_staff_screen_locks_again(qtbot, kiosk, kiosk_desk):
    with qtbot.waitSignal(kiosk.unlocked, timeout=10_000):
        kiosk.scan(staff.issue_unlock_code(kiosk_desk))
    kiosk.idle_timer.timeout.emit()
    assert kiosk.screen == "attract"


def test_guest_scans_are_ignored_behind_the_pin(qtbot, kiosk, kiosk_desk):
    kiosk.attract.staff_button.click()
    guest_id = guests(1)[0][0]
    kiosk.scan(code_of(kiosk_desk, guest_id))
    qtbot.wait(50)
    assert kiosk.screen == "pin"
    assert db.connection().execute("SELECT arrived_at FROM guest WHERE id = ?", (guest_id,)).fetchone()[0] is None


# --- lockdown --------------------------------------------------------------------------------------------------


def test_window_flags_and_full_screen(kiosk):
    flags = kiosk.windowFlags()
    assert flags & Qt.WindowType.FramelessWindowHint
    assert flags & Qt.WindowType.WindowStaysOnTopHint
    assert kiosk.windowState() & Qt.WindowState.WindowFullScreen


def test_close_is_refused_until_staff_leave(qtbot, kiosk_desk, english, clock):
    window = make_kiosk(qtbot, kiosk_desk, clock)
    assert window.close() is False
    assert window.isVisible()
    with qtbot.waitSignal(window.unlocked, timeout=10_000):
        window.scan(staff.issue_unlock_code(kiosk_desk))
    with qtbot.waitSignal(window.exited):
        window.staff.exit_button.click()
    assert not window.isVisible()


@pytest.mark.parametrize(
    "key, modifiers",
    [
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
        (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_F11, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_Menu, Qt.KeyboardModifier.NoModifier),
    ],
)
def test_shortcut_keys_do_nothing(qtbot, kiosk, key, modifiers):
    triggered = []
    action = QAction(kiosk)
    action.setShortcut(QKeySequence(key.value | modifiers.value))
    action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
    action.triggered.connect(lambda: triggered.append(True))
    kiosk.addAction(action)
    kiosk.attract.staff_button.click()  # on the PIN screen, with the PIN field focused
    for target in (kiosk.pin.field, kiosk):
        override = QKeyEvent(QEvent.Type.ShortcutOverride, key, modifiers)
        assert kiosk.lockdown.eventFilter(target, override)
        qtbot.keyClick(target, key, modifiers)
    qtbot.keyClick(kiosk.windowHandle(), key, modifiers)  # through the window system's path, as a keyboard
    assert triggered == []
    assert kiosk.screen == "pin" and kiosk.isVisible()


def test_the_same_shortcut_works_without_the_kiosk(qtbot):
    """The control: the key clicks used above do reach a shortcut on an ordinary window."""
    triggered = []
    widget = QWidget()
    qtbot.addWidget(widget)
    action = QAction(widget)
    action.setShortcut(QKeySequence("Ctrl+Q"))
    action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
    action.triggered.connect(lambda: triggered.append(True))
    widget.addAction(action)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.keyClick(widget.windowHandle(), Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert triggered == [True]


def test_no_context_menus_anywhere(kiosk):
    for widget in [kiosk, *kiosk.findChildren(QWidget)]:
        assert widget.contextMenuPolicy() in (Qt.ContextMenuPolicy.NoContextMenu,), widget
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(5, 5), QPoint(5, 5), Qt.KeyboardModifier.NoModifier)
    assert kiosk.lockdown.eventFilter(kiosk.pin.field, event)
    assert QApplication.activePopupWidget() is None


def test_typing_keeps_working_for_the_pin(qtbot, kiosk):
    kiosk.attract.staff_button.click()
    kiosk.pin.field.setFocus()
    qtbot.keyClicks(kiosk.pin.field, "12", delay=80)  # a person's pace: not a scan
    qtbot.waitUntil(lambda: kiosk.pin.field.text() == "12", timeout=2000)


def test_scanner_keystrokes_check_in(qtbot, kiosk, kiosk_desk):
    guest_id = guests(1)[0][0]
    with qtbot.waitSignal(kiosk.verdict_shown, timeout=10_000) as blocker:
        qtbot.keyClicks(kiosk.attract, code_of(kiosk_desk, guest_id))
        qtbot.keyClick(kiosk.attract, Qt.Key.Key_Return)
    assert blocker.args[0].status == "ok"


def test_unlock_code_dialog_shows_a_code_the_kiosk_accepts(qtbot, kiosk, kiosk_desk):
    import zxingcpp

    from kiosk.ui.unlock_code import UnlockCodeDialog

    dialog = UnlockCodeDialog(kiosk_desk)
    qtbot.addWidget(dialog)
    image = dialog.findChildren(type(kiosk.attract.event_name))[0].pixmap().toImage()
    texts = [b.text for b in zxingcpp.read_barcodes(image.convertToFormat(image.Format.Format_Grayscale8))]
    assert texts == [dialog.code]
    with qtbot.waitSignal(kiosk.unlocked, timeout=10_000):
        kiosk.scan(texts[0])


def test_self_service_without_an_event_exits(qapp, tmp_path, config_dir, english):
    import argparse

    from kiosk.ui.kiosk_mode import run_self_service

    args = argparse.Namespace(data=str(tmp_path / "empty"), lang="en", station="Kiosk 1", operator=None)
    assert run_self_service(args) == 1


def test_kiosk_without_a_camera_still_scans(qtbot, kiosk_desk, english, clock, monkeypatch):
    from kiosk.ui import camera

    monkeypatch.setattr(camera, "find_camera", lambda device_id="": None)
    window = KioskWindow(kiosk_desk, camera_id="", clock=clock)
    qtbot.addWidget(window)
    window.start()
    try:
        assert window.camera is not None and not window.camera.active and not window.camera.isVisible()
        guest_id = guests(1)[0][0]
        assert scan(qtbot, window, code_of(kiosk_desk, guest_id)).status == "ok"
        with qtbot.waitSignal(window.verdict_shown, timeout=10_000):
            window.camera.scanned.emit(code_of(kiosk_desk, guests(2)[1][0]))  # what a camera read delivers
    finally:
        window.leave()


def test_kiosk_prints_on_the_system_printer(qtbot, kiosk_desk, english, clock, tmp_path):
    """Printer kind "qt" (the system printer, here printing to a PDF file) works from the kiosk alone."""
    target = tmp_path / "badge.pdf"
    PrintQueue(kiosk_desk).set_prefs(PrinterPrefs(backend="qt", printer=str(target)))
    window = make_kiosk(qtbot, kiosk_desk, clock)
    try:
        guest_id = guests(1)[0][0]
        with qtbot.waitSignal(window.print_finished, timeout=20_000) as printed:
            scan(qtbot, window, code_of(kiosk_desk, guest_id))
        assert printed.args[0].state == "done", printed.args[0]
        assert target.exists() and target.read_bytes().startswith(b"%PDF")
        assert open_alerts() == []
    finally:
        window.leave()


def _with_desk_window(qtbot, desk, check) -> None:
    """Open a desk window, run ``check(window)``, and dispose of the window here.

    The desk window holds reference cycles; left to the garbage collector after the test, it could
    be deleted on whichever thread next triggers a collection — a worker thread crashes Qt. So it is
    not a fixture: it is shut down, dropped and collected inside the test, on the GUI thread.
    """
    from kiosk.ui.main_window import DeskWindow
    from kiosk.ui.settings import DeskSettings

    window = DeskWindow(desk, DeskSettings(station="Desk 2", operator="Li Lei", language="en", muted=True),
                        save_settings=False)
    try:
        window.start_shift("Desk 2", "MAIN", "Li Lei")
        tasks = window.tasks
        qtbot.waitUntil(lambda: not tasks.busy, timeout=5000)
        check(window)
    finally:
        window.shutdown()
        window.close()
        del window
        gc.collect()


def test_open_from_the_desk_window_shares_its_writer_mutes_and_hides_it(qtbot, demo_desk, config_dir, english, clock):
    staff.set_pin(demo_desk, PIN)

    def check(window) -> None:
        window.show()
        kiosk = open_kiosk_mode(demo_desk, window.settings, window, clock=clock)
        try:
            assert kiosk.tasks is window.tasks
            assert kiosk.printing is window.printing.queue  # the system printer and its alerts, shared
            assert window.scan_filter.enabled is False
            assert kiosk.session == "MAIN"
            assert not window.isVisible()
        finally:
            with qtbot.waitSignal(kiosk.unlocked, timeout=10_000):
                kiosk.scan(staff.issue_unlock_code(demo_desk))
            kiosk.leave()
        assert window.scan_filter.enabled is True
        assert window.isVisible()

    _with_desk_window(qtbot, demo_desk, check)
