"""``kiosk demo``: the Yellow River Delta oilfield-services forum, ready to scan."""

from __future__ import annotations

from datetime import date

from kiosk.core.demo_agreements import add_demo_agreements
from kiosk.core.demo_data import demo_event
from kiosk.core.desk import Desk, EventInfo
from kiosk.models.database import checkpoint
from kiosk.models.ids import uuid7

GUEST_FIELDS = ("name", "organisation", "title", "category", "phone", "email", "note", "plain_code")


def create_demo(desk: Desk, guests: int = 300, today: date | None = None) -> EventInfo:
    """Create the demo event in an empty data folder (raises EventExists otherwise)."""
    demo = demo_event(today or date.today(), guests=guests)
    event = desk.create_event(
        name=demo.name, date_text=demo.date.isoformat(), venue=demo.venue, timezone=demo.timezone
    )
    for session in demo.sessions:
        desk.set_session(session.code, session.name, list(session.categories), session.starts, session.ends)
    with desk.write():
        entries = [
            desk.journal.make(
                "guest.set",
                {"guest_id": uuid7(), "fields": {name: getattr(guest, name) for name in GUEST_FIELDS}},
                desk.operator,
            )
            for guest in demo.guests
        ]
        desk.journal.record_entries(entries)
    add_demo_agreements(desk)
    checkpoint()  # a bulk write: fold the WAL now, not later on a scan's path
    return event
