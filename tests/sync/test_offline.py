"""Without a hub: signed bundles (trust, idempotency, tampering) and the conflicts list."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.core.checkin import CheckinService
from kiosk.core.demo import create_demo
from kiosk.core.desk import Desk
from kiosk.core.issuing import IssuingService
from kiosk.core.keys import EVENT_KEY_FILE, SigningKey
from kiosk.core.sync_service import BundleRefused, SyncService, waiting
from kiosk.models.journal import entries_after
from kiosk.models.tables import Guest, JournalEntry, PublicKey


def exchange(source: Path, target: Path) -> None:
    """Everything ``source`` has, into ``target``: a sync without the hub."""
    desk = Desk(source)
    try:
        entries = [entry for _seq, entry in entries_after(0, 10**9)]
    finally:
        desk.close()
    desk = Desk(target)
    try:
        SyncService(desk)._ingest(entries)
    finally:
        desk.close()


@pytest.fixture
def venue(tmp_path):
    """The organiser's demo event; desk B joined and certified; desk C joined before B was certified."""
    org, b, c = tmp_path / "org", tmp_path / "b", tmp_path / "c"
    desk = Desk(org)
    try:
        create_demo(desk, guests=20)
        codes = IssuingService(desk).all_current()
    finally:
        desk.close()
    exchange(org, c)
    exchange(org, b)
    exchange(b, org)
    desk = Desk(org)
    try:
        assert SyncService(desk)._certify() == 1
    finally:
        desk.close()
    exchange(org, b)
    return org, b, c, codes


def _journal_size(path: Path) -> int:
    desk = Desk(path)
    try:
        return JournalEntry.select().count()
    finally:
        desk.close()


def test_bundle_round_trip_is_idempotent_and_carries_no_event_key(venue, tmp_path):
    org, b, c, codes = venue
    desk = Desk(b)
    try:
        assert CheckinService(desk).scan(codes[0].text, "Desk B").status == "ok"
        mine, everything = tmp_path / "mine.bundle", tmp_path / "all.bundle"
        assert SyncService(desk).export_bundle(mine, mine_only=True) >= 1
        SyncService(desk).export_bundle(everything)
    finally:
        desk.close()
    secret = (org / EVENT_KEY_FILE).read_text().strip()
    for path in (mine, everything):
        data = path.read_bytes()
        assert secret.encode() not in data and bytes.fromhex(secret) not in data

    desk = Desk(org)
    try:
        waiting_before = waiting()
        new, total = SyncService(desk).import_bundle(mine)
        assert waiting() == waiting_before + new  # a bundle's entries go on to the hub at the next sync
        assert new >= 1 and total >= new
        assert SyncService(desk).import_bundle(mine) == (0, total)  # twice changes nothing
        assert Guest.get(Guest.id == codes[0].guest_id).arrived_at is not None
    finally:
        desk.close()

    # C never saw B's certificate, but B's full bundle carries it, signed by the event key C knows.
    desk = Desk(c)
    try:
        assert PublicKey.get_or_none(
            PublicKey.device_id != desk.device_id,
            PublicKey.owner == "device",
            PublicKey.certificate.is_null(False),
            PublicKey.key_id != desk.device_key.key_id,
        )
        new, _total = SyncService(desk).import_bundle(everything)
        assert new >= 1 and Guest.get(Guest.id == codes[0].guest_id).arrived_at is not None
    finally:
        desk.close()


