"""The check-in engine: scanned text in, a verdict out, inside one write transaction.

Checks run in this order and the first failure is the reason (ARCHITECTURE.md): malformed →
unknown key → invalid signature → another event → expired → revoked → cancelled registration →
not allowed in this session → already arrived. Any input gets a verdict, never an exception.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Literal

from kiosk.categories import CATEGORIES, CATEGORY_FROM_BYTE
from kiosk.core import credentials
from kiosk.core.desk import Desk
from kiosk.core.guest_view import GUEST_SELECT, GuestView
from kiosk.core.keys import verify
from kiosk.i18n import _
from kiosk.models.clock import wall_ms
from kiosk.models.database import db
from kiosk.models.ids import uuid7

Status = Literal["ok", "warn", "refused"]
MAX_INPUT = 4096  # a credential is 154 characters; anything far longer is not a code


@dataclass(frozen=True)
class Verdict:
    status: Status
    reason: str
    message: str
    guest: GuestView | None = None
    checkin_id: str | None = None
    # For amber: when and where the guest first arrived.
    arrived_at: int | None = None
    arrived_station: str | None = None
    # Guest codes: the category the code carries (for a signed guest this desk does not know yet).
    category: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status != "refused"

    def to_json(self, desk: Desk) -> dict[str, Any]:
        data: dict[str, Any] = {
            "status": self.status,
            "reason": self.reason,
            "message": self.message,
            "guest": self.guest.to_json(desk.event) if self.guest else None,
            "checkin_id": self.checkin_id,
        }
        data.update(self.extra)
        return data


def clean_scan(text: object) -> str:
    """What a scanner or IME typed, as we compare it: NFKC (full-width → ASCII), trimmed, no controls."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if not isinstance(text, str):
        return ""
    if text.isascii():
        stripped = text.strip()
        if stripped.isprintable():
            return stripped  # what a scanner sends: already clean
    text = unicodedata.normalize("NFKC", text[: MAX_INPUT * 4])
    return "".join(ch for ch in text if unicodedata.category(ch)[0] != "C").strip()


