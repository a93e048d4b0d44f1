"""Automatic backups of the event database (SQLite online backup): on a timer and before imports."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from pathlib import Path

from kiosk.models.database import backup_to

BACKUP_DIR = "backups"
KEEP = 24


def backup_now(data_dir: Path, reason: str = "auto") -> Path:
    """Copy the open database into ``data_dir/backups/``; keeps the newest ``KEEP`` copies."""
    folder = data_dir / BACKUP_DIR
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"event-{stamp}-{reason}.sqlite3"
    backup_to(target)
    for old in sorted(folder.glob("event-*.sqlite3"))[:-KEEP]:
        old.unlink(missing_ok=True)
    return target


class BackupScheduler:
    """Backs up every ``interval`` seconds on its own thread (its own SQLite connection)."""

    def __init__(self, data_dir: Path, interval: float = 600.0) -> None:
        self.data_dir = data_dir
        self.interval = interval
        self.last: Path | None = None
        self.error: Exception | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="backup", daemon=True)

    def start(self) -> BackupScheduler:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _run(self) -> None:
        from kiosk.models.database import db

        next_run = time.monotonic() + self.interval
        while not self._stop.wait(max(0.0, next_run - time.monotonic())):
            try:
                self.last = backup_now(self.data_dir)
                self.error = None
            except Exception as error:
                self.error = error
            next_run = time.monotonic() + self.interval
        if not db.is_closed():
            db.close()
