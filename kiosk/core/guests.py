"""Guests: listing, details, walk-ins, corrections, cancellation (all changes journalled)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kiosk.categories import CATEGORIES
from kiosk.core.desk import Desk
from kiosk.core.guest_view import GUEST_SELECT, GuestView
from kiosk.models.database import db
from kiosk.models.ids import uuid7
from kiosk.models.projection import GUEST_FIELDS

EDITABLE_FIELDS = (
    "name",
    "organisation",
    "title",
    "category",
    "phone",
    "email",
    "plain_code",
    "note",
    "state",
)


class InvalidGuest(ValueError):
    """Field values that cannot be stored; the message says which and why."""


class GuestService:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def get(self, guest_id: str) -> GuestView | None:
        row = db.connection().execute(GUEST_SELECT + " WHERE id = ?", (guest_id,)).fetchone()
        return GuestView.from_row(row) if row else None

    def many(self, guest_ids: Iterable[str]) -> list[GuestView]:
        ids = list(guest_ids)
        found: dict[str, GuestView] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in db.connection().execute(GUEST_SELECT + f" WHERE id IN ({marks})", chunk):
                view = GuestView.from_row(row)
                found[view.id] = view
        return [found[i] for i in ids if i in found]

    def all(self) -> list[GuestView]:
        return [GuestView.from_row(row) for row in db.connection().execute(GUEST_SELECT + " ORDER BY rowid")]

    def by_organisation(self, organisation: str) -> list[GuestView]:
        rows = db.connection().execute(GUEST_SELECT + " WHERE organisation = ? ORDER BY name", (organisation,))
        return [GuestView.from_row(row) for row in rows]

    def create(self, fields: dict[str, Any], *, walk_in: bool = False) -> GuestView:
        """A new guest (a walk-in when ``walk_in``). Returns it as stored."""
        values = _checked(fields)
        if not values.get("name"):
            raise InvalidGuest("name")
        values.setdefault("category", "guest")
        values["walk_in"] = walk_in
        guest_id = uuid7()
        with self.desk.write():
            self.desk.record("guest.set", {"guest_id": guest_id, "fields": values})
        created = self.get(guest_id)
        assert created is not None
        return created

    def update(self, guest_id: str, fields: dict[str, Any]) -> GuestView:
        """Change some fields (only those that differ are journalled)."""
        values = _checked(fields)
        with self.desk.write():
            current = self.get(guest_id)
            if current is None:
                raise LookupError(guest_id)
            changed = {name: value for name, value in values.items() if getattr(current, name) != value}
            if changed:
                self.desk.record("guest.set", {"guest_id": guest_id, "fields": changed})
        updated = self.get(guest_id)
        assert updated is not None
        return updated

    def cancel(self, guest_id: str) -> GuestView:
        return self.update(guest_id, {"state": "cancelled"})


def _checked(fields: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS or name not in GUEST_FIELDS:
            raise InvalidGuest(name)
        if not isinstance(value, str):
            raise InvalidGuest(name)
        value = " ".join(value.split())
        if len(value) > 200:
            raise InvalidGuest(name)
        values[name] = value
    if "category" in values and values["category"] not in CATEGORIES:
        raise InvalidGuest("category")
    if "state" in values and values["state"] not in {"registered", "cancelled"}:
        raise InvalidGuest("state")
    return values
