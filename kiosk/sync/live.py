"""The organiser's live view, folded on the hub from the entries it stores.

Only ``guest.set`` (category and state, last writer wins by (HLC, device) as on the desks),
``checkin`` and ``checkin.undo`` (tombstones, so order does not matter) and ``agreement.*`` are
read. A guest has arrived when one of their check-ins is not undone; their arrival is the earliest
live one (by time, then id) and counts for the station that recorded it — the desks' own rule.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class _Guest:
    category: str = "guest"
    state: str = "registered"
    versions: dict[str, list] = field(default_factory=dict)
    known: bool = False


@dataclass
class LiveFold:
    """Folds wire entries in any order; ``snapshot()`` gives the counts. Not thread-safe by itself."""

    cursor: int = 0
    guests: dict[str, _Guest] = field(default_factory=dict)
    checkins: dict[str, tuple[str, int, str, str]] = field(default_factory=dict)  # id → guest, at, station, category
    undone: set[str] = field(default_factory=set)
    agreements: set[str] = field(default_factory=set)

    def apply(self, entry: dict[str, Any]) -> None:
        kind, payload = entry.get("kind"), entry.get("payload") or {}
        if kind == "guest.set":
            self._guest_set(entry, payload)
        elif kind == "checkin":
            checkin_id, guest_id, at = payload.get("checkin_id"), payload.get("guest_id"), payload.get("at")
            if isinstance(checkin_id, str) and isinstance(guest_id, str) and isinstance(at, int):
                category = payload.get("category") if isinstance(payload.get("category"), str) else "guest"
                self.checkins.setdefault(checkin_id, (guest_id, at, str(payload.get("station", "")), category))
        elif kind == "checkin.undo":
            if isinstance(payload.get("checkin_id"), str):
                self.undone.add(payload["checkin_id"])
        elif isinstance(kind, str) and kind.startswith("agreement"):
            agreement = payload.get("agreement_id")
            if isinstance(agreement, str):
                self.agreements.add(agreement)

    def _guest_set(self, entry: dict[str, Any], payload: dict[str, Any]) -> None:
        guest_id, fields = payload.get("guest_id"), payload.get("fields")
        if not isinstance(guest_id, str) or not isinstance(fields, dict):
            return
        guest = self.guests.setdefault(guest_id, _Guest())
        guest.known = True
        stamp = [entry.get("hlc", 0), entry.get("device", "")]
        for name in ("category", "state"):
            if name in fields and isinstance(fields[name], str):
                current = guest.versions.get(name)
                if current is None or stamp > current:
                    guest.versions[name] = stamp
                    setattr(guest, name, fields[name])

    def snapshot(self) -> dict[str, Any]:
        earliest: dict[str, tuple[int, str, str, str]] = {}
        for checkin_id, (guest_id, at, station, category) in self.checkins.items():
            if checkin_id in self.undone:
                continue
            best = earliest.get(guest_id)
            if best is None or (at, checkin_id) < (best[0], best[1]):
                earliest[guest_id] = (at, checkin_id, station, category)
        expected: dict[str, int] = {}
        for guest in self.guests.values():
            if guest.known and guest.state != "cancelled":
                expected[guest.category] = expected.get(guest.category, 0) + 1
        by_category: dict[str, int] = {}
        by_station: dict[str, int] = {}
        for guest_id, (_at, _id, station, category) in earliest.items():
            guest = self.guests.get(guest_id)
            category = guest.category if guest is not None and guest.known else category
            by_category[category] = by_category.get(category, 0) + 1
            by_station[station] = by_station.get(station, 0) + 1
        return {
            "expected": sum(expected.values()),
            "arrived": len(earliest),
            "by_category": {
                name: {"expected": expected.get(name, 0), "arrived": by_category.get(name, 0)}
                for name in sorted(expected.keys() | by_category.keys())
            },
            "by_station": dict(sorted(by_station.items())),
            "agreements": len(self.agreements),
        }


class LiveCache:
    """One fold per event, brought up to date from the hub's cursor on each read.

    Safe because hub numbers become visible in increasing order (see kiosk.sync.store).
    """

    def __init__(self) -> None:
        self._folds: dict[str, LiveFold] = {}
        self._lock = threading.Lock()

    def snapshot(self, event_id: str, fetch) -> dict[str, Any]:
        """The event's counts; ``fetch(after) -> list of (seq, entry dict)`` is paged until empty."""
        with self._lock:
            fold = self._folds.setdefault(event_id, LiveFold())
            while page := fetch(fold.cursor):
                for seq, entry in page:
                    fold.apply(entry)
                    fold.cursor = seq
            return fold.snapshot()
