"""The append-only journal, the only way state changes.

``Journal.record`` writes one entry and applies it to the state tables; the caller holds the write
transaction, so the state change and its entry commit together or not at all. ``Journal.ingest``
takes entries made elsewhere (sync, bundles), skipping those already here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kiosk.models import projection
from kiosk.models.clock import HybridClock, wall_ms
from kiosk.models.database import db
from kiosk.models.ids import uuid7
from kiosk.models.tables import JournalEntry

SCHEMA_VERSION = 1
_MAX_PAYLOAD = 256 * 1024
# Kinds that change only this replica and never leave it (sync and bundles skip them): purging a
# desk's personal data after the event must not purge the organiser's hub or the other desks.
LOCAL_KINDS = frozenset({"guest.purge"})


class NotInTransaction(RuntimeError):
    """Journal writes must run inside the caller's write transaction."""


class BadEntry(ValueError):
    """An entry from outside (sync, bundle) that is not well formed."""


@dataclass(frozen=True)
class Entry:
    id: str
    device: str
    operator: str
    hlc: int
    wall_time: int
    kind: str
    schema_version: int
    payload: dict[str, Any] = field(default_factory=dict)

    def to_wire(self) -> dict[str, Any]:
        # Not dataclasses.asdict: it deep-copies the payload, ten times slower on the sync path.
        return {
            "id": self.id,
            "device": self.device,
            "operator": self.operator,
            "hlc": self.hlc,
            "wall_time": self.wall_time,
            "kind": self.kind,
            "schema_version": self.schema_version,
            "payload": self.payload,
        }

    @classmethod
    def from_wire(cls, data: object) -> Entry:
        """Check an entry received from outside; raises BadEntry naming what is wrong."""
        if not isinstance(data, dict):
            raise BadEntry("entry is not an object")
        try:
            entry = cls(
                id=_text(data, "id", 64),
                device=_text(data, "device", 64),
                operator=_text(data, "operator", 100, allow_empty=True),
                hlc=_integer(data, "hlc"),
                wall_time=_integer(data, "wall_time"),
                kind=_text(data, "kind", 64),
                schema_version=_integer(data, "schema_version"),
                payload=data.get("payload"),  # type: ignore[arg-type]
            )
        except (KeyError, TypeError) as error:
            raise BadEntry(f"missing or wrong field: {error}") from None
        if not isinstance(entry.payload, dict):
            raise BadEntry("payload is not an object")
        if len(json.dumps(entry.payload, ensure_ascii=False)) > _MAX_PAYLOAD:
            raise BadEntry("payload too large")
        return entry

    @classmethod
    def from_row(cls, row: JournalEntry) -> Entry:
        return cls(
            id=row.id,
            device=row.device,
            operator=row.operator,
            hlc=row.hlc,
            wall_time=row.wall_time,
            kind=row.kind,
            schema_version=row.schema_version,
            payload=json.loads(row.payload),
        )


def _text(data: dict, key: str, limit: int, allow_empty: bool = False) -> str:
    value = data[key]
    if not isinstance(value, str) or len(value) > limit or (not value and not allow_empty):
        raise TypeError(key)
    return value


def _integer(data: dict, key: str) -> int:
    value = data[key]
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 1 << 63:
        raise TypeError(key)
    return value


