"""Desks killed with SIGKILL between and during steps, as a pulled plug does; then everything converges.

Real processes throughout: a hub (``kiosk hub serve --port 0`` on SQLite) and three desks running the
command line — ``scan --stdin`` fed random codes of overlapping guests (so the same guest arrives at
two desks: double arrivals) and ``sync`` — killed at random moments, some rounds with a desk cut off.
After a final sync round (each desk twice): every desk holds the same state tables, each equal to a
replay of its own journal; every check-in a desk reported is there exactly once; every guest who was
checked in (first arrival) at two desks is listed as a double arrival.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kiosk.models.database import DATABASE_FILE
from kiosk.models.tables import STATE_TABLES
from tests.sync.conftest import ROOT, HubProcess

pytestmark = pytest.mark.slow

DESKS = 3
ROUNDS = 6
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def kiosk(data: Path | None, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    prefix = ["--data", str(data)] if data else []
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "--lang", "en", *prefix, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=ENV,
    )


def ok_json(data: Path | None, *args: str):
    result = kiosk(data, *args, "--json")
    assert result.returncode == 0, f"{args}: {result.returncode}\n{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout)


class Running:
    """A kiosk process whose stdout lines are collected by a thread; ``kill()`` is SIGKILL."""

    def __init__(self, data: Path, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "--lang", "en", "--data", str(data), *args],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=ENV,
        )
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)

    def feed(self, lines: list[str]) -> None:
        try:
            self.process.stdin.write("".join(f"{line}\n" for line in lines))
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def wait_for_lines(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.lines) < count and self.process.poll() is None:
            assert time.monotonic() < deadline, "no verdict in time"
            time.sleep(0.002)

    def close_input(self) -> None:
        try:
            self.process.stdin.close()
        except (BrokenPipeError, OSError):
            pass

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)

    def finish(self, timeout: float = 60) -> list[str]:
        """Wait for the end (killed or not); the complete lines it printed."""
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
            raise
        finally:
            self.reader.join(timeout=10)
            self.close_input()
            self.process.stdout.close()
        return [line for line in self.lines if line.endswith("\n")]


def sqlite_dump(folder: Path) -> dict[str, list[tuple]]:
    """The state tables of a desk, read through a read-only connection (the tests.sync.test_convergence dump)."""
    connection = sqlite3.connect(f"file:{folder / DATABASE_FILE}?mode=ro", uri=True)
    try:
        return {
            table._meta.table_name: sorted(
                connection.execute(f"SELECT * FROM {table._meta.table_name}").fetchall(), key=repr
            )
            for table in STATE_TABLES
        }
    finally:
        connection.close()


def checkin_ids(folder: Path) -> list[str]:
    connection = sqlite3.connect(f"file:{folder / DATABASE_FILE}?mode=ro", uri=True)
    try:
        return [row[0] for row in connection.execute("SELECT id FROM checkin")]
    finally:
        connection.close()


@pytest.mark.timeout(240)
def test_desks_killed_at_random_moments_converge(tmp_path):
    pick = random.Random(20261127)
    db_url = f"sqlite:///{tmp_path / 'hub.sqlite3'}"
    folders = [tmp_path / f"desk{number}" for number in range(DESKS)]
    hub = HubProcess(db_url)
    try:
        organiser = ok_json(None, "hub", "token", "--db", db_url, "--device", "organiser", "--organiser")["token"]
        event = ok_json(folders[0], "demo", "--guests", "40")
        ok_json(folders[0], "sync", "--hub", hub.url, "--token", organiser)
        for number in range(1, DESKS):
            token = ok_json(None, "hub", "token", "--db", db_url, "--device", f"desk{number}", "--event", event["id"])
            ok_json(folders[number], "join", "--hub", hub.url, "--token", token["token"])
        codes = [credential["text"] for credential in ok_json(folders[0], "credentials")]
        assert len(codes) == 40

        verdicts: list[tuple[int, dict]] = []  # (desk, verdict) as printed before any kill
        kills = {"scan": 0, "sync": 0, "sync_unfinished": 0}
        sync_seconds = 1.0
        for round_number in range(ROUNDS):
            cut_off = pick.randrange(DESKS) if round_number % 2 else None  # a desk that does not sync
            # A scan burst at each desk, one code at a time as a scanner types them; some killed midway,
            # a few milliseconds after a code was sent, i.e. while it is being checked in.
            for number in range(DESKS):
                burst = [pick.choice(codes[: 20 + 4 * round_number]) for _ in range(pick.randint(4, 12))]
                kill_at = pick.randrange(len(burst)) if pick.random() < 0.6 else None
                scanner = Running(folders[number], "scan", "--stdin", "--station", f"Desk{number}")
                for index, code in enumerate(burst):
                    scanner.feed([code])
                    if index == kill_at:
                        time.sleep(pick.uniform(0, 0.01))
                        scanner.kill()
                        kills["scan"] += 1
                        break
                    scanner.wait_for_lines(index + 1)
                scanner.close_input()
                verdicts += [(number, json.loads(line)) for line in scanner.finish()]
            # Syncs, one desk at a time, some killed midway (timed from how long a whole sync takes).
            for number in pick.sample(range(DESKS), DESKS):
                if number == cut_off:
                    continue
                started = time.monotonic()
                syncing = Running(folders[number], "sync", "--json")
                killed = pick.random() < 0.5
                if killed:
                    kills["sync"] += 1
                    time.sleep(pick.uniform(0.6, 1.0) * sync_seconds)
                    syncing.kill()
                syncing.close_input()
                printed = syncing.finish()
                if not killed:
                    sync_seconds = time.monotonic() - started
                elif not printed:
                    kills["sync_unfinished"] += 1  # killed before it finished (timing decides)
        print("kills:", kills)
        assert kills["scan"] and kills["sync"], kills

        for _round in range(2):
            for number in range(DESKS):
                ok_json(folders[number], "sync")
        conflicts = [ok_json(folder, "conflicts") for folder in folders]
    finally:
        hub.stop()

    dumps = [sqlite_dump(folder) for folder in folders]
    assert dumps[0] == dumps[1] == dumps[2], "the desks differ after the final sync"
    assert dumps[0]["checkin"], "no check-in survived"

    reported = [v["checkin_id"] for _desk, v in verdicts if v.get("checkin_id")]
    assert reported and len(reported) == len(set(reported))
    for folder in folders:
        present = checkin_ids(folder)
        assert len(present) == len(set(present))
        assert set(reported) <= set(present), "a check-in a desk reported was lost"

    first_arrivals: dict[str, set[int]] = {}
    for number, verdict in verdicts:
        if verdict["reason"] == "checked_in":
            first_arrivals.setdefault(verdict["guest"]["id"], set()).add(number)
    doubles = {guest for guest, desks in first_arrivals.items() if len(desks) > 1}
    assert doubles, "the random scans made no double arrival"
    for listed in conflicts:
        assert doubles <= {c["guest"] for c in listed if c["kind"] == "double_arrival"}

    _replays_match(folders, dumps[0])


def _replays_match(folders: list[Path], expected: dict[str, list[tuple]]) -> None:
    """Each desk's state equals a from-scratch replay of its own journal (one desk open at a time)."""
    from kiosk.core.desk import Desk
    from kiosk.models.journal import rebuild_state
    from tests.sync.test_convergence import state_dump

    for folder in folders:
        desk = Desk(folder)
        try:
            assert state_dump() == expected
            with desk.write():
                rebuild_state()
            assert state_dump() == expected, f"{folder.name}: the state differs from a replay of its journal"
        finally:
            desk.close()
