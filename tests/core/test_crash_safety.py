"""A scanning process killed with SIGKILL mid-burst never loses a check-in it reported as done.

The real long-lived scanner (``kiosk scan --stdin``: the same service and writer thread the window
uses) is killed at random moments, 20 times. Every verdict it printed must be in the database
afterwards and ``PRAGMA integrity_check`` must stay ok. The same checker run against a variant that
reports before committing must catch it losing check-ins — otherwise the test proves nothing.
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

from kiosk.core.demo import create_demo
from kiosk.core.desk import Desk
from kiosk.core.issuing import IssuingService
from kiosk.models.database import integrity_check

pytestmark = pytest.mark.slow
KILLS = 20


@pytest.fixture(scope="module")
def event_codes(tmp_path_factory):
    data = tmp_path_factory.mktemp("crash") / "data"
    desk = Desk(data)
    create_demo(desk, guests=400)
    codes = [issued.text for issued in IssuingService(desk).all_current()]
    desk.close()
    return data, codes


def run_and_kill(command: list[str], codes: list[str], rng: random.Random) -> list[dict]:
    """Start ``command``, feed it bursts of codes, SIGKILL it mid-burst; returns the verdicts it printed."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env.pop("QT_QPA_PLATFORM", None)
    process = subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env
    )
    reported: list[dict] = []
    first_line = threading.Event()

    def read() -> None:
        for line in process.stdout:
            try:
                reported.append(json.loads(line))
            except ValueError:
                break  # a line cut by the kill
            first_line.set()

    def feed() -> None:
        try:
            while process.poll() is None:
                burst = rng.sample(codes, 30) + rng.sample(codes[:20], 5)  # some guests scanned again
                process.stdin.write("".join(code + "\n" for code in burst))
                process.stdin.flush()
                time.sleep(rng.uniform(0.0, 0.03))
        except (BrokenPipeError, ValueError, OSError):
            pass

    reader = threading.Thread(target=read, daemon=True)
    feeder = threading.Thread(target=feed, daemon=True)
    reader.start()
    feeder.start()
    assert first_line.wait(60), "the scanner never answered"
    time.sleep(rng.uniform(0.0, 0.4))
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    feeder.join(10)
    reader.join(10)
    for pipe in (process.stdin, process.stdout):
        try:
            pipe.close()
        except OSError:
            pass  # the writer side may hold a half-written burst
    return reported


def lost_checkins(database: Path, verdicts: list[dict]) -> list[str]:
    """Check-ins a scanner reported as done that the database does not hold."""
    reported = [v["checkin_id"] for v in verdicts if v.get("status") in {"ok", "warn"} and v.get("checkin_id")]
    connection = sqlite3.connect(database)
    try:
        stored = {row[0] for row in connection.execute("SELECT id FROM checkin")}
    finally:
        connection.close()
    return [checkin_id for checkin_id in reported if checkin_id not in stored]


def test_reported_check_ins_survive_sigkill(event_codes):
    data, codes = event_codes
    rng = random.Random(2026)
    database = data / "event.sqlite3"
    total = 0
    for attempt in range(KILLS):
        verdicts = run_and_kill([sys.executable, "-m", "kiosk", "--data", str(data), "scan", "--stdin"], codes, rng)
        total += len(verdicts)
        assert lost_checkins(database, verdicts) == [], f"kill {attempt}"
        assert integrity_check(database) == "ok", f"kill {attempt}"
    assert total > KILLS * 10  # the kills really landed during bursts


def test_the_checker_catches_a_scanner_that_reports_before_committing(event_codes):
    data, codes = event_codes
    rng = random.Random(7)
    database = data / "event.sqlite3"
    helper = Path(__file__).parents[1] / "helpers" / "early_reporter.py"
    env_path = str(Path(__file__).parents[2])
    lost: list[str] = []
    for _ in range(6):
        command = [sys.executable, "-c",
                   f"import sys; sys.path.insert(0, {env_path!r}); import runpy; "
                   f"sys.argv=['x', {str(data)!r}]; runpy.run_path({str(helper)!r}, run_name='__main__')"]
        lost = lost_checkins(database, run_and_kill(command, codes, rng))
        if lost:
            break
    assert lost, "the crash test could not tell a scanner that reports before committing"
    assert integrity_check(database) == "ok"
