"""End to end: organiser → hub → a desk joins → scans offline → syncs → the organiser sees it.

Desks are opened one after another in this process (the desk database is process-global); the hub
runs in a thread on a real port, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kiosk.core.checkin import CheckinService
from kiosk.core.demo import create_demo
from kiosk.core.desk import Desk
from kiosk.core.issuing import IssuingService
from kiosk.core.keys import EVENT_KEY_FILE
from kiosk.core.sync_service import (
    PULLED,
    PUSHED,
    HubRefused,
    HubUnreachable,
    JoinRefused,
    SyncLoop,
    SyncService,
    _set,
)
from kiosk.i18n import DEFAULT_LANGUAGE, set_language
from kiosk.models.tables import Guest, JournalEntry, PublicKey
from kiosk.sync import store
from tests.sync.conftest import issue


def _hub_rows() -> list[str]:
    with store.hub_db.connection_context():
        bodies = [row.body for row in store.HubEntry.select()]
        tokens = [row.token_hash for row in store.HubToken.select()]
    return bodies + tokens


def _organiser(tmp_path: Path, hub, hub_url: str) -> tuple[str, list]:
    """The organiser's demo event, published to the hub. Returns (event id, current codes)."""
    desk = Desk(tmp_path / "organiser")
    try:
        event = create_demo(desk, guests=50)
        codes = IssuingService(desk).all_current()
        token = issue(hub_url, "organiser", organiser=True)
        store.open_hub_database(hub_url)  # issue() closed it; the hub thread needs it bound
        report = SyncService(desk).sync(hub.url, token)
        assert report.pushed == JournalEntry.select().count() and report.pulled == 0
        return event.id, codes
    finally:
        desk.close()


def test_organiser_desk_hub_round_trip(tmp_path, hub, hub_url):
    event_id, codes = _organiser(tmp_path, hub, hub_url)
    token = issue(hub_url, "Desk 2", event_id=event_id)
    store.open_hub_database(hub_url)

    # A new desk joins: everything it needs to scan offline comes down.
    desk = Desk(tmp_path / "desk2")
    try:
        report = SyncService(desk).join(hub.url, token)
        assert desk.require_event().id == event_id
        assert Guest.select().count() == 50 and report.pulled > 50
        # Offline from here on: the hub is not called while scanning.
        verdict = CheckinService(desk).scan(codes[0].text, "Desk 2")
        assert verdict.status == "ok", verdict.message
        CheckinService(desk).scan(codes[1].text, "Desk 2")
        desk_key = desk.device_key.key_id
    finally:
        desk.close()

    # The organiser checks in guest 0 too, on its own while offline: a double arrival.
    organiser = Desk(tmp_path / "organiser")
    try:
        assert CheckinService(organiser).scan(codes[0].text, "Desk 1").status == "ok"
    finally:
        organiser.close()

    desk = Desk(tmp_path / "desk2")
    try:
        report = SyncService(desk).sync()  # hub and token remembered from the join
        assert report.pushed >= 2
    finally:
        desk.close()

    organiser = Desk(tmp_path / "organiser")
    try:
        report = SyncService(organiser).sync()
        assert report.certified == 1 and report.conflicts == 1
        assert Guest.select().where(Guest.arrived_at.is_null(False)).count() == 2
        conflicts = SyncService(organiser).conflicts()
        assert conflicts[0]["kind"] == "double_arrival" and conflicts[0]["guest"] == codes[0].guest_id
        assert len(conflicts[0]["entries"]) == 2
        assert desk_key in organiser.trusted_keys()
        event_secret = (tmp_path / "organiser" / EVENT_KEY_FILE).read_text().strip()
        organiser_token = issue(hub_url, "watcher", organiser=True)
        store.open_hub_database(hub_url)
        live = hub.get(f"/live/{event_id}/data", headers={"Authorization": f"Bearer {organiser_token}"}).json()
        assert live["arrived"] == 2 and live["by_station"] == {"Desk 2": 2}
        assert {d["device"] for d in live["devices"]} == {"organiser", "Desk 2"}
    finally:
        organiser.close()

    # The event key never left the organiser's machine.
    assert not any(event_secret in row for row in _hub_rows())

    # The desk learns its certificate at its next sync, and nothing is counted twice.
    desk = Desk(tmp_path / "desk2")
    try:
        again = SyncService(desk).sync()
        assert PublicKey.get(PublicKey.key_id == desk_key).certificate is not None
        assert Guest.select().where(Guest.arrived_at.is_null(False)).count() == 2
        # Forget where we were (a crash between the hub's answer and our commit): a resend is harmless.
        with desk.write():
            _set(PUSHED, 0)
            _set(PULLED, 0)
        resent = SyncService(desk).sync()
        assert resent.pushed == 0 and resent.pulled == 0 and again.conflicts == 1
    finally:
        desk.close()


def test_join_refusals_and_an_unreachable_hub(tmp_path, hub, hub_url):
    event_id, _codes = _organiser(tmp_path, hub, hub_url)
    organiser_token = issue(hub_url, "organiser 2", organiser=True)
    store.open_hub_database(hub_url)
    desk = Desk(tmp_path / "desk3")
    try:
        with pytest.raises(JoinRefused):
            SyncService(desk).join(hub.url, organiser_token)
        with pytest.raises(HubRefused):
            SyncService(desk).join(hub.url, "not-a-token")
        with pytest.raises(HubUnreachable):
            SyncService(desk, timeout=2).join("http://127.0.0.1:9", "whatever")
        assert SyncService(desk).remembered() == ("", "")  # nothing remembered from failed attempts
    finally:
        desk.close()


def test_sync_loop_backs_off_while_the_hub_is_away_then_syncs(tmp_path, hub, hub_url):
    event_id, _codes = _organiser(tmp_path, hub, hub_url)
    token = issue(hub_url, "Desk 4", event_id=event_id)
    store.open_hub_database(hub_url)
    desk = Desk(tmp_path / "desk4")
    try:
        SyncService(desk).join(hub.url, token)
        with desk.write():
            from kiosk.core.sync_service import HUB

            _set(HUB, "http://127.0.0.1:9")  # the hub moved away
        desk.set_operator("小李")  # one entry waiting
        statuses = []
        loop = SyncLoop(
            SyncService(desk, timeout=1), interval=0.05, min_backoff=0.05, max_backoff=0.2, on_status=statuses.append
        )
        loop.start()
        try:
            deadline = time.monotonic() + 20
            while loop.attempts < 3 and time.monotonic() < deadline:
                time.sleep(0.02)
            status = loop.status
            assert status.state == "offline" and status.waiting >= 1
            set_language("en")
            try:
                assert "offline since" in status.text() and "1 waiting" in status.text()
            finally:
                set_language(DEFAULT_LANGUAGE)
            with desk.write():
                _set(HUB, hub.url)
            loop.sync_now()
            while loop.status.state != "synced" and time.monotonic() < deadline:
                time.sleep(0.02)
            assert loop.status.state == "synced" and loop.status.waiting == 0
        finally:
            loop.stop()
        assert statuses[0].state == "offline" and statuses[0].since == statuses[1].since
    finally:
        desk.close()
