"""Applying journal entries to the state tables: deterministic, idempotent, order-independent.

Rules (ARCHITECTURE.md, merge rules):
- check-ins and re-entries are facts; a guest's arrival is the earliest live one (by time, then id);
- an undo is a tombstone, so an undo that arrives before its check-in still ends undone;
- edits are per field, last writer wins by (HLC, device id);
- nothing is deleted: cancelling a guest is an edit of its ``state`` field.

Any replica that has applied the same set of entries holds the same rows, whatever the order.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from kiosk.models.database import db
from kiosk.models.search_keys import guest_keys, organisation_keys
from kiosk.models.tables import STATE_TABLES

if TYPE_CHECKING:
    from kiosk.models.journal import Entry

GUEST_FIELDS = (
    "name",
    "organisation",
    "title",
    "category",
    "phone",
    "email",
    "plain_code",
    "state",
    "note",
    "walk_in",
)
_INDEXED_FIELDS = {"name", "organisation", "phone", "plain_code"}
EVENT_FIELDS = ("name", "date", "venue", "timezone")
SESSION_FIELDS = ("name", "categories", "starts", "ends")
ALERT_FIELDS = ("kind", "message", "station", "device", "raised_at", "resolved")
PRINT_JOB_FIELDS = (
    "guest_id", "kind", "layout", "printer", "copies", "state", "attempts", "reason", "error", "system_job",
    "device", "created_at", "updated_at",
)

Applier = Callable[["Entry"], None]
_APPLIERS: dict[str, Applier] = {}


def applier(kind: str) -> Callable[[Applier], Applier]:
    def register(function: Applier) -> Applier:
        _APPLIERS[kind] = function
        return function

    return register


def knows(kind: str) -> bool:
    return kind in _APPLIERS


def apply_many(entries: Sequence[Entry]) -> None:
    """Apply entries of known kinds, in the order given (the result does not depend on it)."""
    new_guests = _bulk_new_guests(entries)
    for entry in entries:
        if entry.kind == "guest.set" and entry.id in new_guests:
            continue
        _APPLIERS[entry.kind](entry)


def clear_state() -> None:
    for table in STATE_TABLES:
        table.delete().execute()


def _stamp(entry: Entry) -> list:
    return [entry.hlc, entry.device]


def _winning_fields(versions: dict[str, list], fields: dict[str, Any], entry: Entry) -> dict[str, Any]:
    """The fields of ``fields`` whose version beats the stored one; updates ``versions`` in place."""
    stamp = _stamp(entry)
    winners = {}
    for name, value in fields.items():
        current = versions.get(name)
        if current is None or stamp > current:
            winners[name] = value
            versions[name] = stamp
    return winners


def _clean_fields(payload_fields: object, allowed: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(payload_fields, dict):
        return {}
    return {name: value for name, value in payload_fields.items() if name in allowed}


# --- guests -----------------------------------------------------------------------------------------


def _keys_of(row: dict[str, Any]) -> list[tuple[str, int]]:
    # Organisations are searched through org_key (substrings of each distinct organisation).
    return guest_keys(row["name"], "", row["phone"], row["plain_code"])


def _index_guest(connection, guest_id: str, row: dict[str, Any], old: dict[str, Any] | None) -> None:
    if old is not None:
        connection.executemany(
            "DELETE FROM search_key WHERE key = ? AND rank = ? AND guest_id = ?",
            [(key, rank, guest_id) for key, rank in _keys_of(old)],
        )
    connection.executemany(
        "INSERT OR IGNORE INTO search_key (key, rank, guest_id) VALUES (?, ?, ?)",
        [(key, rank, guest_id) for key, rank in _keys_of(row)],
    )
    _index_organisation(connection, row["organisation"])


def _index_organisation(connection, organisation: str) -> None:
    if not organisation:
        return
    exists = connection.execute("SELECT 1 FROM org_key WHERE organisation = ? LIMIT 1", (organisation,)).fetchone()
    if not exists:
        connection.executemany(
            "INSERT OR IGNORE INTO org_key (key, organisation) VALUES (?, ?)",
            [(key, organisation) for key in organisation_keys(organisation)],
        )


_GUEST_COLUMNS = ("id", *GUEST_FIELDS, "stub", "versions")


def _bulk_new_guests(entries: Sequence[Entry]) -> set[str]:
    """Insert, in bulk, the guests that ``guest.set`` entries create; returns those entries' ids.

    Only a guest's first ``guest.set`` in the batch, for a guest not yet stored, takes this path; the
    result is the same as applying it alone (every field wins against no version).
    """
    candidates: dict[str, Entry] = {}
    for entry in entries:
        if entry.kind == "guest.set":
            guest_id = entry.payload.get("guest_id")
            if isinstance(guest_id, str) and guest_id not in candidates:
                candidates[guest_id] = entry
    if len(candidates) < 50:
        return set()
    connection = db.connection()
    ids = list(candidates)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for (existing,) in connection.execute(f"SELECT id FROM guest WHERE id IN ({marks})", chunk):
            del candidates[existing]
    rows = []
    new_rows: list[dict[str, Any]] = []
    organisations = set()
    as_tuple = itemgetter(*_GUEST_COLUMNS)
    for guest_id, entry in candidates.items():
        fields = _clean_fields(entry.payload.get("fields"), GUEST_FIELDS)
        row = _new_guest_row(guest_id, fields, entry)
        rows.append(as_tuple(row))
        new_rows.append(row)
        organisations.add(row["organisation"])
    columns = ", ".join(_GUEST_COLUMNS)
    marks = ", ".join("?" * len(_GUEST_COLUMNS))
    connection.executemany(f"INSERT INTO guest ({columns}) VALUES ({marks})", rows)
    key_rows: list[tuple[str, int, str]] = []
    for row in new_rows:
        guest_id = row["id"]
        key_rows += [(key, rank, guest_id) for key, rank in _keys_of(row)]
    # In index order: appending to the B-tree is several times faster than inserting at random places.
    key_rows.sort(key=itemgetter(0))
    connection.executemany("INSERT OR IGNORE INTO search_key (key, rank, guest_id) VALUES (?, ?, ?)", key_rows)
    for organisation in organisations:
        _index_organisation(connection, organisation)
    return {entry.id for entry in candidates.values()}


_GUEST_DEFAULTS: dict[str, Any] = {
    "name": "",
    "organisation": "",
    "title": "",
    "category": "guest",
    "phone": "",
    "email": "",
    "plain_code": "",
    "state": "registered",
    "note": "",
    "walk_in": False,
}


def _new_guest_row(guest_id: str, fields: dict[str, Any], entry: Entry) -> dict[str, Any]:
    row = dict(_GUEST_DEFAULTS)
    row.update(fields)
    row["id"] = guest_id
    row["stub"] = False
    # Same text as json.dumps(..., sort_keys=True), built from a cached template: this runs once per
    # imported guest, and the guests of one import share their field names and device.
    prefixes, suffix = _versions_parts(tuple(fields), entry.device)
    hlc = str(entry.hlc)
    row["versions"] = "{" + ",".join(prefix + hlc + suffix for prefix in prefixes) + "}"
    return row


@lru_cache(maxsize=64)
def _versions_parts(field_names: tuple[str, ...], device: str) -> tuple[tuple[str, ...], str]:
    return tuple(f"{json.dumps(name)}:[" for name in sorted(field_names)), f",{json.dumps(device)}]"


@applier("guest.set")
def _apply_guest_set(entry: Entry) -> None:
    guest_id = entry.payload.get("guest_id")
    if not isinstance(guest_id, str):
        return
    fields = _clean_fields(entry.payload.get("fields"), GUEST_FIELDS)
    connection = db.connection()
    found = connection.execute(f"SELECT {', '.join(_GUEST_COLUMNS)} FROM guest WHERE id = ?", (guest_id,)).fetchone()
    if found is None:
        row = _new_guest_row(guest_id, fields, entry)
        columns = ", ".join(_GUEST_COLUMNS)
        marks = ", ".join("?" * len(_GUEST_COLUMNS))
        connection.execute(f"INSERT INTO guest ({columns}) VALUES ({marks})", tuple(row[c] for c in _GUEST_COLUMNS))
        _index_guest(connection, guest_id, row, None)
        return
    row = dict(zip(_GUEST_COLUMNS, found, strict=True))
    old = dict(row)
    versions = json.loads(row["versions"])
    winners = _winning_fields(versions, fields, entry)
    if not winners and not row["stub"]:
        return
    row.update(winners)
    assignments = ", ".join(f"{name} = ?" for name in winners)
    connection.execute(
        f"UPDATE guest SET {assignments}{', ' if winners else ''}stub = 0, versions = ? WHERE id = ?",
        (*winners.values(), json.dumps(versions, separators=(",", ":"), sort_keys=True), guest_id),
    )
    if _INDEXED_FIELDS & winners.keys() or row["stub"]:
        _index_guest(connection, guest_id, row, None if row["stub"] else old)


# --- check-ins -------------------------------------------------------------------------------------


@applier("checkin")
def _apply_checkin(entry: Entry) -> None:
    p = entry.payload
    checkin_id, guest_id, at = p.get("checkin_id"), p.get("guest_id"), p.get("at")
    if not (isinstance(checkin_id, str) and isinstance(guest_id, str) and isinstance(at, int)):
        return
    connection = db.connection()
    undone = connection.execute("SELECT 1 FROM checkin_undo WHERE checkin_id = ?", (checkin_id,)).fetchone()
    inserted = connection.execute(
        "INSERT OR IGNORE INTO checkin (id, guest_id, kind, station, session, device, operator, at, undone)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            checkin_id,
            guest_id,
            "reentry" if p.get("kind") == "reentry" else "arrival",
            str(p.get("station", "")),
            str(p.get("session", "")),
            entry.device,
            entry.operator,
            at,
            bool(undone),
        ),
    ).rowcount
    guest = connection.execute("SELECT arrived_at, arrival_checkin FROM guest WHERE id = ?", (guest_id,)).fetchone()
    if guest is None:
        # A validly signed guest this replica does not know yet: keep a stub until its guest.set arrives.
        category = p.get("category") if isinstance(p.get("category"), str) else "guest"
        connection.execute(
            "INSERT INTO guest (id, category, stub, versions) VALUES (?, ?, 1, '{}')", (guest_id, category)
        )
        guest = (None, None)
    if inserted and not undone and (guest[0] is None or (at, checkin_id) < (guest[0], guest[1])):
        connection.execute(
            "UPDATE guest SET arrived_at = ?, arrived_station = ?, arrival_checkin = ? WHERE id = ?",
            (at, str(p.get("station", "")), checkin_id, guest_id),
        )


@applier("checkin.undo")
def _apply_undo(entry: Entry) -> None:
    checkin_id = entry.payload.get("checkin_id")
    if not isinstance(checkin_id, str):
        return
    connection = db.connection()
    # Two desks may undo the same check-in: every replica keeps the earliest undo, by (time, device).
    connection.execute(
        "INSERT INTO checkin_undo (checkin_id, at, device, operator) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (checkin_id) DO UPDATE SET at = excluded.at, device = excluded.device,"
        " operator = excluded.operator"
        " WHERE (excluded.at, excluded.device, excluded.operator) < (checkin_undo.at, checkin_undo.device,"
        " checkin_undo.operator)",
        (checkin_id, entry.wall_time, entry.device, entry.operator),
    )
    connection.execute("UPDATE checkin SET undone = 1 WHERE id = ?", (checkin_id,))
    found = connection.execute("SELECT guest_id FROM checkin WHERE id = ?", (checkin_id,)).fetchone()
    if found:
        recompute_arrival(found[0])


def recompute_arrival(guest_id: str) -> None:
    connection = db.connection()
    earliest = connection.execute(
        "SELECT id, at, station FROM checkin WHERE guest_id = ? AND undone = 0 ORDER BY at, id LIMIT 1",
        (guest_id,),
    ).fetchone()
    if earliest is None:
        connection.execute(
            "UPDATE guest SET arrived_at = NULL, arrived_station = NULL, arrival_checkin = NULL WHERE id = ?",
            (guest_id,),
        )
    else:
        connection.execute(
            "UPDATE guest SET arrived_at = ?, arrived_station = ?, arrival_checkin = ? WHERE id = ?",
            (earliest[1], earliest[2], earliest[0], guest_id),
        )


# --- event, sessions, keys, devices, operators, credentials --------------------------------------------


def _apply_versioned(table: str, key_column: str, key: str, fields: dict[str, Any], entry: Entry) -> None:
    connection = db.connection()
    found = connection.execute(f"SELECT versions FROM {table} WHERE {key_column} = ?", (key,)).fetchone()
    if found is None:
        connection.execute(f"INSERT INTO {table} ({key_column}, versions) VALUES (?, '{{}}')", (key,))
        versions: dict[str, list] = {}
    else:
        versions = json.loads(found[0])
    winners = _winning_fields(versions, fields, entry)
    if winners:
        assignments = ", ".join(f"{name} = ?" for name in winners)
        connection.execute(
            f"UPDATE {table} SET {assignments}, versions = ? WHERE {key_column} = ?",
            (*winners.values(), json.dumps(versions, separators=(",", ":"), sort_keys=True), key),
        )


@applier("event.set")
def _apply_event_set(entry: Entry) -> None:
    event_id = entry.payload.get("event_id")
    if isinstance(event_id, str):
        fields = _clean_fields(entry.payload.get("fields"), EVENT_FIELDS)
        _apply_versioned("event", "id", event_id, fields, entry)


@applier("session.set")
def _apply_session_set(entry: Entry) -> None:
    code = entry.payload.get("code")
    if isinstance(code, str):
        fields = _clean_fields(entry.payload.get("fields"), SESSION_FIELDS)
        if "categories" in fields:
            fields["categories"] = json.dumps(fields["categories"], ensure_ascii=False)
        _apply_versioned("session", "code", code, fields, entry)


@applier("key.add")
def _apply_key_add(entry: Entry) -> None:
    p = entry.payload
    try:
        key_id, public_key = str(p["key_id"]), bytes.fromhex(p["public_key"])
        certificate = bytes.fromhex(p["certificate"]) if p.get("certificate") else None
    except (KeyError, ValueError, TypeError):
        return
    connection = db.connection()
    connection.execute(
        "INSERT OR IGNORE INTO public_key (key_id, public_key, owner, device_id, certificate) VALUES (?, ?, ?, ?, ?)",
        (key_id, public_key, str(p.get("owner", "device")), str(p.get("device_id", "")), certificate),
    )
    if certificate is not None:
        # Several certifications of one key: keep the smallest, so every replica keeps the same one.
        connection.execute(
            "UPDATE public_key SET certificate = ? WHERE key_id = ? AND (certificate IS NULL OR certificate > ?)",
            (certificate, key_id, certificate),
        )


@applier("device.register")
def _apply_device_register(entry: Entry) -> None:
    p = entry.payload
    device_id = p.get("device_id")
    if isinstance(device_id, str):
        db.connection().execute(
            "INSERT OR IGNORE INTO device (id, name, key_id, copied_from) VALUES (?, ?, ?, ?)",
            (device_id, str(p.get("name", "")), str(p.get("key_id", "")), str(p.get("copied_from", ""))),
        )


@applier("operator.shift")
def _apply_operator_shift(entry: Entry) -> None:
    p = entry.payload
    db.connection().execute(
        "INSERT OR IGNORE INTO operator_shift (id, device, station, operator, started_at) VALUES (?, ?, ?, ?, ?)",
        (entry.id, entry.device, str(p.get("station", "")), entry.operator, entry.wall_time),
    )


@applier("credential.issue")
def _apply_credential_issue(entry: Entry) -> None:
    p = entry.payload
    try:
        row = (str(p["guest_id"]), int(p["serial"]), str(p["key_id"]), str(p["text"]), entry.wall_time)
    except (KeyError, ValueError, TypeError):
        return
    db.connection().execute(
        "INSERT OR IGNORE INTO credential (guest_id, serial, key_id, text, issued_at) VALUES (?, ?, ?, ?, ?)",
        row,
    )


@applier("print.job")
def _apply_print_job(entry: Entry) -> None:
    job_id = entry.payload.get("job_id")
    if isinstance(job_id, str):
        fields = {
            name: value
            for name, value in _clean_fields(entry.payload.get("fields"), PRINT_JOB_FIELDS).items()
            if isinstance(value, (str, int)) and not isinstance(value, bool)
        }
        _apply_versioned("print_job", "id", job_id, fields, entry)


@applier("alert.set")
def _apply_alert(entry: Entry) -> None:
    alert_id = entry.payload.get("alert_id")
    if isinstance(alert_id, str):
        fields = {
            name: value
            for name, value in _clean_fields(entry.payload.get("fields"), ALERT_FIELDS).items()
            if isinstance(value, (str, int))
        }
        _apply_versioned("alert", "id", alert_id, fields, entry)


from kiosk.models import agreements as _agreements  # noqa: E402,F401  (registers appliers)
