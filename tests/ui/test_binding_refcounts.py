"""The installed Qt binding keeps Python's reference counts: hours of Qt calls cannot abort the desk.

PySide6 6.12.0 under Python 3.11 drops a reference to None on every void call and to True on every
emit, and the process aborts (none_dealloc) after about ten thousand calls; pyproject.toml keeps it out.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel


class _Emitter(QObject):
    fired = Signal(bool)


def test_void_calls_and_emits_leave_reference_counts_alone(qapp):
    label = QLabel()
    timer = QTimer()
    emitter = _Emitter()
    received: list[bool] = []
    emitter.fired.connect(received.append)
    before = sys.getrefcount(None), sys.getrefcount(True)
    for i in range(20_000):
        label.setText("x" if i % 2 else "y")
        timer.start(1000)
        emitter.fired.emit(True)
    timer.stop()
    received.clear()
    after = sys.getrefcount(None), sys.getrefcount(True)
    assert abs(after[0] - before[0]) < 100 and abs(after[1] - before[1]) < 100, (before, after)
