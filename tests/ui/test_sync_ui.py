"""The sync corner of the desk window, the conflicts list and the hub settings.

Most tests drive the window with a fake loop (its statuses are emitted from a plain thread, as the real
loop's are); one runs the real SyncLoop against a hub served in a thread of this process.
"""

from __future__ import annotations

import threading
from datetime import datetime

import pytest

from kiosk.core.checkin import CheckinService
from kiosk.core.sync_service import HUB, TOKEN, SyncReport, SyncStatus, _set
from kiosk.models.clock import wall_ms
from kiosk.models.ids import uuid7
from kiosk.models.journal import SCHEMA_VERSION, Entry
from kiosk.ui.conflicts_dialog import ConflictTableModel
from kiosk.ui.settings import DeskSettings
from tests.ui.conftest import code_of


class FakeLoop:
    def __init__(self, desk, on_status) -> None:
        self.on_status = on_status
        self.started = self.stopped = False
        self.woken = 0

    def start(self) -> None:
        self.started = True

    def sync_now(self) -> None:
        self.woken += 1

    def stop(self) -> None:
        self.stopped = True

    def report_from_thread(self, status: SyncStatus) -> None:
        thread = threading.Thread(target=self.on_status, args=(status,))
        thread.start()
        thread.join()


def remember_hub(desk, hub="http://hub.example:8000", token="secret") -> None:
    with desk.write():
        _set(HUB, hub)
        _set(TOKEN, token)


@pytest.fixture
def open_window(qtbot, demo_desk, config_dir, english):
    from kiosk.ui.main_window import DeskWindow

    opened = []

    def make(**kwargs):
        window = DeskWindow(demo_desk, DeskSettings(station="Desk 2", muted=True), **kwargs)
        qtbot.addWidget(window)
        window.start_shift("Desk 2", "", "Li Lei")
        qtbot.waitUntil(lambda: not window.tasks.busy, timeout=5000)
        opened.append(window)
        return window

    yield make
    for window in opened:
        window.shutdown()


def hhmm(desk, epoch_ms: int) -> str:
    return datetime.fromtimestamp(epoch_ms / 1000, desk.event.zone).strftime("%H:%M")


def test_without_a_hub_no_loop_starts_and_the_corner_says_so(open_window):
    loops = []
    window = open_window(sync_loop_factory=lambda desk, report: loops.append(FakeLoop(desk, report)) or loops[-1])
    assert loops == [] and window.sync_loop is None
    assert window.sync_button.text() == "No hub"
    assert not window.sync_button.sync_now_action.isEnabled()


def test_statuses_from_the_loop_thread_reach_the_corner(qtbot, open_window, demo_desk):
    remember_hub(demo_desk)
    loops: list[FakeLoop] = []
    window = open_window(sync_loop_factory=lambda desk, report: loops.append(FakeLoop(desk, report)) or loops[-1])
    (loop,) = loops
    assert loop.started and window.sync_button.text() == "not synced yet"

    now = wall_ms()
    synced = SyncStatus("synced", now, 0, 0, report=SyncReport(pushed=3, pulled=0, conflicts=0, skew_ms=0))
    with qtbot.waitSignal(window.sync_status_shown):
        loop.report_from_thread(synced)
    assert window.sync_button.text() == f"synced {hhmm(demo_desk, now)}"

    offline = SyncStatus("offline", now - 60_000, 37, 0, "connection refused")
    with qtbot.waitSignal(window.sync_status_shown):
        loop.report_from_thread(offline)
    assert window.sync_button.text() == f"offline since {hhmm(demo_desk, now - 60_000)} · 37 waiting"
    assert window.sync_button.toolTip() == "connection refused"

    skewed = SyncStatus("synced", now, 0, 5 * 60_000, report=SyncReport(0, 0, 2, 5 * 60_000))
    with qtbot.waitSignal(window.sync_status_shown):
        loop.report_from_thread(skewed)
    text = window.sync_button.text()
    assert "clock is off by 300 s" in text and text.endswith("2 conflicts")
    assert window.sync_button.clock_off and "#a8231c" in window.sync_button.styleSheet()
    assert window.sync_button.conflicts_action.text() == "Conflicts (2)…"

    window.sync_button.sync_now_action.trigger()
    assert loop.woken == 1
    window.close()
    assert loop.stopped and window.sync_loop is None


