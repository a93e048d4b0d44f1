"""One desk of the load test: scan random codes and sync every few scans until the time is up.

``python -m tests.sync.load_desk DATA_DIR CODES_FILE SECONDS SEED`` prints a JSON summary.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from kiosk.core.checkin import CheckinService
from kiosk.core.desk import Desk
from kiosk.core.sync_service import HubError, SyncService


def main(data: str, codes_file: str, seconds: str, seed: str) -> int:
    codes = Path(codes_file).read_text().split()
    pick = random.Random(int(seed))
    desk = Desk(Path(data))
    summary = {"scans": 0, "syncs": 0, "sync_errors": 0, "pushed": 0, "pulled": 0, "checkins": []}
    try:
        deadline = time.monotonic() + float(seconds)
        while time.monotonic() < deadline:
            for _ in range(pick.randint(1, 5)):
                verdict = CheckinService(desk).scan(pick.choice(codes), f"Desk {seed}")
                summary["scans"] += 1
                if verdict.checkin_id:
                    summary["checkins"].append(verdict.checkin_id)
            try:
                report = SyncService(desk, timeout=60).sync()
                summary["syncs"] += 1
                summary["pushed"] += report.pushed
                summary["pulled"] += report.pulled
            except HubError:
                summary["sync_errors"] += 1
            time.sleep(pick.uniform(0.2, 1.0))
    finally:
        desk.close()
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
