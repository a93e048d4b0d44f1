"""A guest as the desk shows it (a value crossing layers), and its JSON form (GUEST)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kiosk.core.desk import EventInfo
from kiosk.models.projection import GUEST_FIELDS

# The stored fields (one list, the projection's) plus what the projection derives.
GUEST_COLUMNS = ("id", *GUEST_FIELDS, "stub", "arrived_at", "arrived_station")
GUEST_SELECT = "SELECT " + ", ".join(GUEST_COLUMNS) + " FROM guest"


@dataclass(frozen=True)
class GuestView:
    id: str
    name: str
    organisation: str
    title: str
    category: str
    phone: str
    email: str
    plain_code: str
    state: str
    note: str
    walk_in: bool
    stub: bool
    arrived_at: int | None  # UTC epoch ms
    arrived_station: str | None

    @classmethod
    def from_row(cls, row: tuple) -> GuestView:
        values = dict(zip(GUEST_COLUMNS, row, strict=True))
        values["walk_in"] = bool(values["walk_in"])
        values["stub"] = bool(values["stub"])
        return cls(**values)

    def to_json(self, event: EventInfo | None) -> dict[str, Any]:
        """GUEST of the command-line contract (phone and e-mail masked)."""
        return {
            "id": self.id,
            "name": self.name,
            "organisation": self.organisation,
            "title": self.title,
            "category": self.category,
            "checked_in": event.iso(self.arrived_at) if event else None,
            "station": self.arrived_station,
            "note": self.note,
            "phone": mask_phone(self.phone),
            "state": self.state,
            "walk_in": self.walk_in,
            "known": not self.stub,
        }


def mask_phone(phone: str) -> str:
    """138****8000: enough for a volunteer to confirm with the guest, not to copy."""
    if len(phone) <= 4:
        return "*" * len(phone)
    if len(phone) >= 8:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * (len(phone) - 4) + phone[-4:]


def mask_email(email: str) -> str:
    local, at, domain = email.partition("@")
    if not at:
        return mask_phone(email)
    return (local[:1] + "***" if local else "") + "@" + domain