class CheckinService:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    # --- scanning -----------------------------------------------------------------------------------

    def scan(self, text: object, station: str | None = None, session: str | None = None) -> Verdict:
        """Judge ``text`` and, when admitted, journal the check-in or re-entry. Never raises on input."""
        station = station or self.desk.station
        with self.desk.write():
            verdict = self._judge(text, station, session or "")
            if verdict.status == "refused":
                self._log_refusal(verdict, text, station, session or "")
        return verdict

    def _judge(self, raw: object, station: str, session: str) -> Verdict:
        text = clean_scan(raw)
        if not text:
            return _refuse("malformed", _("Nothing was scanned. Scan the code again."))
        if len(text) > MAX_INPUT:
            return _refuse("malformed", _("This is not an invitation code (far too long). Scan the code again."))
        if credentials.has_prefix(text):
            return self._judge_credential(text, station, session)
        guest = self._guest_by_plain_code(text)
        if guest is None:
            return _refuse(
                "unknown",
                _("No guest has this code. Find the guest by name, or register them as a walk-in."),
            )
        return self._admit(guest, None, station, session)

    def _judge_credential(self, text: str, station: str, session: str) -> Verdict:
        try:
            code = credentials.decode(text)
        except credentials.MalformedCredential:
            return _refuse("malformed", _("The code could not be read completely. Scan it again, slowly."))
        if code.kind == "agreement":
            return self._agreement(code)
        if code.kind != "guest":
            return _refuse("malformed", _("This is a staff code, not an invitation."))
        public_key = self.desk.trusted_keys().get(code.key_id)
        if public_key is None:
            return _refuse(
                "unknown_key",
                _("This code was signed by a key this desk does not know. Send the guest to the help desk."),
            )
        if not verify(public_key, code.signature, code.signed):
            return _refuse("invalid_signature", _("This code is forged or damaged. Send the guest to the help desk."))
        event = self.desk.require_event()
        if code.event_tag != credentials.event_tag(event.id):
            return _refuse("wrong_event", _("This invitation is for another event."))
        if code.valid_until < date.today():
            return _refuse("expired", _("This invitation has expired."))
        current = (
            db.connection()
            .execute("SELECT max(serial) FROM credential WHERE guest_id = ?", (code.subject_id,))
            .fetchone()[0]
        )
        if current is not None and code.serial < current:
            return _refuse(
                "revoked",
                _("This code was replaced by a newer one. Ask the guest for the new code or find them by name."),
            )
        guest = self._guest(code.subject_id)
        category = CATEGORY_FROM_BYTE.get(code.category, "guest")
        return self._admit(guest, (code.subject_id, category), station, session)

    def _agreement(self, code: credentials.Credential) -> Verdict:
        """An agreement's code opens it; a signed one is marked collected (its original handed in)."""
        from kiosk.core.agreements import scan_agreement

        return scan_agreement(self.desk, code)

    def _admit(self, guest: GuestView | None, signed: tuple[str, str] | None, station: str, session: str) -> Verdict:
        """The checks that follow a valid code: cancelled → not allowed → already arrived."""
        category = guest.category if guest and not guest.stub else (signed[1] if signed else "guest")
        if guest is not None and guest.state == "cancelled":
            return _refuse("cancelled", _("This registration was cancelled. Send the guest to the help desk."), guest)
        if session:
            allowed = self._session_categories(session)
            if allowed is None:
                return _refuse("not_allowed", _("This desk's session does not exist. Check the desk settings."), guest)
            if category not in allowed:
                return _refuse("not_allowed", _("This guest is not admitted to this session."), guest)
        guest_id = guest.id if guest else signed[0]  # type: ignore[index]
        return self._record_checkin(guest_id, guest, category, station, session)

    def _record_checkin(
        self, guest_id: str, guest: GuestView | None, category: str, station: str, session: str
    ) -> Verdict:
        first = guest is None or guest.arrived_at is None
        checkin_id = uuid7()
        at = wall_ms()
        self.desk.record(
            "checkin",
            {
                "checkin_id": checkin_id,
                "guest_id": guest_id,
                "kind": "arrival" if first else "reentry",
                "station": station,
                "session": session,
                "category": category,
                "at": at,
            },
        )
        if guest is None:
            after = self._guest(guest_id)  # the stub the check-in created
        elif first:
            after = replace(guest, arrived_at=at, arrived_station=station)  # what the applier just wrote
        else:
            after = guest
        if first:
            message = (
                _("Welcome! Checked in.")
                if after and not after.stub
                else _("Valid invitation, checked in. This desk does not have the name yet: ask for it for the badge.")
            )
            return Verdict("ok", "checked_in", message, after, checkin_id, category=category)
        event = self.desk.require_event()
        when = event.local_time(guest.arrived_at).strftime("%H:%M")  # type: ignore[union-attr,arg-type]
        message = _("Already arrived at {time} at {station}. Welcome back.").format(
            time=when,
            station=guest.arrived_station or "?",  # type: ignore[union-attr]
        )
        return Verdict(
            "warn",
            "already_checked_in",
            message,
            after,
            checkin_id,
            arrived_at=guest.arrived_at,
            arrived_station=guest.arrived_station,  # type: ignore[union-attr]
            category=category,
        )

    # --- manual check-in and undo ---------------------------------------------------------------------

    def check_in_guest(self, guest_id: str, station: str | None = None, session: str | None = None) -> Verdict:
        """Check in a guest found by name (no code): the same checks after the code's."""
        station = station or self.desk.station
        with self.desk.write():
            guest = self._guest(guest_id)
            if guest is None:
                verdict = _refuse("unknown", _("No such guest."))
            else:
                verdict = self._admit(guest, None, station, session or "")
            if verdict.status == "refused":
                self._log_refusal(verdict, guest_id, station, session or "")
        return verdict

    def undo(self, checkin_id: str) -> GuestView:
        """Undo a check-in or re-entry (journalled). Raises LookupError for an unknown id."""
        with self.desk.write():
            row = db.connection().execute("SELECT guest_id, undone FROM checkin WHERE id = ?", (checkin_id,)).fetchone()
            if row is None:
                raise LookupError(checkin_id)
            if not row[1]:
                self.desk.record("checkin.undo", {"checkin_id": checkin_id})
            guest = self._guest(row[0])
        assert guest is not None
        return guest

    # --- lookups -------------------------------------------------------------------------------------

    def _guest(self, guest_id: str) -> GuestView | None:
        row = db.connection().execute(GUEST_SELECT + " WHERE id = ?", (guest_id,)).fetchone()
        return GuestView.from_row(row) if row else None

    def _guest_by_plain_code(self, code: str) -> GuestView | None:
        row = (
            db.connection()
            .execute(GUEST_SELECT + " WHERE plain_code = ? AND plain_code != '' ORDER BY id LIMIT 1", (code,))
            .fetchone()
        )
        return GuestView.from_row(row) if row else None

    def _session_categories(self, code: str) -> set[str] | None:
        row = db.connection().execute("SELECT categories FROM session WHERE code = ?", (code,)).fetchone()
        if row is None:
            return None
        try:
            return {c for c in json.loads(row[0]) if c in CATEGORIES}
        except ValueError:
            return set()

    def _log_refusal(self, verdict: Verdict, text: object, station: str, session: str) -> None:
        excerpt = clean_scan(text)[:40] if not isinstance(text, bytes) else repr(text[:20])
        db.connection().execute(
            "INSERT INTO refusal (at, station, session, reason, excerpt) VALUES (?, ?, ?, ?, ?)",
            (wall_ms(), station, session, verdict.reason, excerpt),
        )


def _refuse(reason: str, message: str, guest: GuestView | None = None) -> Verdict:
    return Verdict("refused", reason, message, guest)
