"""The data folder: keys on disk, device identity, copied folders, backups."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest

from kiosk.core.backup import BackupScheduler, backup_now
from kiosk.core.desk import Desk, EventExists
from kiosk.core.keys import KeyFileError
from kiosk.models.tables import Device, JournalEntry
from tests.helpers.desks import add_guest, make_desk


def test_private_keys_are_owner_only_files_never_in_the_database(desk):
    for name in ("event.key", "device.key"):
        mode = stat.S_IMODE((desk.data_dir / name).stat().st_mode)
        assert mode == 0o600, name
    secret = desk.event_key.private.private_bytes_raw().hex()
    database = (desk.data_dir / "event.sqlite3").read_bytes() + (desk.data_dir / "event.sqlite3-wal").read_bytes()
    assert secret.encode() not in database and bytes.fromhex(secret) not in database
    assert all(secret not in entry.payload for entry in JournalEntry.select())


def test_a_key_readable_by_others_is_refused(tmp_path):
    desk = make_desk(tmp_path / "d")
    desk.close()
    os.chmod(tmp_path / "d" / "event.key", 0o644)
    with pytest.raises(KeyFileError, match="chmod 600"):
        Desk(tmp_path / "d")


def test_one_event_per_folder(desk):
    with pytest.raises(EventExists):
        desk.create_event(name="again", date_text="2099-01-01", venue="", timezone="UTC")


def test_a_copied_folder_becomes_a_new_device(tmp_path):
    desk = Desk(tmp_path / "d", fingerprint="machine-a")
    original = desk.device_id
    desk.close()
    same = Desk(tmp_path / "d", fingerprint="machine-a")
    assert same.device_id == original and not same.copied_from
    same.close()
    copy = Desk(tmp_path / "d", fingerprint="machine-b")
    try:
        assert copy.device_id != original and copy.copied_from == original
        assert Device.get_by_id(copy.device_id).copied_from == original
        assert (tmp_path / "d" / "device.key").exists()
    finally:
        copy.close()


def test_every_entry_carries_the_operator_on_duty(desk):
    desk.set_operator("李志愿", "北门 Desk 2")
    add_guest(desk)
    operators = {entry.operator for entry in JournalEntry.select().where(JournalEntry.kind == "guest.set")}
    assert operators == {"李志愿"}
    assert JournalEntry.select().where(JournalEntry.kind == "operator.shift").count() == 1


def test_backups_are_consistent_copies(desk, tmp_path):
    add_guest(desk)
    path = backup_now(desk.data_dir, "manual")
    copy = sqlite3.connect(path)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT COUNT(*) FROM guest").fetchone()[0] == 1
    finally:
        copy.close()


def test_backups_run_on_a_timer(desk):
    scheduler = BackupScheduler(desk.data_dir, interval=0.05).start()
    try:
        import time

        deadline = time.monotonic() + 20
        while len(list((desk.data_dir / "backups").glob("*.sqlite3"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        scheduler.stop()
    assert scheduler.error is None
    assert len(list((desk.data_dir / "backups").glob("*.sqlite3"))) >= 2
