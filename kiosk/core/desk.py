"""A desk's data folder opened for work: database, device identity, keys, journal, trust.

One ``Desk`` per process and data folder. Services (check-in, guests, import, ...) take the desk.
Writes go through ``desk.write()`` — one IMMEDIATE transaction — and ``desk.journal``.
"""

from __future__ import annotations

import hashlib
import json
import platform
import socket
import uuid
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.core.keys import (
    DEVICE_KEY_FILE,
    EVENT_KEY_FILE,
    SigningKey,
    certificate_message,
    load_key,
    load_or_create_key,
    verify,
)
from kiosk.models import database
from kiosk.models.clock import wall_ms
from kiosk.models.database import DATABASE_FILE, db
from kiosk.models.ids import uuid7
from kiosk.models.journal import Journal, reapply_unknown
from kiosk.models.tables import Event, LocalSetting, PublicKey, Session


def machine_fingerprint() -> str:
    """Identifies this machine, to notice a data folder copied from another one."""
    machine_id = ""
    for candidate in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
        try:
            machine_id = Path(candidate).read_text().strip()
            break
        except OSError:
            continue
    seed = f"{machine_id}|{uuid.getnode()}|{platform.node()}"
    return hashlib.sha256(seed.encode()).hexdigest()[:24]


def default_station() -> str:
    return socket.gethostname() or "Desk"


@dataclass(frozen=True)
class EventInfo:
    id: str
    name: str
    date: str
    venue: str
    timezone: str

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def local_time(self, epoch_ms: int) -> datetime:
        return datetime.fromtimestamp(epoch_ms / 1000, self.zone)

    def iso(self, epoch_ms: int | None) -> str | None:
        return None if epoch_ms is None else self.local_time(epoch_ms).isoformat(timespec="seconds")

    def valid_until(self) -> date:
        """Codes stay valid through the day after the event (late departures, next-day sessions)."""
        try:
            return date.fromisoformat(self.date) + timedelta(days=1)
        except ValueError:
            return date.today() + timedelta(days=365)


