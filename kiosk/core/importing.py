"""Importing the organiser's guest list: all or nothing, merged with what the desk already has.

A file with any bad row imports nothing and reports every bad row. Importing an updated list again
merges: new guests are added, changed fields are updated (journalled), nobody is removed, and an
empty cell never erases what the desk knows. ``dry_run`` reports the same without writing.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.core.backup import backup_now
from kiosk.core.desk import Desk
from kiosk.core.guest_file import GuestRow, read_guest_file
from kiosk.models.database import checkpoint, db
from kiosk.models.ids import uuid7
from kiosk.models.search_keys import normalise

IMPORTED_FIELDS = ("name", "organisation", "title", "category", "phone", "email", "plain_code", "note")


@dataclass
class ImportReport:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)  # per updated guest: field → [old, new]
    encoding: str = ""
    dry_run: bool = False
    backup: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "duplicates": self.duplicates,
            "errors": self.errors,
            "changes": self.changes,
            "encoding": self.encoding,
            "dry_run": self.dry_run,
        }


def import_guests(
    desk: Desk, path: Path, *, dry_run: bool = False, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    parsed = read_guest_file(Path(path), progress)
    report = ImportReport(encoding=parsed.encoding, dry_run=dry_run)
    report.errors = [{"row": problem.row, "message": problem.message} for problem in parsed.errors]
    report.duplicates = [
        {"row": d.row, "first_row": d.first_row, "reason": d.reason, "name": d.name} for d in parsed.duplicates
    ]
    if report.errors:
        return report
    if not dry_run:
        report.backup = str(backup_now(desk.data_dir, "before-import"))
    # Millions of short-lived tuples: the cycle collector would walk them again and again for nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        with desk.write():
            payloads = _plan(parsed.rows, report)
            if not dry_run and payloads:
                entries = [desk.journal.make("guest.set", payload, desk.operator) for payload in payloads]
                desk.journal.record_entries(entries)
    finally:
        if collecting:
            gc.enable()
    if not dry_run:
        checkpoint()  # a bulk write: fold the WAL now, not later on a scan's path
    return report


class _Existing:
    """The desk's guests, indexed the ways a file row can match one."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}
        self.by_code: dict[str, str] = {}
        self.by_phone: dict[str, str] = {}
        self.by_name_org: dict[tuple[str, str], str] = {}
        columns = ("id", *IMPORTED_FIELDS)
        for values in db.connection().execute(f"SELECT {', '.join(columns)} FROM guest WHERE stub = 0"):
            row = dict(zip(columns, values, strict=True))
            self.add(row, _name_org(row["name"], row["organisation"]))

    def add(self, row: dict[str, Any], name_org: tuple[str, str] | None) -> None:
        guest_id = row["id"]
        self.rows[guest_id] = row
        if row["plain_code"]:
            self.by_code.setdefault(row["plain_code"], guest_id)
        if row["phone"]:
            self.by_phone.setdefault(row["phone"], guest_id)
        if name_org is not None:
            self.by_name_org.setdefault(name_org, guest_id)

    def match(self, row: GuestRow, name_org: tuple[str, str] | None) -> str | None:
        return (
            (row.plain_code and self.by_code.get(row.plain_code))
            or (row.phone and self.by_phone.get(row.phone))
            or (name_org is not None and self.by_name_org.get(name_org))
            or None
        )


def _name_org(name: str, organisation: str) -> tuple[str, str]:
    return normalise(name), normalise(organisation)


def _plan(rows: list[GuestRow], report: ImportReport) -> list[dict[str, Any]]:
    existing = _Existing()
    # The reader already took out the file's own same-name-and-organisation duplicates: names need
    # normalising only to match guests the desk had before (none, on a first import).
    by_name = bool(existing.rows)
    payloads: list[dict[str, Any]] = []
    matched: dict[str, int] = {}
    for row in rows:
        values = {name: getattr(row, name) for name in IMPORTED_FIELDS}
        name_org = _name_org(row.name, row.organisation) if by_name else None
        guest_id = existing.match(row, name_org)
        if guest_id is None:
            guest_id = uuid7()
            payloads.append({"guest_id": guest_id, "fields": values})
            existing.add({"id": guest_id, **values}, name_org)
            matched[guest_id] = row.row
            report.imported += 1
            continue
        if guest_id in matched:
            report.duplicates.append(
                {"row": row.row, "first_row": matched[guest_id], "reason": "same_guest", "name": row.name}
            )
            continue
        matched[guest_id] = row.row
        current = existing.rows[guest_id]
        changed = {name: value for name, value in values.items() if value and value != current[name]}
        if not changed:
            report.unchanged += 1
            continue
        payloads.append({"guest_id": guest_id, "fields": changed})
        report.changes.append(
            {"row": row.row, "guest_id": guest_id, "name": current["name"],
             "fields": {name: [current[name], value] for name, value in changed.items()}}
        )
        report.updated += 1
    return payloads