@pytest.mark.parametrize("where", ["header", "entry", "last-entry", "hash", "signature"])
def test_a_tampered_bundle_is_refused_whole(venue, tmp_path, where):
    org, b, _c, codes = venue
    desk = Desk(b)
    try:
        CheckinService(desk).scan(codes[1].text, "Desk B")
        path = tmp_path / "b.bundle"
        SyncService(desk).export_bundle(path, mine_only=True)
    finally:
        desk.close()
    data = bytearray(path.read_bytes())
    lines = data.split(b"\n")
    offsets = {
        "header": data.index(b'"device_id"') + 14,
        "entry": len(lines[0]) + 20,
        "last-entry": len(data) - len(lines[-2]) - 3 - 40,
        "hash": data.index(b'"sha256":"') + 12,
        "signature": data.index(b'"signature":"') + 20,
    }
    position = offsets[where]
    data[position] = ord("0") if data[position] != ord("0") else ord("1")
    path.write_bytes(bytes(data))
    before = _journal_size(org)
    desk = Desk(org)
    try:
        with pytest.raises(BundleRefused) as refused:
            SyncService(desk).import_bundle(path)
        assert "bundle" in str(refused.value).lower()
    finally:
        desk.close()
    assert _journal_size(org) == before


def test_bundles_from_strangers_or_other_events_are_refused(venue, tmp_path):
    org, b, _c, _codes = venue
    stranger_dir = tmp_path / "stranger"
    desk = Desk(stranger_dir)
    try:
        create_demo(desk, guests=10)  # another event, its own event key
        SyncService(desk).export_bundle(tmp_path / "other-event.bundle")
    finally:
        desk.close()
    lone = tmp_path / "lone"
    exchange(org, lone)  # joined, but never certified
    desk = Desk(lone)
    try:
        desk.set_operator("someone")
        SyncService(desk).export_bundle(tmp_path / "uncertified.bundle")
    finally:
        desk.close()
    desk = Desk(org)
    try:
        with pytest.raises(BundleRefused, match="another event"):
            SyncService(desk).import_bundle(tmp_path / "other-event.bundle")
        with pytest.raises(BundleRefused, match="does not trust"):
            SyncService(desk).import_bundle(tmp_path / "uncertified.bundle")
        # A certified desk cannot slip in an event key of its own making.
        forged = SigningKey.generate()
        with desk.write():
            desk.record("key.add", {"key_id": forged.key_id, "public_key": forged.public_bytes.hex(), "owner": "event"})
        SyncService(desk).export_bundle(tmp_path / "forged.bundle")
    finally:
        desk.close()
    clean = tmp_path / "clean"
    exchange(b, clean)
    desk = Desk(clean)
    try:
        with pytest.raises(BundleRefused, match="event key"):
            SyncService(desk).import_bundle(tmp_path / "forged.bundle")
        (tmp_path / "empty.bundle").write_bytes(b"")
        with pytest.raises(BundleRefused):
            SyncService(desk).import_bundle(tmp_path / "empty.bundle")
    finally:
        desk.close()


def test_conflicts_double_arrivals_and_concurrent_edits(venue):
    org, b, _c, codes = venue
    guest = codes[2].guest_id
    for path, station, phone in ((org, "Desk 1", "13800000001"), (b, "Desk B", "13900000002")):
        desk = Desk(path)
        try:
            assert CheckinService(desk).scan(codes[2].text, station).status == "ok"
            CheckinService(desk).scan(codes[2].text, station)  # a re-entry is no conflict
            with desk.write():
                desk.record("guest.set", {"guest_id": guest, "fields": {"phone": phone, "note": "same"}})
        finally:
            desk.close()
    exchange(b, org)
    desk = Desk(org)
    try:
        conflicts = SyncService(desk).conflicts()
        kinds = {(c["kind"], c["guest"], c.get("field")) for c in conflicts}
        assert kinds == {("double_arrival", guest, None), ("concurrent_edit", guest, "phone")}
        assert all(len(c["entries"]) == 2 for c in conflicts)
        # Undoing one of the two arrivals resolves the double arrival.
        double = next(c for c in conflicts if c["kind"] == "double_arrival")
        CheckinService(desk).undo(double["entries"][1]["payload"]["checkin_id"])
        assert [c["kind"] for c in SyncService(desk).conflicts()] == ["concurrent_edit"]
    finally:
        desk.close()
