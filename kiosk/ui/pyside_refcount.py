"""Work around a PySide6 binding bug that kills a long-running window on Python < 3.12.

PySide6 6.12 (as installed here) returns ``None`` from every void method — ``QLabel.setText``,
``QTimer.start``, ``QWidget.update`` … — and ``True`` from every ``Signal.emit`` without taking a
reference to it. Python 3.12 made these singletons immortal, so there it is harmless; on 3.11 each
call takes one reference away, and after some tens of thousands of calls (minutes of scanning) the
interpreter aborts with ``Fatal Python error: none_dealloc`` (or ``bool_dealloc``). Measured:
``sys.getrefcount(None)`` drops by exactly 1 per void call, ``sys.getrefcount(True)`` by 1 per emit.

The fix gives ``None``, ``True`` and ``False`` a reserve of references large enough for years of
calls — what Python 3.12 does for them anyway. Nothing else is touched; on 3.12+ this does nothing. Remove it once the project
requires Python ≥ 3.12 or a PySide6 that keeps the reference.
"""

from __future__ import annotations

import ctypes
import sys

RESERVE = 1 << 40  # ~10^12 calls


def protect_none() -> bool:
    """Top up the reference counts of None, True and False once per process; True when it did."""
    if sys.version_info >= (3, 12) or getattr(sys, "_kiosk_none_protected", False):
        return False
    # ob_refcnt is the first field of every CPython object (Py_ssize_t).
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += RESERVE
    sys._kiosk_none_protected = True  # type: ignore[attr-defined]
    return True


def binding_leaks_none() -> bool:
    """Whether this PySide6 drops a reference to None on a void call (for tests and the report)."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(100):
        probe.setObjectName("probe")
    return sys.getrefcount(None) < before - 50
