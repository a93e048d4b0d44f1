"""20 desks scanning and syncing with one hub for 60 s (slow): nothing lost, nothing counted twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from kiosk.core.demo import create_demo
from kiosk.core.desk import Desk
from kiosk.core.issuing import IssuingService
from kiosk.core.sync_service import SyncService
from kiosk.models.tables import Checkin, Guest
from tests.sync.conftest import ROOT, issue

DESKS = 20
SECONDS = float(os.environ.get("KIOSK_LOAD_SECONDS", "60"))


@pytest.mark.slow
def test_twenty_desks_for_a_minute(tmp_path, hub_processes):
    db = f"sqlite:///{tmp_path / 'hub.sqlite3'}"
    organiser_token = issue(db, "organiser", organiser=True)
    hub = hub_processes(db)
    desk = Desk(tmp_path / "organiser")
    try:
        event = create_demo(desk, guests=300)
        codes = [code.text for code in IssuingService(desk).all_current()]
        SyncService(desk).sync(hub.url, organiser_token)
    finally:
        desk.close()
    (tmp_path / "codes.txt").write_text("\n".join(codes))
    for number in range(DESKS):
        desk = Desk(tmp_path / f"desk{number}")
        try:
            SyncService(desk).join(hub.url, issue(db, f"desk {number}", event_id=event.id))
        finally:
            desk.close()

    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.sync.load_desk",
                str(tmp_path / f"desk{n}"),
                str(tmp_path / "codes.txt"),
                str(SECONDS),
                str(n),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        for n in range(DESKS)
    ]
    summaries = []
    try:
        for process in processes:
            out, _ = process.communicate(timeout=SECONDS + 240)
            assert process.returncode == 0
            summaries.append(json.loads(out))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=10)
    made = {checkin for summary in summaries for checkin in summary["checkins"]}
    assert sum(s["syncs"] for s in summaries) >= DESKS
    assert sum(s["sync_errors"] for s in summaries) == 0

    desk = Desk(tmp_path / "organiser")
    try:
        SyncService(desk).sync()
        stored = {row.id for row in Checkin.select(Checkin.id)}
        assert made <= stored and len(stored) == len(made)  # nothing lost, nothing twice
        arrived = Guest.select().where(Guest.arrived_at.is_null(False)).count()
        scanned = {row.guest_id for row in Checkin.select(Checkin.guest_id)}
        assert arrived == len(scanned)
    finally:
        desk.close()
