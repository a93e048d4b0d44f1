"""Keeping a kiosk window shut: no shortcuts, no context menus, no way out without staff.

What Qt can do: swallow shortcut keys (Escape, Alt+F4 as a key, Ctrl+W/Q, F-keys, the Menu key)
before any widget or QAction sees them; refuse context menus everywhere; refuse ``close()``. What
Qt cannot do: block Alt+Tab, Ctrl+Alt+Del, the Windows key on Windows or VT switching on Linux —
those need the operating system's kiosk set-up (docs/kiosk/README-kiosk.md).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QWidget

_COMMAND = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier

_BLOCKED_KEYS = frozenset(
    {
        Qt.Key.Key_Escape,
        Qt.Key.Key_Menu,
        Qt.Key.Key_Help,
        Qt.Key.Key_Close,
        Qt.Key.Key_Super_L,
        Qt.Key.Key_Super_R,
        Qt.Key.Key_Meta,
        Qt.Key.Key_Print,
        Qt.Key.Key_SysReq,
    }
    | {Qt.Key(Qt.Key.Key_F1.value + n) for n in range(35)}
)
_BLOCKED_VALUES = frozenset(key.value for key in _BLOCKED_KEYS)

_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.TouchBegin,
        QEvent.Type.Wheel,
        QEvent.Type.InputMethod,
    }
)


def is_blocked_key(key: int, modifiers: Qt.KeyboardModifier) -> bool:
    """A key that could reach a shortcut, a menu or the window system's close."""
    return bool(modifiers & _COMMAND) or int(key) in _BLOCKED_VALUES


class LockdownFilter(QObject):
    """Install on the QApplication while the kiosk is up.

    Signals:
        activity(): someone touched, clicked or typed (restarts the idle timer).
        blocked(int): a key was swallowed (for tests and the log).
    """

    activity = Signal()
    blocked = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.enabled = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if not self.enabled:
            return False
        kind = event.type()
        if kind in _ACTIVITY and isinstance(watched, QWidget):
            self.activity.emit()
        if kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            if is_blocked_key(event.key(), event.modifiers()):  # type: ignore[attr-defined]
                event.accept()
                if kind == QEvent.Type.KeyPress and isinstance(watched, QWidget):
                    self.blocked.emit(event.key())  # type: ignore[attr-defined]
                return True
            return False
        return kind in (QEvent.Type.Shortcut, QEvent.Type.ContextMenu, QEvent.Type.WhatsThis, QEvent.Type.QueryWhatsThis)


def no_context_menus(root: QWidget) -> None:
    """No right-click menu on ``root`` and every widget inside it (call again after adding widgets)."""
    root.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
    for child in root.findChildren(QWidget):
        child.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