_INSERT = (
    "INSERT INTO journal_entry (id, device, operator, hlc, wall_time, kind, schema_version, payload, applied)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class Journal:
    """Writes this device's entries and ingests others'. One instance per open database."""

    def __init__(self, device_id: str, clock: HybridClock | None = None) -> None:
        self.device_id = device_id
        if clock is None:
            last = JournalEntry.select(JournalEntry.hlc).order_by(JournalEntry.hlc.desc()).limit(1).scalar()
            clock = HybridClock(last or 0)
        self.clock = clock

    def make(self, kind: str, payload: dict[str, Any], operator: str) -> Entry:
        return Entry(
            id=uuid7(),
            device=self.device_id,
            operator=operator,
            hlc=self.clock.tick(),
            wall_time=wall_ms(),
            kind=kind,
            schema_version=SCHEMA_VERSION,
            payload=payload,
        )

    def record(self, kind: str, payload: dict[str, Any], operator: str) -> Entry:
        """Write one entry of this device and apply it. Must run inside a write transaction."""
        entry = self.make(kind, payload, operator)
        self.record_entries([entry])
        return entry

    def record_entries(self, entries: Sequence[Entry]) -> None:
        """Write and apply entries this device made (``make``). Must run inside a write transaction."""
        if not db.in_transaction():
            raise NotInTransaction("journal writes need the caller's transaction")
        known = [projection.knows(entry.kind) for entry in entries]
        db.connection().executemany(_INSERT, (_row(entry, ok) for entry, ok in zip(entries, known, strict=True)))
        projection.apply_many([entry for entry, ok in zip(entries, known, strict=True) if ok])

    def ingest(self, entries: Iterable[Entry]) -> list[Entry]:
        """Add entries made elsewhere; those already here are skipped (idempotent). Returns the new ones.

        Must run inside a write transaction. Entries of kinds this version does not know are kept,
        unapplied, and applied by a later version (``reapply_unknown``).
        """
        if not db.in_transaction():
            raise NotInTransaction("journal writes need the caller's transaction")
        batch = list({entry.id: entry for entry in entries}.values())
        if not batch:
            return []
        seen: set[str] = set()
        connection = db.connection()
        for start in range(0, len(batch), 500):
            ids = [entry.id for entry in batch[start : start + 500]]
            marks = ",".join("?" * len(ids))
            seen.update(
                row[0] for row in connection.execute(f"SELECT id FROM journal_entry WHERE id IN ({marks})", ids)
            )
        new = [entry for entry in batch if entry.id not in seen]
        for entry in new:
            self.clock.observe(entry.hlc)
        known = [projection.knows(entry.kind) for entry in new]
        connection.executemany(_INSERT, (_row(entry, ok) for entry, ok in zip(new, known, strict=True)))
        projection.apply_many([entry for entry, ok in zip(new, known, strict=True) if ok])
        return new


def _row(entry: Entry, applied: bool) -> tuple:
    return (
        entry.id,
        entry.device,
        entry.operator,
        entry.hlc,
        entry.wall_time,
        entry.kind,
        entry.schema_version,
        json.dumps(entry.payload, ensure_ascii=False, separators=(",", ":")),
        applied,
    )


def entries_after(seq: int, limit: int = 1000, *, include_local: bool = False) -> list[tuple[int, Entry]]:
    """This replica's entries with ``seq`` above the given one, in arrival order.

    Entries of LOCAL_KINDS are left out unless ``include_local`` (what leaves this replica never has them).
    """
    query = JournalEntry.select().where(JournalEntry.seq > seq)
    if not include_local:
        query = query.where(JournalEntry.kind.not_in(sorted(LOCAL_KINDS)))
    rows = query.order_by(JournalEntry.seq).limit(limit)
    return [(row.seq, Entry.from_row(row)) for row in rows]


def reapply_unknown() -> int:
    """Apply kept entries whose kind this version now knows. Run at start-up, in a transaction."""
    rows = list(JournalEntry.select().where(JournalEntry.applied == False).order_by(JournalEntry.seq))  # noqa: E712
    entries = [Entry.from_row(row) for row in rows if projection.knows(row.kind)]
    if entries:
        projection.apply_many(entries)
        ids = [entry.id for entry in entries]
        JournalEntry.update(applied=True).where(JournalEntry.id.in_(ids)).execute()
    return len(entries)


def rebuild_state() -> None:
    """Throw the state tables away and replay the whole journal. Must run inside a write transaction."""
    if not db.in_transaction():
        raise NotInTransaction("rebuild needs the caller's transaction")
    projection.clear_state()
    batch: list[Entry] = []
    for row in JournalEntry.select().order_by(JournalEntry.seq).iterator():
        if projection.knows(row.kind):
            batch.append(Entry.from_row(row))
        if len(batch) >= 5000:
            projection.apply_many(batch)
            batch = []
    projection.apply_many(batch)
