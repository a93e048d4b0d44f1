"""The event database: one SQLite file per data folder, opened with the pragmas a kiosk needs.

``db`` is created unbound (Peewee's recommended pattern) and bound by :func:`open_database`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from peewee import Model, SqliteDatabase

DATABASE_FILE = "event.sqlite3"

# synchronous=FULL: a check-in shown green must survive the kiosk being unplugged.
# wal_autocheckpoint=0: checkpoints never run inside a scan's commit; Maintenance runs them when idle.
PRAGMAS: dict[str, object] = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "full",
    "wal_autocheckpoint": 0,
    "busy_timeout": 15000,
    "cache_size": -32000,
    "temp_store": "memory",
}

db = SqliteDatabase(None)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


def open_database(path: Path) -> SqliteDatabase:
    """Bind ``db`` to the file at ``path`` (created if missing) and bring its schema up to date."""
    from kiosk.models.migrations import migrate

    if not db.is_closed():
        db.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    db.init(str(path), pragmas=PRAGMAS)
    db.connect(reuse_if_open=True)
    migrate(db)
    return db


def close_database() -> None:
    if db.database and not db.is_closed():
        checkpoint()
        db.close()


def checkpoint(mode: str = "PASSIVE") -> None:
    """Fold the WAL back into the database file. Call when idle, never on the scan path."""
    if mode not in {"PASSIVE", "FULL", "RESTART", "TRUNCATE"}:
        raise ValueError(mode)
    db.execute_sql(f"PRAGMA wal_checkpoint({mode})")


def integrity_check(path: Path) -> str:
    """``PRAGMA integrity_check`` of the file at ``path``, through a separate plain connection."""
    connection = sqlite3.connect(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def backup_to(target: Path) -> None:
    """Copy the open database to ``target`` with SQLite's online backup API (consistent while in use)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    source = db.connection()
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()
