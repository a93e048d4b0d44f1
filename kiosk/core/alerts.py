"""Alerts for the staff: raised by a desk or an unattended kiosk, resolved by anyone; synced."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.core.desk import Desk
from kiosk.models.clock import wall_ms
from kiosk.models.database import db
from kiosk.models.ids import uuid7


@dataclass(frozen=True)
class AlertView:
    id: str
    kind: str
    message: str
    station: str
    device: str
    raised_at: int
    resolved: bool


def raise_alert(desk: Desk, kind: str, message: str) -> AlertView:
    """Record an alert from this desk (inside its own write transaction)."""
    alert_id = uuid7()
    with desk.write():
        desk.record(
            "alert.set",
            {"alert_id": alert_id, "fields": {"kind": kind[:40], "message": message[:500], "station": desk.station,
                                              "device": desk.device_id, "raised_at": wall_ms(), "resolved": 0}},
        )
    return next(alert for alert in open_alerts() if alert.id == alert_id)


def resolve_alert(desk: Desk, alert_id: str) -> None:
    with desk.write():
        desk.record("alert.set", {"alert_id": alert_id, "fields": {"resolved": 1}})


def open_alerts() -> list[AlertView]:
    rows = db.connection().execute(
        "SELECT id, kind, message, station, device, raised_at, resolved FROM alert WHERE resolved = 0"
        " ORDER BY raised_at DESC, id"
    )
    return [AlertView(*row[:6], bool(row[6])) for row in rows]