def test_a_pull_refreshes_the_arrivals_search_and_agreements(qtbot, open_window, demo_desk):
    remember_hub(demo_desk)
    loops: list[FakeLoop] = []
    window = open_window(sync_loop_factory=lambda desk, report: loops.append(FakeLoop(desk, report)) or loops[-1])
    refreshed = []
    window.agreements.refresh = lambda: refreshed.append("agreements")
    pulled = SyncStatus("synced", wall_ms(), report=SyncReport(pushed=0, pulled=5, conflicts=0, skew_ms=0))
    with qtbot.waitSignal(window.stats_updated, timeout=5000):
        loops[0].report_from_thread(pulled)
    assert refreshed == ["agreements"]


def double_arrival(desk) -> str:
    """A guest checked in here and, unseen, at another desk: ingested as a hub pull would."""
    from kiosk.core.guests import GuestService

    guest = GuestService(desk).all()[3]
    assert CheckinService(desk).scan(code_of(desk, guest.id), "Desk 2").status == "ok"
    foreign = Entry(
        id=uuid7(),
        device="another-desk-device",
        operator="韩梅梅",
        hlc=desk.journal.clock.tick(),
        wall_time=wall_ms(),
        kind="checkin",
        schema_version=SCHEMA_VERSION,
        payload={
            "checkin_id": uuid7(),
            "guest_id": guest.id,
            "kind": "arrival",
            "station": "Desk 7",
            "session": None,
            "category": guest.category,
            "at": wall_ms() - 5_000,
        },
    )
    with desk.write():
        assert desk.journal.ingest([foreign])
    return guest.name


def test_conflicts_model_and_dialog(qtbot, qtmodeltester, open_window, demo_desk):
    name = double_arrival(demo_desk)
    window = open_window()
    rows = window.conflict_rows()
    assert window.sync_button.conflicts == 1 and window.sync_button.text().endswith("1 conflicts")
    model = ConflictTableModel()
    model.set_rows(rows)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 1
    cells = [model.index(0, column).data() for column in range(model.columnCount())]
    assert cells[0] == "Checked in at two desks" and cells[1] == name
    assert cells[3].startswith("Desk 7 · ") and cells[4].startswith("Desk 2 · ")  # the earlier first

    dialog = window.open_conflicts()
    assert dialog.isVisible() and not dialog.isModal() and dialog.model.rowCount() == 1
    assert window.open_conflicts() is dialog  # one at a time
    dialog.close()
    assert window.conflicts_dialog is None


def test_hub_settings_refuse_a_wrong_address_and_report_an_unreachable_hub(qtbot, open_window, demo_desk):
    from kiosk.core.sync_service import SyncService

    window = open_window()
    dialog = window.open_hub_settings()
    dialog.hub.setText("hub.example")
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and "http://" in dialog.error.text()
    dialog.hub.setText("http://127.0.0.1:9")
    dialog.token.setText("nothing-listens-there")
    with qtbot.waitSignal(window.error_shown, timeout=40_000) as shown:
        dialog.buttons.accepted.emit()
    assert "The hub was not saved" in shown.args[0]
    assert SyncService(demo_desk).remembered() == ("", "")  # a wrong hub is never remembered
    assert window.sync_loop is None and window.sync_button.text() == "No hub"


def test_real_loop_against_a_hub_in_this_process(qtbot, open_window, demo_desk, tmp_path):
    pytest.importorskip("uvicorn")
    from kiosk.sync import store
    from tests.sync.conftest import ThreadHub, issue

    url = f"sqlite:///{tmp_path / 'hub.sqlite3'}"
    token = issue(url, "organiser", organiser=True)
    hub = ThreadHub(url)
    try:
        window = open_window()
        dialog = window.open_hub_settings()
        dialog.hub.setText(hub.url)
        dialog.token.setText(token)
        with qtbot.waitSignal(window.hub_saved, timeout=30_000) as saved:
            dialog.buttons.accepted.emit()
        assert saved.args[0].pushed > 0 and window.sync_loop is not None
        with qtbot.waitSignal(window.sync_status_shown, timeout=30_000) as shown:
            window.sync_now()
        assert shown.args[0].state == "synced" and window.sync_button.text().startswith("synced ")
        window.stop_sync()
    finally:
        hub.stop()
        store.close_hub_database()
