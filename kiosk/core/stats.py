"""Arrival statistics: expected vs arrived per category and per session, arrivals over time."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from kiosk.categories import CATEGORIES
from kiosk.models.clock import wall_ms
from kiosk.models.database import db

BUCKET_MS = 10 * 60 * 1000


@dataclass
class Counts:
    expected: int = 0
    arrived: int = 0

    def to_json(self) -> dict[str, int]:
        return {"expected": self.expected, "arrived": self.arrived}


@dataclass
class Stats:
    expected: int
    arrived: int
    walk_ins: int
    by_category: dict[str, Counts]
    by_session: dict[str, Counts]
    refused: int
    buckets: list[tuple[int, int]] = field(default_factory=list)  # (bucket start epoch ms, arrivals)

    def to_json(self) -> dict[str, Any]:
        return {
            "expected": self.expected,
            "arrived": self.arrived,
            "walk_ins": self.walk_ins,
            "refused": self.refused,
            "by_category": {name: counts.to_json() for name, counts in self.by_category.items()},
            "by_session": {code: counts.to_json() for code, counts in self.by_session.items()},
        }


def compute() -> Stats:
    connection = db.connection()
    by_category = {name: Counts() for name in CATEGORIES}
    for category, expected, arrived in connection.execute(
        "SELECT category, COUNT(*), COUNT(arrived_at) FROM guest WHERE state != 'cancelled' GROUP BY category"
    ):
        counts = by_category.setdefault(category, Counts())
        counts.expected, counts.arrived = expected, arrived
    by_session: dict[str, Counts] = {}
    for code, categories_json in connection.execute("SELECT code, categories FROM session ORDER BY starts, code"):
        try:
            categories = [c for c in json.loads(categories_json) if isinstance(c, str)]
        except ValueError:
            categories = []
        expected = sum(by_category[c].expected for c in set(categories) if c in by_category)
        arrived = connection.execute(
            "SELECT COUNT(DISTINCT guest_id) FROM checkin WHERE session = ? AND undone = 0", (code,)
        ).fetchone()[0]
        by_session[code] = Counts(expected, arrived)
    walk_ins = connection.execute("SELECT COUNT(*) FROM guest WHERE walk_in = 1 AND state != 'cancelled'").fetchone()[0]
    refused = connection.execute("SELECT COUNT(*) FROM refusal").fetchone()[0]
    return Stats(
        expected=sum(c.expected for c in by_category.values()),
        arrived=sum(c.arrived for c in by_category.values()),
        walk_ins=walk_ins,
        by_category=by_category,
        by_session=by_session,
        refused=refused,
        buckets=arrival_buckets(),
    )


def arrival_buckets(bucket_ms: int = BUCKET_MS) -> list[tuple[int, int]]:
    """First arrivals per time bucket (UTC epoch ms of the bucket start, count), oldest first."""
    return [
        (bucket * bucket_ms, count)
        for bucket, count in db.connection().execute(
            "SELECT arrived_at / ? AS bucket, COUNT(*) FROM guest WHERE arrived_at IS NOT NULL"
            " AND state != 'cancelled' GROUP BY bucket ORDER BY bucket",
            (bucket_ms,),
        )
    ]


def station_count(station: str, since_ms: int | None = None) -> int:
    """Live check-ins and re-entries recorded at ``station`` since ``since_ms`` (default: an hour ago)."""
    since = wall_ms() - 3_600_000 if since_ms is None else since_ms
    return db.connection().execute(
        "SELECT COUNT(*) FROM checkin WHERE station = ? AND at >= ? AND undone = 0", (station, since)
    ).fetchone()[0]
