"""A deliberately wrong scanner for the crash-safety test: it reports verdicts before committing.

It runs the real check-in engine, but inside an outer transaction that commits only every 25 scans
(a "batching for speed" mistake). The crash test must catch it losing reported check-ins.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kiosk.core.checkin import CheckinService
from kiosk.core.desk import Desk
from kiosk.models.database import db


def main(data_dir: str) -> None:
    desk = Desk(Path(data_dir))
    service = CheckinService(desk)
    lines = iter(sys.stdin)
    while True:
        with db.atomic("IMMEDIATE"):
            for _ in range(25):
                line = next(lines, None)
                if line is None:
                    return
                verdict = service.scan(line, "Bad desk")  # nested: a savepoint, not a commit
                sys.stdout.write(json.dumps(verdict.to_json(desk), ensure_ascii=False) + "\n")
                sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1])
