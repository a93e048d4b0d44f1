"""Issuing guests' codes: the current code of a guest, issued on first use; reissue revokes."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.categories import CATEGORY_BYTE
from kiosk.core import credentials
from kiosk.core.desk import Desk
from kiosk.models.database import db


@dataclass(frozen=True)
class IssuedCode:
    guest_id: str
    text: str
    serial: int


class UnknownGuest(LookupError):
    pass


class IssuingService:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    def current(self, guest_id: str, *, reissue: bool = False) -> IssuedCode:
        """The guest's current code; a first call (or ``reissue``) signs and journals a new one."""
        with self.desk.write():
            return self._current(guest_id, reissue)

    def all_current(self) -> list[IssuedCode]:
        """Every guest's current code (issuing those that have none), in one transaction."""
        with self.desk.write():
            ids = [
                row[0]
                for row in db.connection().execute(
                    "SELECT id FROM guest WHERE stub = 0 AND state != 'cancelled' ORDER BY rowid"
                )
            ]
            return [self._current(guest_id, False) for guest_id in ids]

    def _current(self, guest_id: str, reissue: bool) -> IssuedCode:
        connection = db.connection()
        guest = connection.execute("SELECT category FROM guest WHERE id = ?", (guest_id,)).fetchone()
        if guest is None:
            raise UnknownGuest(guest_id)
        latest = connection.execute(
            "SELECT serial, text FROM credential WHERE guest_id = ? ORDER BY serial DESC LIMIT 1", (guest_id,)
        ).fetchone()
        if latest is not None and not reissue:
            return IssuedCode(guest_id, latest[1], latest[0])
        serial = (latest[0] + 1) if latest else 1
        event = self.desk.require_event()
        key = self.desk.signing_key()
        text = credentials.encode(
            key,
            kind="guest",
            event_id=event.id,
            subject_id=guest_id,
            category=CATEGORY_BYTE.get(guest[0], CATEGORY_BYTE["guest"]),
            valid_until=event.valid_until(),
            serial=serial,
        )
        self.desk.record(
            "credential.issue", {"guest_id": guest_id, "serial": serial, "key_id": key.key_id, "text": text}
        )
        return IssuedCode(guest_id, text, serial)
