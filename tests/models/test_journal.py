"""The journal: state only through it, rebuildable, order-independent, unknown kinds kept."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.core.checkin import CheckinService
from kiosk.core.guests import GuestService
from kiosk.models import database
from kiosk.models.database import db
from kiosk.models.journal import Entry, Journal, NotInTransaction, entries_after, reapply_unknown, rebuild_state
from kiosk.models.tables import STATE_TABLES, JournalEntry
from tests.helpers.desks import add_guest


def dump_state(path: Path) -> dict[str, list[tuple]]:
    """Every state table's rows, sorted, read through a plain sqlite3 connection."""
    connection = sqlite3.connect(path)
    try:
        state = {}
        for table in STATE_TABLES:
            name = table._meta.table_name
            state[name] = sorted(connection.execute(f"SELECT * FROM {name}").fetchall(), key=repr)
        return state
    finally:
        connection.close()


def busy_day(desk) -> None:
    """Scans, re-entries, undos, edits, a cancellation and a walk-in."""
    service = CheckinService(desk)
    guests = GuestService(desk)
    codes = [add_guest(desk, name=f"嘉宾{i}", phone=f"1380000{i:04d}")[1] for i in range(12)]
    for code in codes[:8]:
        service.scan(code, "Desk 1")
    second = service.scan(codes[0], "Desk 2")
    service.undo(second.checkin_id)
    first = service.scan(codes[1], "Desk 1")
    service.undo(CheckinService(desk).scan(codes[2], "Desk 1").checkin_id)
    service.undo(first.checkin_id)
    some = guests.all()
    guests.update(some[3].id, {"title": "院长", "note": "VIP"})
    guests.update(some[3].id, {"title": "副院长"})
    guests.cancel(some[4].id)
    walk_in = guests.create({"name": "现场嘉宾", "organisation": "河口区人民政府", "category": "government"}, walk_in=True)
    service.check_in_guest(walk_in.id, "Desk 1")


def test_writes_need_a_transaction(desk):
    with pytest.raises(NotInTransaction):
        desk.journal.record("guest.set", {"guest_id": "x", "fields": {"name": "x"}}, "op")


def test_rebuilding_from_the_journal_gives_the_same_tables(desk):
    busy_day(desk)
    path = desk.data_dir / database.DATABASE_FILE
    before = dump_state(path)
    with desk.write():
        rebuild_state()
    assert dump_state(path) == before
    assert before["checkin"] and before["checkin_undo"] and before["search_key"]


def _replay(entries: list[Entry], path: Path) -> dict:
    database.open_database(path)
    journal = Journal("replayer")
    with db.atomic("IMMEDIATE"):
        journal.ingest(entries)
    state = dump_state(path)
    db.close()
    return state


def test_any_arrival_order_gives_the_same_state(desk, tmp_path):
    busy_day(desk)
    entries = [entry for _, entry in entries_after(0, limit=100_000)]
    expected = dump_state(desk.data_dir / database.DATABASE_FILE)
    desk.close()
    rng = random.Random(7)
    for attempt in range(4):
        shuffled = entries[:]
        rng.shuffle(shuffled)
        # Delivered one at a time, in a random order, with duplicates.
        database.open_database(tmp_path / f"r{attempt}.sqlite3")
        journal = Journal("replayer")
        for entry in shuffled + shuffled[: len(shuffled) // 3]:
            with db.atomic("IMMEDIATE"):
                journal.ingest([entry])
        state = dump_state(tmp_path / f"r{attempt}.sqlite3")
        db.close()
        assert state == expected, f"attempt {attempt}"
    # All at once (the bulk path) too.
    assert _replay(list(reversed(entries)), tmp_path / "bulk.sqlite3") == expected


def test_undo_that_arrives_before_its_check_in_still_ends_undone(desk, tmp_path):
    guest_id, code = add_guest(desk)
    verdict = CheckinService(desk).scan(code, "D")
    CheckinService(desk).undo(verdict.checkin_id)
    entries = [entry for _, entry in entries_after(0)]
    undo = next(e for e in entries if e.kind == "checkin.undo")
    others = [e for e in entries if e is not undo]
    desk.close()
    state = _replay([undo, *others], tmp_path / "early-undo.sqlite3")
    guest = next(row for row in state["guest"] if row[0] == guest_id)
    assert None in guest  # arrived_at stays empty
    assert state["checkin"][0][-1] == 1  # undone


def test_concurrent_edits_of_different_fields_both_survive(desk):
    guest_id, _ = add_guest(desk)
    mine = desk.journal.make("guest.set", {"guest_id": guest_id, "fields": {"title": "教授"}}, "a")
    theirs = Entry(
        id="01900000-0000-7000-8000-000000000001", device="zz-other-desk", operator="b", hlc=mine.hlc,
        wall_time=mine.wall_time, kind="guest.set", schema_version=1,
        payload={"guest_id": guest_id, "fields": {"note": "VIP", "title": "院长"}},
    )
    with desk.write():
        desk.journal.ingest([theirs])
        desk.journal.record_entries([mine])
    guest = GuestService(desk).get(guest_id)
    # Same HLC: the larger device id wins the shared field; each other field survives.
    assert guest.note == "VIP"
    assert guest.title == ("院长" if desk.device_id < "zz-other-desk" else "教授")


def test_entries_of_unknown_kinds_are_kept_and_applied_later(desk, monkeypatch):
    from kiosk.models import projection

    future = Entry(
        id="01900000-0000-7000-8000-0000000000ff", device="future-desk", operator="x", hlc=1, wall_time=1,
        kind="guest.set.v9", schema_version=9, payload={"guest_id": "g-future", "fields": {"name": "未来"}},
    )
    with desk.write():
        assert desk.journal.ingest([future]) == [future]
        assert desk.journal.ingest([future]) == []
    row = JournalEntry.get(JournalEntry.id == future.id)
    assert not row.applied
    # A later version learns the kind: the kept entry is applied at start-up.
    monkeypatch.setitem(projection._APPLIERS, "guest.set.v9", projection._APPLIERS["guest.set"])
    with desk.write():
        assert reapply_unknown() == 1
    assert GuestService(desk).get("g-future").name == "未来"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.dictionaries(st.text(max_size=10), st.one_of(st.text(max_size=20), st.integers(), st.none(),
                                                                st.lists(st.integers(), max_size=3)), max_size=5),
       kind=st.sampled_from(["guest.set", "checkin", "checkin.undo", "event.set", "session.set", "key.add",
                             "credential.issue", "device.register", "operator.shift", "odd.kind"]))
def test_malformed_payloads_from_outside_never_break_apply(desk, payload, kind):
    entry = Entry.from_wire({"id": f"h-{abs(hash((kind, repr(payload))))}", "device": "d", "operator": "", "hlc": 5,
                             "wall_time": 5, "kind": kind, "schema_version": 1, "payload": payload})
    with desk.write():
        desk.journal.ingest([entry])
