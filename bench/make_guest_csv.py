"""Write a realistic guest list as a UTF-8 CSV, for the import benchmark.

    python bench/make_guest_csv.py out.csv 100000 [seed]

The guests come from the demo event generator (its name and organisation pools, unique phones), so a
benchmark imports the kind of file an organiser really sends: Chinese headings, a few empty cells,
phones written with dashes or +86 now and then.
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import date
from pathlib import Path

from kiosk.core.demo_data import demo_event

HEADINGS = ("姓名", "单位", "职务", "手机", "类别", "邮箱", "票号", "备注")
# The words an organiser types in the category column (the file is Chinese whatever the desk shows).
CATEGORY_WORDS = {
    "expert": "专家",
    "academic": "学者",
    "enterprise": "企业",
    "government": "政府",
    "media": "媒体",
    "staff": "工作人员",
    "guest": "嘉宾",
}


def write_guest_csv(path: Path, n: int, seed: int = 1) -> Path:
    """Write ``n`` guests (n ≥ 10) to ``path`` as UTF-8 CSV with Chinese headings; returns the path."""
    path = Path(path)
    event = demo_event(date(2026, 1, 1), guests=n, seed=seed)
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADINGS)
        for guest in event.guests:
            phone = guest.phone
            style = rng.random()
            if style < 0.1:
                phone = f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
            elif style < 0.15:
                phone = f"+86 {phone}"
            writer.writerow(
                (
                    guest.name,
                    guest.organisation,
                    guest.title,
                    phone,
                    CATEGORY_WORDS[guest.category],
                    guest.email,
                    guest.plain_code,
                    guest.note,
                )
            )
    return path


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 4):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    write_guest_csv(Path(argv[1]), int(argv[2]), int(argv[3]) if len(argv) == 4 else 1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
