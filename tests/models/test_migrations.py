"""Schema versions live in PRAGMA user_version; numbered migrations bring old files up to date."""

from __future__ import annotations

import sqlite3

import pytest

from kiosk.models import database, migrations
from kiosk.models.database import db


def test_a_new_database_gets_every_migration_and_the_pragmas(tmp_path):
    database.open_database(tmp_path / "new.sqlite3")
    try:
        assert db.execute_sql("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION
        assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert db.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    finally:
        db.close()


def test_an_old_file_is_migrated_step_by_step(tmp_path):
    path = tmp_path / "old.sqlite3"
    database.open_database(path)
    db.close()
    # Make it a schema-1 file: drop what later migrations add and set the version back.
    connection = sqlite3.connect(path)
    for table in ("print_job", "alert"):
        connection.execute(f"DROP TABLE IF EXISTS {table}")
    connection.execute("PRAGMA user_version = 1")
    connection.commit()
    connection.close()
    database.open_database(path)
    try:
        assert db.execute_sql("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION
        tables = {row[0] for row in db.execute_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"print_job", "alert"} <= tables
    finally:
        db.close()


def test_a_file_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "future.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 1}")
    connection.commit()
    connection.close()
    with pytest.raises(migrations.NewerSchema):
        database.open_database(path)
    db.close()
