"""The window survives hours of Qt calls on Python 3.11 despite PySide6 dropping None references."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel

import kiosk.ui  # noqa: F401 - importing the package installs the protection
from kiosk.ui.pyside_refcount import binding_leaks_none, protect_none


def test_none_has_a_reserve_on_python_before_3_12(qapp):
    if sys.version_info < (3, 12):
        assert sys.getrefcount(None) > 10**9
    assert protect_none() is False  # once per process


def test_a_hundred_thousand_void_calls_do_not_abort(qapp):
    label = QLabel()
    for i in range(100_000):
        label.setText("x" if i % 2 else "y")
    assert label.text() == "x"
    assert isinstance(binding_leaks_none(), bool)
