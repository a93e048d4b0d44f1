"""A short sound per verdict. QtMultimedia is optional (it needs libpulse or PipeWire): without it,
or when muted, playing does nothing."""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QObject, QUrl

from kiosk.paths import resource

log = logging.getLogger(__name__)

SOUND_FILES = {"ok": "ok.wav", "warn": "warn.wav", "refused": "refused.wav"}


class Sounds(QObject):
    """Plays ``ok`` / ``warn`` / ``refused``. Effects are loaded lazily on the first unmuted play."""

    def __init__(self, parent: QObject | None = None, *, muted: bool = False) -> None:
        super().__init__(parent)
        self.muted = muted
        self._effects: dict[str, object] | None = None
        self.last_played: str | None = None  # for tests and the status bar

    def play(self, status: str) -> None:
        self.last_played = status
        if self.muted:
            return
        effect = self._load().get(status)
        if effect is not None:
            effect.play()

    def _load(self) -> dict[str, object]:
        if self._effects is None:
            self._effects = {}
            # QtMultimedia lists every codec library it cannot find; a desk without them is fine.
            os.environ.setdefault("QT_LOGGING_RULES", "qt.multimedia*=false")
            try:
                from PySide6.QtMultimedia import QSoundEffect
            except ImportError as error:  # no libpulse: a silent desk still works
                log.info("no sound: %s", error)
                return self._effects
            for status, name in SOUND_FILES.items():
                effect = QSoundEffect(self)
                effect.setSource(QUrl.fromLocalFile(str(resource("sounds", name))))
                effect.setVolume(0.8)
                self._effects[status] = effect
        return self._effects
