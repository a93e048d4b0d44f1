"""Catching a keyboard-wedge scanner wherever the focus is: an application-level event filter.

Printable keys are held by :class:`~kiosk.ui.scan_assembler.ScanAssembler` while they might be a
scan; keys it decides were a person typing are re-sent, in order, to the widget that had the focus
(about 60 ms later — not noticeable). A completed scan is emitted and never reaches any widget.

Times are taken when Qt hands us the event (a monotonic clock), not from ``QKeyEvent.timestamp()``:
synthetic events carry 0 there and X server times are on another clock than our quiet-gap timer.
"""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QWidget

from kiosk.ui.scan_assembler import ENTER, TAB, Output, ScanAssembler

_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
)

_MODIFIER_KEYS = frozenset(
    {
        Qt.Key.Key_Shift,
        Qt.Key.Key_Control,
        Qt.Key.Key_Alt,
        Qt.Key.Key_AltGr,
        Qt.Key.Key_Meta,
        Qt.Key.Key_Super_L,
        Qt.Key.Key_Super_R,
        Qt.Key.Key_CapsLock,
        Qt.Key.Key_NumLock,
        Qt.Key.Key_unknown,
    }
)


def _monotonic_ms() -> int:
    return time.monotonic_ns() // 1_000_000


class ScanFilter(QObject):
    """Install on the QApplication; emits each scan.

    Signals:
        scanned(str): a completed scan, as typed (the core folds full width and case).
    """

    scanned = Signal(str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        assembler: ScanAssembler | None = None,
        clock: Callable[[], int] = _monotonic_ms,
    ) -> None:
        super().__init__(parent)
        self.assembler = assembler or ScanAssembler()
        self.enabled = True
        self._clock = clock
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)

    # --- the filter ---------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.InputMethod):
            return False
        # Real key events reach the QWindow first, then the focus widget (and parents, if ignored):
        # judge them at widgets only. Re-sent typing must pass untouched.
        if self._replaying or not self.enabled or not isinstance(watched, QWidget):
            return False
        if kind == QEvent.Type.KeyPress:
            return self._key_press(watched, event)  # type: ignore[arg-type]
        return self._input_method(watched, event)  # type: ignore[arg-type]

    def _key_press(self, widget: QWidget, event: QKeyEvent) -> bool:
        key = event.key()
        if key in _MODIFIER_KEYS:
            return False  # scanners press Shift for capitals: neither typing nor the end of a burst
        text = event.text()
        if event.isAutoRepeat():
            # A key held down repeats every ~30 ms — scanner speed, but never a scanner.
            self._deliver(self.assembler.interrupt())
            self._arm()
            return False
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            name = ENTER
        elif key == Qt.Key.Key_Tab and not (event.modifiers() & _COMMAND_MODIFIERS):
            name = TAB
        elif len(text) == 1 and text.isprintable() and not (event.modifiers() & _COMMAND_MODIFIERS):
            name = text
        else:
            self._deliver(self.assembler.interrupt())
            self._arm()
            return False
        payload = ("key", widget, key, event.modifiers(), text)
        out = self.assembler.feed(name, self._clock(), payload)
        if name in (ENTER, TAB):
            # A person's Enter/Tab is the last typed payload: let the original event go on itself.
            typed = [p for p in out.typed if p is not payload]
            self._deliver(Output(scans=out.scans, typed=typed))
            self._arm()
            return out.swallowed_terminator
        self._deliver(out)
        self._arm()
        return True

    def _input_method(self, widget: QWidget, event: QInputMethodEvent) -> bool:
        commit = event.commitString()
        folded = unicodedata.normalize("NFKC", commit)
        # An IME in the way: a scanner's characters arrive as committed text (often full width).
        # Only code-like commits are candidates; a person's 中文 goes straight through.
        if not commit or not folded.isascii() or not folded.isalnum() or event.preeditString():
            self._deliver(self.assembler.interrupt())
            self._arm()
            return False
        now = self._clock()
        out = Output()
        for ch in commit:
            out.extend(self.assembler.feed(ch, now, ("commit", widget, ch)))
        self._send(widget, QInputMethodEvent("", []))  # clear the preedit the IME may have shown
        self._deliver(out)
        self._arm()
        return True

    # --- time ---------------------------------------------------------------------------------------

    def flush(self) -> None:
        """Resolve what is held if its quiet gap has passed (the timer calls this)."""
        self._deliver(self.assembler.flush(self._clock()))
        self._arm()

    def _on_timer_timeout(self) -> None:
        self.flush()

    def _arm(self) -> None:
        deadline = self.assembler.deadline()
        if deadline is None:
            self._timer.stop()
        else:
            self._timer.start(max(0, deadline - self._clock()))

    # --- delivering ---------------------------------------------------------------------------------

    def _deliver(self, out: Output) -> None:
        commits: list[tuple[QWidget, str]] = []
        for payload in out.typed:
            if payload[0] == "commit":
                commits.append((payload[1], payload[2]))
                continue
            self._flush_commits(commits)
            _kind, widget, key, modifiers, text = payload
            self._send(widget, QKeyEvent(QEvent.Type.KeyPress, key, modifiers, text))
            self._send(widget, QKeyEvent(QEvent.Type.KeyRelease, key, modifiers, text))
        self._flush_commits(commits)
        for code in out.scans:
            self.scanned.emit(code)

    def _flush_commits(self, commits: list[tuple[QWidget, str]]) -> None:
        while commits:
            widget = commits[0][0]
            text = ""
            while commits and commits[0][0] is widget:
                text += commits.pop(0)[1]
            event = QInputMethodEvent()
            event.setCommitString(text)
            self._send(widget, event)

    def _send(self, widget: QWidget, event: QEvent) -> None:
        if not shiboken6.isValid(widget):
            return
        self._replaying = True
        try:
            QCoreApplication.sendEvent(widget, event)
        finally:
            self._replaying = False