class Desk:
    """The open data folder. Attributes are set once at open; station/operator change per shift."""

    def __init__(self, data_dir: Path, *, fingerprint: str | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        database.open_database(self.data_dir / DATABASE_FILE)
        self.station = default_station()
        self.operator = ""
        self.copied_from = ""
        with self.write():
            self.device_id = self._device_identity(fingerprint or machine_fingerprint())
            self.journal = Journal(self.device_id)
            reapply_unknown()
        self.device_key = self._device_key()
        self.event_key = load_key(self.data_dir / EVENT_KEY_FILE)
        self._trusted: dict[str, bytes] | None = None
        self._event: EventInfo | None = None
        with self.write():
            self._register_device()

    # --- plumbing ---------------------------------------------------------------------------------

    def write(self) -> AbstractContextManager:
        """One write transaction (BEGIN IMMEDIATE): the state change and its journal entry together."""
        return db.atomic("IMMEDIATE")

    def close(self) -> None:
        database.close_database()

    def record(self, kind: str, payload: dict, operator: str | None = None):
        """Journal one change of this desk (inside ``write()``) and drop caches it may affect."""
        entry = self.journal.record(kind, payload, self.operator if operator is None else operator)
        self.changed(kind)
        return entry

    def changed(self, kind: str) -> None:
        if kind in {"key.add", "device.register"}:
            self._trusted = None
        if kind in {"event.set", "session.set"}:
            self._event = None

    def _device_identity(self, fingerprint: str) -> str:
        settings = {row.key: row.value for row in LocalSetting.select()}
        device_id = settings.get("device_id")
        if device_id and settings.get("machine") != fingerprint:
            # The folder was copied from another machine: continuing under the same device id would
            # silently merge two desks' entries. Become a new device and say where we came from.
            self.copied_from = device_id
            device_id = None
            old_key = self.data_dir / DEVICE_KEY_FILE
            if old_key.exists():
                old_key.rename(self.data_dir / f"{DEVICE_KEY_FILE}.copied-{wall_ms()}")
        if not device_id:
            device_id = uuid7()
            LocalSetting.replace(key="device_id", value=device_id).execute()
            LocalSetting.replace(key="machine", value=fingerprint).execute()
        return device_id

    def _device_key(self) -> SigningKey:
        return load_or_create_key(self.data_dir / DEVICE_KEY_FILE)

    def _register_device(self) -> None:
        known = PublicKey.get_or_none(PublicKey.key_id == self.device_key.key_id)
        if known is None:
            self.record(
                "device.register",
                {
                    "device_id": self.device_id,
                    "name": self.station,
                    "key_id": self.device_key.key_id,
                    "copied_from": self.copied_from,
                },
            )
            self.record("key.add", self._device_key_payload())
        elif self.event_key is not None and known.certificate is None:
            self.record("key.add", self._device_key_payload())

    def _device_key_payload(self) -> dict:
        payload = {
            "key_id": self.device_key.key_id,
            "public_key": self.device_key.public_bytes.hex(),
            "owner": "device",
            "device_id": self.device_id,
        }
        if self.event_key is not None:
            message = certificate_message(self.device_id, self.device_key.public_bytes)
            payload["certificate"] = self.event_key.sign(message).hex()
        return payload

    # --- the event ----------------------------------------------------------------------------------

    @property
    def event(self) -> EventInfo | None:
        if self._event is None:
            row = Event.select().first()
            if row is not None:
                self._event = EventInfo(row.id, row.name, row.date, row.venue, row.timezone)
        return self._event

    def require_event(self) -> EventInfo:
        event = self.event
        if event is None:
            raise NoEvent()
        return event

    def create_event(self, *, name: str, date_text: str, venue: str, timezone: str) -> EventInfo:
        """Make this machine the organiser's: new event key, the event, this desk certified."""
        if self.event is not None:
            raise EventExists(self.event.name)
        key_path = self.data_dir / EVENT_KEY_FILE
        self.event_key = load_or_create_key(key_path)
        event_id = uuid7()
        with self.write():
            self.record(
                "event.set",
                {
                    "event_id": event_id,
                    "fields": {"name": name, "date": date_text, "venue": venue, "timezone": timezone},
                },
            )
            self.record(
                "key.add",
                {
                    "key_id": self.event_key.key_id,
                    "public_key": self.event_key.public_bytes.hex(),
                    "owner": "event",
                },
            )
            self.record("key.add", self._device_key_payload())
        return self.require_event()

    def set_session(self, code: str, name: str, categories: list[str], starts: str = "", ends: str = "") -> None:
        with self.write():
            self.record(
                "session.set",
                {
                    "code": code,
                    "fields": {"name": name, "categories": categories, "starts": starts, "ends": ends},
                },
            )

    def sessions(self) -> list[dict]:
        return [
            {
                "code": row.code,
                "name": row.name,
                "categories": json.loads(row.categories),
                "starts": row.starts,
                "ends": row.ends,
            }
            for row in Session.select().order_by(Session.starts, Session.code)
        ]

    # --- trust -------------------------------------------------------------------------------------

    def trusted_keys(self) -> dict[str, bytes]:
        """key id → public key, for every key allowed to sign codes here.

        The event key(s); device keys certified by an event key; and this desk's own key, so the
        codes of walk-ins registered here work here at once.
        """
        if self._trusted is None:
            rows = list(PublicKey.select())
            events = {row.key_id: bytes(row.public_key) for row in rows if row.owner == "event"}
            trusted = dict(events)
            for row in rows:
                if row.owner != "device":
                    continue
                certified = row.certificate is not None and any(
                    verify(key, bytes(row.certificate), certificate_message(row.device_id, bytes(row.public_key)))
                    for key in events.values()
                )
                if certified or row.key_id == self.device_key.key_id:
                    trusted[row.key_id] = bytes(row.public_key)
            self._trusted = trusted
        return self._trusted

    def signing_key(self) -> SigningKey:
        """The key that signs codes issued here: the event key on the organiser's machine, else the desk's."""
        return self.event_key or self.device_key

    def set_operator(self, operator: str, station: str | None = None) -> None:
        """Start a shift: every later journal entry carries this operator."""
        self.operator = operator.strip()[:100]
        if station:
            self.station = station.strip()[:100]
        if self.operator:
            with self.write():
                self.record("operator.shift", {"station": self.station})


class NoEvent(RuntimeError):
    """The data folder holds no event yet (run ``kiosk demo`` or ``kiosk init``)."""


class EventExists(RuntimeError):
    """The data folder already holds an event (one event per data folder)."""


def open_desk(data_dir: Path | str | None = None) -> Desk:
    from kiosk.paths import default_data_dir

    return Desk(Path(data_dir) if data_dir else default_data_dir())
