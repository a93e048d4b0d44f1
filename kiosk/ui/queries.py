"""Small reads the core has no call for yet (requested; see the desk-window report).

Kept here, in one place, so they can be replaced by core calls without touching the widgets.
"""

from __future__ import annotations

from kiosk.models.database import db


def all_guest_ids() -> list[str]:
    """Every guest id, in list order (the table shows them lazily). ~30 ms at 100,000 guests."""
    return [row[0] for row in db.connection().execute("SELECT id FROM guest ORDER BY rowid")]


def last_checkin_id(guest_id: str) -> str | None:
    """The guest's latest check-in that is not undone (for undo from the detail pane)."""
    row = (
        db.connection()
        .execute(
            "SELECT id FROM checkin WHERE guest_id = ? AND undone = 0 ORDER BY at DESC, id DESC LIMIT 1", (guest_id,)
        )
        .fetchone()
    )
    return row[0] if row else None


def device_names() -> dict[str, str]:
    """Device id → the station name it registered with (journal ``device.register``), for conflicts."""
    rows = db.connection().execute(
        "SELECT json_extract(payload, '$.device_id'), json_extract(payload, '$.name') FROM journal_entry"
        " WHERE kind = 'device.register' ORDER BY seq"
    )
    return {device: name for device, name in rows if isinstance(device, str) and isinstance(name, str) and name}
