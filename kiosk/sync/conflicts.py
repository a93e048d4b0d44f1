"""Conflicts a person should look at, derived from the journal alone (no extra state).

- ``double_arrival``: a guest with two or more live (not undone) check-ins of kind "arrival" —
  checked in at two desks while they could not see each other. The guest stays arrived once (the
  earliest); the other entries are kept and listed here.
- ``concurrent_edit``: two ``guest.set`` entries from different devices that set the same field of
  the same guest to different values, with HLC times within ``CONCURRENT_WINDOW_MS`` of each other.
  Last writer wins already decided the value; this lists the edits a person may want to check.

  The journal does not record what a device had seen when it wrote an entry, so true concurrency
  (neither writer had observed the other's edit) cannot be known exactly. An HLC only guarantees
  that a device which had seen edit A stamps its later edit B above A; it cannot prove the
  converse. The approximation: edits close in time by two different devices most likely crossed
  while the devices were offline or between syncs. Edits far apart are taken as sequential. A
  guest's first ``guest.set`` (creation or import) is the baseline every later edit starts from,
  not an edit, and two edits that wrote the same value do not conflict.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from peewee import fn

from kiosk.models.clock import hlc_ms
from kiosk.models.database import db
from kiosk.models.journal import Entry
from kiosk.models.tables import JournalEntry
from kiosk.sync.client import wire

CONCURRENT_WINDOW_MS = 10 * 60 * 1000


@dataclass(frozen=True)
class Conflict:
    kind: str
    guest: str | None
    entries: list[Entry] = field(default_factory=list)
    field: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "kind": self.kind,
            "guest": self.guest,
            "entries": [wire(entry) for entry in self.entries],
        }
        if self.field is not None:
            data["field"] = self.field
        return data


def _entries(kinds: tuple[str, ...], key: str, values: list[str]):
    """The journal entries of ``kinds`` whose payload ``key`` is one of ``values``."""
    for start in range(0, len(values), 500):
        chunk = values[start : start + 500]
        query = (
            JournalEntry.select()
            .where(JournalEntry.kind.in_(kinds), fn.json_extract(JournalEntry.payload, f"$.{key}").in_(chunk))
            .order_by(JournalEntry.seq)
        )
        for row in query.iterator():
            yield Entry.from_row(row)


def _column(sql: str) -> list[str]:
    return [row[0] for row in db.execute_sql(sql) if isinstance(row[0], str)]


def find_conflicts() -> list[Conflict]:
    """Every conflict in this replica's journal (run with the desk's database open)."""
    return double_arrivals() + concurrent_edits()


def double_arrivals() -> list[Conflict]:
    # The check-in table is the fold of these entries: it finds the few guests worth reading about.
    guests = _column(
        "SELECT guest_id FROM checkin WHERE kind = 'arrival' AND undone = 0 GROUP BY guest_id HAVING count(*) > 1"
    )
    checkins = [
        row[0]
        for start in range(0, len(guests), 500)
        for row in db.execute_sql(
            f"SELECT id FROM checkin WHERE guest_id IN ({','.join('?' * len(guests[start : start + 500]))})",
            guests[start : start + 500],
        )
    ]
    arrivals: dict[str, list[Entry]] = {}
    undone: set[str] = set()
    for entry in _entries(("checkin", "checkin.undo"), "checkin_id", checkins):
        checkin_id = entry.payload.get("checkin_id")
        if entry.kind == "checkin.undo":
            undone.add(str(checkin_id))
        elif entry.payload.get("kind", "arrival") != "reentry" and isinstance(entry.payload.get("guest_id"), str):
            arrivals.setdefault(entry.payload["guest_id"], []).append(entry)
    conflicts = []
    for guest_id, entries in arrivals.items():
        live = [entry for entry in entries if entry.payload.get("checkin_id") not in undone]
        if len(live) >= 2:
            live.sort(key=lambda e: (e.payload.get("at", 0), str(e.payload.get("checkin_id"))))
            conflicts.append(Conflict("double_arrival", guest_id, live))
    return sorted(conflicts, key=lambda c: c.guest or "")


def concurrent_edits() -> list[Conflict]:
    guests = _column(
        "SELECT json_extract(payload, '$.guest_id') AS guest FROM journal_entry WHERE kind = 'guest.set'"
        " GROUP BY guest HAVING count(DISTINCT device) > 1"
    )
    by_guest: dict[str, list[Entry]] = {}
    for entry in _entries(("guest.set",), "guest_id", guests):
        guest_id, fields = entry.payload.get("guest_id"), entry.payload.get("fields")
        if isinstance(guest_id, str) and isinstance(fields, dict):
            by_guest.setdefault(guest_id, []).append(entry)
    edits: dict[tuple[str, str], list[tuple[Entry, str]]] = {}
    for guest_id, entries in by_guest.items():
        creation = min(entries, key=lambda e: (e.hlc, e.device))
        for entry in entries:
            if entry is not creation:
                _collect(edits, guest_id, entry)
    conflicts = []
    for (guest_id, name), versions in edits.items():
        if len({entry.device for entry, _value in versions}) < 2:
            continue
        versions.sort(key=lambda pair: (pair[0].hlc, pair[0].device))
        involved: dict[str, Entry] = {}
        for index, (a, value_a) in enumerate(versions):
            for b, value_b in versions[index + 1 :]:
                if hlc_ms(b.hlc) - hlc_ms(a.hlc) > CONCURRENT_WINDOW_MS:
                    break
                if a.device != b.device and value_a != value_b:
                    involved[a.id] = a
                    involved[b.id] = b
        if involved:
            ordered = sorted(involved.values(), key=lambda e: (e.hlc, e.device))
            conflicts.append(Conflict("concurrent_edit", guest_id, ordered, name))
    return sorted(conflicts, key=lambda c: (c.guest or "", c.field or ""))


def _collect(edits: dict[tuple[str, str], list[tuple[Entry, str]]], guest_id: str, entry: Entry) -> None:
    for name, value in entry.payload["fields"].items():
        encoded = json.dumps(value, ensure_ascii=False, sort_keys=True)
        edits.setdefault((guest_id, str(name)), []).append((entry, encoded))
