"""The sync corner of the status bar: the background loop's state, and a menu (sync now, conflicts, hub).

The loop (:class:`kiosk.core.sync_service.SyncLoop`) calls back on its own thread; :class:`SyncBridge`
carries each status to the GUI thread through a queued signal, so no widget is touched from there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton, QWidget

from kiosk.core.desk import Desk
from kiosk.core.sync_service import SKEW_WARNING_MS, SyncLoop, SyncService, SyncStatus
from kiosk.i18n import _

STYLES = {
    "none": "",
    "synced": "QToolButton { color: #1a7f37; }",
    "offline": "QToolButton { color: #9a6700; font-weight: 700; }",
    "warning": "QToolButton { background: #a8231c; color: white; font-weight: 800; border-radius: 4px; }",
}


class SyncLoopLike(Protocol):
    def start(self) -> None: ...
    def sync_now(self) -> None: ...
    def stop(self) -> None: ...


SyncLoopFactory = Callable[[Desk, Callable[[SyncStatus], None]], SyncLoopLike]


def default_sync_loop(desk: Desk, on_status: Callable[[SyncStatus], None]) -> SyncLoop:
    """The real loop: syncs every 30 s on its own thread, with its own SQLite connection."""
    return SyncLoop(SyncService(desk), on_status=on_status)


def hub_configured(desk: Desk) -> bool:
    hub, token = SyncService(desk).remembered()
    return bool(hub and token)


class SyncBridge(QObject):
    """Signals:
    status_changed(object): the loop reported a SyncStatus (emitted on the loop's thread; connect queued).
    """

    status_changed = Signal(object)

    def report(self, status: SyncStatus) -> None:
        """The loop's ``on_status``: called on the loop's thread, only emits."""
        self.status_changed.emit(status)


class SyncStatusButton(QToolButton):
    """Shows the last status and the number of conflicts; clicking opens the sync menu."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncStatus")
        self.setAutoRaise(True)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")
        self.status: SyncStatus | None = None
        self.configured = False
        self.conflicts = 0
        self.zone = None
        self.sync_now_action = QAction(self)
        self.conflicts_action = QAction(self)
        self.hub_action = QAction(self)
        self.sync_menu = QMenu(self)
        for action in (self.sync_now_action, self.conflicts_action, self.hub_action):
            self.sync_menu.addAction(action)
        self.setMenu(self.sync_menu)
        self.retranslate()

    def show_status(self, status: SyncStatus | None, *, configured: bool = True) -> None:
        self.status, self.configured = status, configured
        self.retranslate()

    def set_conflicts(self, count: int) -> None:
        self.conflicts = count
        self.retranslate()

    @property
    def clock_off(self) -> bool:
        return self.status is not None and abs(self.status.skew_ms) > SKEW_WARNING_MS

    def retranslate(self) -> None:
        self.sync_now_action.setText(_("Sync now"))
        self.sync_now_action.setEnabled(self.configured)
        self.conflicts_action.setText(
            _("Conflicts ({n})…").format(n=self.conflicts) if self.conflicts else _("Conflicts…")
        )
        self.hub_action.setText(_("Hub settings…"))
        if not self.configured:
            text, style = _("No hub"), "none"
        elif self.status is None:
            text, style = _("not synced yet"), "none"
        else:
            text = self.status.text(self.zone)
            style = "synced" if self.status.state == "synced" else "offline"
        if self.conflicts:
            text += " · " + _("{n} conflicts").format(n=self.conflicts)
        if self.clock_off or self.conflicts or (self.status is not None and self.status.state == "refused"):
            style = "warning"
        self.setText(text)
        self.setToolTip(self.status.message if self.status is not None and self.status.message else "")
        self.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; } " + STYLES[style])
