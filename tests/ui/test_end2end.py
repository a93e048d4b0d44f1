"""End to end: the real program under Xvfb, a scanner typed by xdotool, the check-in in the database.

Drives the app from outside like qutebrowser's end2end tests: a subprocess on its own X display,
keystrokes from the X server (xdotool, 5 ms apart — as a USB scanner types), and the SQLite file
read back read-only.
"""

from __future__ import annotations

import os
import selectors
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers.desks import kiosk, kiosk_json

pytestmark = pytest.mark.slow

MISSING = [tool for tool in ("Xvfb", "xdotool") if shutil.which(tool) is None]


def _read_line(process: subprocess.Popen, marker: str, timeout: float) -> bool:
    """Wait (bounded) for a line holding ``marker`` on the child's stdout."""
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not selector.select(deadline - time.monotonic()):
                return False
            line = process.stdout.readline()
            if not line:
                return False
            if marker in line:
                return True
        return False
    finally:
        selector.close()


@pytest.fixture
def xvfb():
    """A private X display (Xvfb picks a free number and reports it when ready: no polling)."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    with os.fdopen(read_end) as report:
        number = report.readline().strip()
    if not number:
        server.kill()
        pytest.fail("Xvfb did not start")
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)


def _xdotool(display: str, *args: str) -> str:
    result = subprocess.run(
        ["xdotool", *args], env={**os.environ, "DISPLAY": display}, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.skipif(bool(MISSING), reason=f"needs {' and '.join(MISSING)} (apt install xvfb xdotool)")
def test_a_scanner_typing_into_the_real_window_checks_the_guest_in(tmp_path, xvfb):
    data = tmp_path / "data"
    kiosk(data, "demo", "--guests", "40", check=True)
    guest = kiosk_json(data, "guests")[5]
    code = kiosk(data, "credential", guest["id"], check=True).stdout.strip()
    assert len(code) > 100

    env = {
        **os.environ,
        "DISPLAY": xvfb,
        "QT_QPA_PLATFORM": "xcb",
        "KIOSK_CONFIG_DIR": str(tmp_path / "config"),
        "KIOSK_BENCH_READY": "1",
        "QT_LOGGING_RULES": "qt.multimedia*=false",
    }
    app = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kiosk",
            "--data",
            str(data),
            "--station",
            "E2E Desk",
            "--operator",
            "Tester",
            "--lang",
            "en",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    try:
        assert _read_line(app, "KIOSK_READY", 60), "the window did not come up"
        window = _xdotool(xvfb, "search", "--sync", "--name", "Forum Kiosk").split()[0]
        _xdotool(xvfb, "windowfocus", "--sync", window)
        _xdotool(xvfb, "type", "--delay", "5", code)
        _xdotool(xvfb, "key", "Return")

        database = f"file:{data / 'event.sqlite3'}?mode=ro"
        deadline = time.monotonic() + 20
        rows: list = []
        while time.monotonic() < deadline and not rows:
            with sqlite3.connect(database, uri=True) as connection:
                rows = connection.execute(
                    "SELECT station, operator, undone FROM checkin WHERE guest_id = ?", (guest["id"],)
                ).fetchall()
            if not rows:
                time.sleep(0.1)  # polling another process's database: there is no signal to wait on
        assert rows == [("E2E Desk", "Tester", 0)]
    finally:
        app.terminate()
        try:
            _out, errors = app.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            app.kill()
            _out, errors = app.communicate()
    assert "Traceback" not in errors, errors
