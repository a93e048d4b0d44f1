"""Three desks and a hub, driven at random: every replica ends with the same state, equal to a replay.

Desks are opened one at a time (the desk database is process-global). Besides hub syncs, entries also
travel "by hand" between desks — a random subset, shuffled and duplicated — as a bundle or a retried
delivery would bring them.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule

from kiosk.core.agreements import STATES, AgreementService, BadTransition
from kiosk.core.checkin import CheckinService
from kiosk.core.demo import create_demo
from kiosk.core.desk import Desk
from kiosk.core.guests import GuestService
from kiosk.core.issuing import IssuingService
from kiosk.core.print_queue import PrinterPrefs, PrintQueue
from kiosk.core.sync_service import SyncService
from kiosk.models.database import db
from kiosk.models.journal import entries_after, rebuild_state
from kiosk.models.tables import STATE_TABLES, Checkin, JournalEntry
from kiosk.sync import store
from tests.sync.conftest import ThreadHub

DESKS = 3


def state_dump() -> dict[str, list[tuple]]:
    return {
        table._meta.table_name: sorted(db.execute_sql(f"SELECT * FROM {table._meta.table_name}").fetchall(), key=repr)
        for table in STATE_TABLES
    }


class Venue(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="kiosk-venue-"))
        self.hub = ThreadHub(f"sqlite:///{self.folder / 'hub.sqlite3'}")
        self.dirs = [self.folder / f"desk{number}" for number in range(DESKS)]
        with self.open(0) as desk:
            event = create_demo(desk, guests=10)
            self.codes = [code.text for code in IssuingService(desk).all_current()]
            organiser = store.issue_token("organiser", organiser=True)
            SyncService(desk).sync(self.hub.url, organiser)
        for number in (1, 2):
            token = store.issue_token(f"desk {number}", event_id=event.id)
            with self.open(number) as desk:
                SyncService(desk).join(self.hub.url, token)
        for number in range(DESKS):
            with self.open(number) as desk:
                PrintQueue(desk).set_prefs(PrinterPrefs(backend="pdf", printer=str(self.folder / f"printed{number}")))

    def open(self, number: int):
        machine = self

        class Opened:
            def __enter__(self) -> Desk:
                self.desk = Desk(machine.dirs[number])
                return self.desk

            def __exit__(self, *exc) -> None:
                self.desk.close()

        return Opened()

    def teardown(self) -> None:
        try:
            self.hub.stop()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    @rule(number=st.integers(0, DESKS - 1), guest=st.integers(0, 9))
    def scan(self, number, guest):
        with self.open(number) as desk:
            assert CheckinService(desk).scan(self.codes[guest], f"Desk {number}").status in {"ok", "warn"}

    @rule(number=st.integers(0, DESKS - 1), pick=st.randoms(use_true_random=False))
    def undo(self, number, pick):
        with self.open(number) as desk:
            live = [row.id for row in Checkin.select(Checkin.id).where(Checkin.undone == False)]  # noqa: E712
            if live:
                CheckinService(desk).undo(pick.choice(sorted(live)))

    @rule(number=st.integers(0, DESKS - 1), name=st.sampled_from(["李雷", "韩梅梅", "Zoë"]))
    def walk_in(self, number, name):
        with self.open(number) as desk:
            guest = GuestService(desk).create({"name": name, "organisation": "现场"}, walk_in=True)
            CheckinService(desk).check_in_guest(guest.id, f"Desk {number}")

    @rule(number=st.integers(0, DESKS - 1), guest=st.integers(0, 9), phone=st.sampled_from(["1", "2", "3"]))
    def edit(self, number, guest, phone):
        with self.open(number) as desk:
            guest_id = GuestService(desk).all()[guest].id if GuestService(desk).all() else None
            if guest_id:
                with desk.write():
                    desk.record("guest.set", {"guest_id": guest_id, "fields": {"phone": f"1380000000{phone}"}})

    @rule(number=st.integers(0, DESKS - 1), pick=st.randoms(use_true_random=False), state=st.sampled_from(STATES))
    def agreement_state(self, number, pick, state):
        with self.open(number) as desk:
            service = AgreementService(desk)
            agreements = sorted(service.list(), key=lambda agreement: agreement.id)
            if agreements:
                try:
                    service.set_state(pick.choice(agreements).id, state)
                except BadTransition:
                    pass  # not a step from its current state: the desk refuses, nothing is written

    @rule(number=st.integers(0, DESKS - 1), guest=st.integers(0, 9))
    def print_badge(self, number, guest):
        with self.open(number) as desk:
            guests = GuestService(desk).all()
            if guests:
                job = PrintQueue(desk).print_badge(guests[guest % len(guests)].id, reason="r")
                assert job is not None and job.state != "failed", job

    @rule(number=st.integers(0, DESKS - 1))
    def sync(self, number):
        with self.open(number) as desk:
            SyncService(desk).sync()

    @rule(source=st.integers(0, DESKS - 1), receiver=st.integers(0, DESKS - 1), pick=st.randoms(use_true_random=False))
    def hand_delivery(self, source, receiver, pick):
        """Some of one desk's entries, shuffled, some twice, into another desk in small pieces."""
        with self.open(source) as desk:
            entries = [entry for _seq, entry in entries_after(0, 10**9)]
        chosen = pick.sample(entries, k=pick.randint(0, len(entries)))
        chosen += pick.sample(chosen, k=len(chosen) // 3)
        pick.shuffle(chosen)
        with self.open(receiver) as desk:
            service = SyncService(desk)
            for start in range(0, len(chosen), 7):
                service._ingest(chosen[start : start + 7])

    def teardown_check(self) -> None:
        for _round in range(2):
            for number in range(DESKS):
                with self.open(number) as desk:
                    SyncService(desk).sync()
        dumps, journals = [], []
        for number in range(DESKS):
            with self.open(number) as desk:
                journals.append({row.id for row in JournalEntry.select(JournalEntry.id)})
                before = state_dump()
                dumps.append(before)
                with desk.write():
                    rebuild_state()
                assert state_dump() == before, "the state differs from a replay of the journal"
                checkins = {e.payload["checkin_id"] for _seq, e in entries_after(0, 10**9) if e.kind == "checkin"}
                assert Checkin.select().count() == len(checkins)  # every check-in exactly once
                doubles = _double_guests(entries_after(0, 10**9))
                listed = {c["guest"] for c in SyncService(desk).conflicts() if c["kind"] == "double_arrival"}
                assert listed == doubles
        assert journals[0] == journals[1] == journals[2]
        assert dumps[0] == dumps[1] == dumps[2]


def _double_guests(journal) -> set[str]:
    """From the journal alone: guests with two or more arrivals that no undo cancelled."""
    undone = {e.payload["checkin_id"] for _seq, e in journal if e.kind == "checkin.undo"}
    arrivals: dict[str, int] = {}
    for _seq, entry in journal:
        p = entry.payload
        if entry.kind == "checkin" and p.get("kind") != "reentry" and p["checkin_id"] not in undone:
            arrivals[p["guest_id"]] = arrivals.get(p["guest_id"], 0) + 1
    return {guest for guest, count in arrivals.items() if count > 1}


class VenueWithFinalCheck(Venue):
    def teardown(self) -> None:
        try:
            self.teardown_check()
        finally:
            super().teardown()


VenueWithFinalCheck.TestCase.settings = settings(
    max_examples=6,
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
TestVenue = VenueWithFinalCheck.TestCase


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_venue_longer_runs():
    from hypothesis.stateful import run_state_machine_as_test

    run_state_machine_as_test(
        VenueWithFinalCheck,
        settings=settings(
            max_examples=25, stateful_step_count=25, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )
