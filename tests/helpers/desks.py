"""Building desks and guests for tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kiosk.core.desk import Desk
from kiosk.core.guests import GuestService
from kiosk.core.issuing import IssuingService

EVENT_DATE = "2099-06-30"  # far ahead, so codes issued in tests never expire


def make_desk(data_dir: Path, *, sessions: bool = True) -> Desk:
    desk = Desk(data_dir)
    desk.create_event(name="测试论坛 Test Forum", date_text=EVENT_DATE, venue="河口区", timezone="Asia/Shanghai")
    if sessions:
        desk.set_session("MAIN", "主论坛", ["expert", "academic", "enterprise", "government", "media", "staff", "guest"])
        desk.set_session("EXPO", "成果交流会", ["enterprise", "academic"])
    return desk


def add_guest(desk: Desk, **fields) -> tuple[str, str]:
    """A new guest and their current code: (guest id, code text)."""
    values = {"name": "王芳", "organisation": "中国石油大学（华东）", "category": "academic"}
    values.update(fields)
    guest = GuestService(desk).create(values)
    return guest.id, IssuingService(desk).current(guest.id).text


def kiosk(data_dir: Path, *args: str, stdin: str | None = None, check: bool = False) -> subprocess.CompletedProcess:
    """Run the real command line in a subprocess."""
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--data", str(data_dir), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    if check and result.returncode != 0:
        raise AssertionError(f"kiosk {' '.join(args)} failed: {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def kiosk_json(data_dir: Path, *args: str):
    return json.loads(kiosk(data_dir, *args, "--json", check=True).stdout)
