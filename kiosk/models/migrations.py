"""Numbered schema migrations, tracked in ``PRAGMA user_version``.

Each migration is a function taking the database; they run in order inside one transaction each.
Later migrations use ``playhouse.migrate.SqliteMigrator`` for column changes.
"""

from __future__ import annotations

from collections.abc import Callable

from peewee import SqliteDatabase


def _m0001_initial(database: SqliteDatabase) -> None:
    from kiosk.models import tables

    # The tables of schema 1, named one by one: later migrations add theirs.
    database.create_tables(
        [
            tables.Event, tables.Session, tables.Guest, tables.Checkin, tables.CheckinUndo, tables.Credential,
            tables.PublicKey, tables.Device, tables.OperatorShift, tables.SearchKey, tables.OrgKey,
            tables.LocalSetting, tables.Refusal, tables.JournalEntry,
        ]
    )
    database.execute_sql("CREATE INDEX IF NOT EXISTS guest_category_state ON guest (category, state, arrived_at)")
    database.execute_sql("CREATE INDEX IF NOT EXISTS journal_entry_kind ON journal_entry (kind, applied)")


def _m0002_print_jobs(database: SqliteDatabase) -> None:
    from kiosk.models.tables import PrintJob

    database.create_tables([PrintJob])


def _m0003_alerts(database: SqliteDatabase) -> None:
    from kiosk.models.tables import Alert

    database.create_tables([Alert])


def _m0004_agreements(database: SqliteDatabase) -> None:
    from kiosk.models.tables import Agreement, AgreementSetting, AgreementStep

    database.create_tables([Agreement, AgreementStep, AgreementSetting])


def _m0005_unindex_arrival(database: SqliteDatabase) -> None:
    # The scan path's commit writes one page fewer without it (see Guest.arrived_at).
    database.execute_sql("DROP INDEX IF EXISTS guest_arrived_at")


MIGRATIONS: tuple[Callable[[SqliteDatabase], None], ...] = (
    _m0001_initial,
    _m0002_print_jobs,
    _m0003_alerts,
    _m0004_agreements,
    _m0005_unindex_arrival,
)
SCHEMA_VERSION = len(MIGRATIONS)


class NewerSchema(RuntimeError):
    """The database was written by a newer version of Forum Kiosk."""


def migrate(database: SqliteDatabase) -> int:
    """Apply every migration above the file's ``user_version``; returns the version now in force."""
    current = database.execute_sql("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise NewerSchema(f"schema {current} > {SCHEMA_VERSION}")
    for number in range(current, SCHEMA_VERSION):
        with database.atomic("IMMEDIATE"):
            MIGRATIONS[number](database)
            database.execute_sql(f"PRAGMA user_version = {number + 1}")
    return SCHEMA_VERSION
