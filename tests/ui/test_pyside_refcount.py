"""The window survives hours of Qt calls on Python 3.11 despite PySide6 dropping None references."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

import kiosk.ui  # noqa: F401 - importing the package installs the protection
from kiosk.ui.pyside_refcount import binding_leaks_none, protect_none


def test_none_has_a_reserve_on_python_before_3_12(qapp):
    if sys.version_info < (3, 12):
        assert min(sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False)) > 10**9
    assert protect_none() is False  # once per process


def test_a_hundred_thousand_void_calls_and_emits_do_not_abort(qapp):
    label = QLabel()
    timer = QTimer()
    received: list[int] = []
    timer.timeout.connect(lambda: received.append(1))
    for i in range(100_000):
        label.setText("x" if i % 2 else "y")
        timer.timeout.emit()
    assert label.text() == "x" and len(received) == 100_000
    assert isinstance(binding_leaks_none(), bool)
