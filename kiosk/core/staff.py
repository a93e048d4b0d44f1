"""Staff access to an unattended kiosk: the desk's staff PIN and staff unlock codes.

The PIN is stored only as a salted scrypt hash in this desk's ``LocalSetting`` (never synced, never
journalled, never logged). Wrong tries make the next try wait longer (0, 1, 2, 4, … s, capped);
the count and the "locked until" time are stored too, so restarting the kiosk does not reset them.
Clocks are injectable (``now``, seconds since the epoch) so tests never sleep.

An unlock code is a credential of kind "staff" signed by a desk's device key. The credential has a
day, not a time, so the expiry minute is carried in its serial: the code expires at
``valid_until`` 00:00 UTC + ``serial`` minutes (at most ``MAX_CODE_MINUTES`` ahead).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kiosk.categories import CATEGORY_BYTE
from kiosk.core import credentials
from kiosk.core.desk import Desk
from kiosk.core.keys import verify
from kiosk.i18n import _
from kiosk.models.tables import LocalSetting

PIN_KEY = "staff.pin"
THROTTLE_KEY = "staff.pin.throttle"
MIN_PIN, MAX_PIN = 4, 12
MAX_DELAY_S = 300.0
DEFAULT_CODE_MINUTES = 24 * 60
MAX_CODE_MINUTES = 7 * 24 * 60
# scrypt: 16 MiB of memory and ~50 ms per try — cheap for one staff member, costly for a guesser.
SCRYPT = {"n": 2**14, "r": 8, "p": 1}

Clock = Callable[[], float]


class PinError(ValueError):
    """A PIN that cannot be set (the message is for the staff)."""


@dataclass(frozen=True)
class PinCheck:
    """The result of one try: ``ok``; else ``locked_until`` (epoch s, 0 = may try now)."""

    ok: bool
    failures: int
    locked_until: float
    locked: bool = False  # the try came too early and was not checked at all

    def wait_seconds(self, now: float) -> float:
        return max(0.0, self.locked_until - now)


def delay_after(failures: int) -> float:
    """Seconds to wait after ``failures`` wrong tries in a row: 0, 1, 2, 4, 8, … capped."""
    if failures <= 1:
        return 0.0
    return min(float(2 ** (failures - 2)), MAX_DELAY_S)


def validate_pin(pin: str) -> str:
    if not (pin.isascii() and pin.isdigit() and MIN_PIN <= len(pin) <= MAX_PIN):
        raise PinError(_("The staff PIN must be {low} to {high} digits.").format(low=MIN_PIN, high=MAX_PIN))
    return pin


def _hash(pin: str, salt: bytes, params: dict) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, n=params["n"], r=params["r"], p=params["p"], dklen=32,
                          maxmem=64 * 1024 * 1024)


def _get(key: str) -> dict | None:
    row = LocalSetting.get_or_none(LocalSetting.key == key)
    if row is None:
        return None
    try:
        value = json.loads(row.value)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def has_pin(desk: Desk) -> bool:
    return _get(PIN_KEY) is not None


def set_pin(desk: Desk, pin: str) -> None:
    """Store a new staff PIN (its salted hash) and clear the wrong-try count."""
    validate_pin(pin)
    salt = os.urandom(16)
    record = {"kdf": "scrypt", **SCRYPT, "salt": salt.hex(), "hash": _hash(pin, salt, SCRYPT).hex()}
    with desk.write():
        LocalSetting.replace(key=PIN_KEY, value=json.dumps(record)).execute()
        LocalSetting.replace(key=THROTTLE_KEY, value=json.dumps({"failures": 0, "locked_until": 0})).execute()


def throttle(desk: Desk) -> PinCheck:
    """The current wrong-try state (for a countdown), without trying anything."""
    state = _get(THROTTLE_KEY) or {}
    failures = int(state.get("failures", 0) or 0)
    return PinCheck(False, failures, float(state.get("locked_until", 0) or 0))


def check_pin(desk: Desk, pin: str, *, now: Clock = time.time) -> PinCheck:
    """Try ``pin``. Too early after wrong tries: refused unchecked (``locked``). No PIN set: never ok."""
    with desk.write():
        current = throttle(desk)
        moment = now()
        if moment < current.locked_until:
            return PinCheck(False, current.failures, current.locked_until, locked=True)
        record = _get(PIN_KEY)
        ok = False
        if record is not None and isinstance(pin, str) and len(pin) <= 64:
            try:
                params = {"n": int(record["n"]), "r": int(record["r"]), "p": int(record["p"])}
                expected = bytes.fromhex(record["hash"])
                ok = hmac.compare_digest(_hash(pin, bytes.fromhex(record["salt"]), params), expected)
            except (KeyError, ValueError, TypeError):
                ok = False
        failures = 0 if ok else current.failures + 1
        locked_until = 0.0 if ok else moment + delay_after(failures)
        LocalSetting.replace(
            key=THROTTLE_KEY, value=json.dumps({"failures": failures, "locked_until": locked_until})
        ).execute()
    return PinCheck(ok, failures, locked_until)


# --- unlock codes -------------------------------------------------------------------------------------


def issue_unlock_code(desk: Desk, minutes: int = DEFAULT_CODE_MINUTES, *, now: Clock = time.time) -> str:
    """A staff unlock code signed by this desk's device key, valid for ``minutes`` from now."""
    minutes = max(1, min(int(minutes), MAX_CODE_MINUTES))
    expires = datetime.fromtimestamp(now(), UTC) + timedelta(minutes=minutes)
    minute_of_day = expires.hour * 60 + expires.minute
    return credentials.encode(
        desk.device_key,
        kind="staff",
        event_id=desk.require_event().id,
        subject_id=str(uuid.uuid4()),
        category=CATEGORY_BYTE["staff"],
        valid_until=expires.date(),
        serial=minute_of_day,
    )


def code_expires(code: credentials.Credential) -> datetime:
    day = code.valid_until
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=min(code.serial, 24 * 60 - 1))


def check_unlock_code(desk: Desk, text: str, *, now: Clock = time.time) -> bool:
    """Is ``text`` a staff code for this event, signed by a trusted key (or this desk's), not expired?"""
    if not isinstance(text, str) or not credentials.has_prefix(text.strip()):
        return False
    try:
        code = credentials.decode(text.strip())
    except credentials.MalformedCredential:
        return False
    if code.kind != "staff":
        return False
    keys = dict(desk.trusted_keys())
    keys.setdefault(desk.device_key.key_id, desk.device_key.public_bytes)
    public_key = keys.get(code.key_id)
    if public_key is None or not verify(public_key, code.signature, code.signed):
        return False
    event = desk.event
    if event is None or code.event_tag != credentials.event_tag(event.id):
        return False
    moment = datetime.fromtimestamp(now(), UTC)
    # A code "expiring" further ahead than any issued code could is not ours to honour.
    return moment <= code_expires(code) <= moment + timedelta(minutes=MAX_CODE_MINUTES + 1)
