"""The writer/reader bridge: work off the GUI thread, results and failures back on it."""

from __future__ import annotations

import sys
import threading

from kiosk.ui.sound import Sounds
from kiosk.ui.tasks import TaskManager


def test_results_come_back_on_the_gui_thread(qtbot):
    tasks = TaskManager()
    try:
        seen: dict[str, object] = {}

        def work():
            seen["worker"] = threading.current_thread().name
            return 42

        def done(value):
            seen["value"] = value
            seen["callback"] = threading.current_thread() is threading.main_thread()

        with qtbot.waitSignal(tasks.idle, timeout=5000):
            tasks.write(work, on_done=done)
        assert seen == {"worker": seen["worker"], "value": 42, "callback": True}
        assert str(seen["worker"]).startswith("db-writer")
    finally:
        tasks.close()


def test_writes_run_in_submission_order_on_one_thread(qtbot):
    tasks = TaskManager()
    try:
        order: list[int] = []
        threads: set[str] = set()

        def step(i):
            threads.add(threading.current_thread().name)
            order.append(i)

        for i in range(50):
            tasks.write(step, i)
        qtbot.waitUntil(lambda: not tasks.busy, timeout=5000)
        assert order == list(range(50)) and len(threads) == 1
    finally:
        tasks.close()


def test_errors_go_to_the_callback_or_the_failed_signal(qtbot):
    tasks = TaskManager()
    try:
        caught: list[BaseException] = []

        def boom():
            raise ValueError("bad row")

        with qtbot.waitSignal(tasks.idle, timeout=5000):
            tasks.write(boom, on_error=caught.append)
        assert isinstance(caught[0], ValueError)
        with qtbot.waitSignal(tasks.failed, timeout=5000) as blocker:
            tasks.read(boom)
        assert blocker.args[0] == "bad row" and "ValueError" in blocker.args[1]
    finally:
        tasks.close()


def test_post_from_a_worker_runs_on_the_gui_thread(qtbot):
    tasks = TaskManager()
    try:
        got: list[tuple[object, bool]] = []

        def report(value):
            got.append((value, threading.current_thread() is threading.main_thread()))

        tasks.write(lambda: tasks.post(report, (3, 10)))
        qtbot.waitUntil(lambda: bool(got), timeout=5000)
        assert got == [((3, 10), True)]
    finally:
        tasks.close()


def test_muted_sounds_load_nothing_and_missing_multimedia_is_silent(qapp, monkeypatch):
    muted = Sounds(muted=True)
    muted.play("ok")
    assert muted.last_played == "ok" and muted._effects is None
    monkeypatch.setitem(sys.modules, "PySide6.QtMultimedia", None)  # as on a desk without libpulse
    loud = Sounds(muted=False)
    loud.play("refused")
    assert loud.last_played == "refused" and loud._effects == {}
