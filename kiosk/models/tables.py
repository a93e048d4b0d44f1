"""The state tables. They change only through kiosk.models.journal (state = fold of the journal).

Rows that sync have a UUIDv7 string id. References between synced rows are plain text columns,
not foreign keys: entries arrive in any order (a check-in can arrive before its guest), and applying
them must not depend on that order. Per-field versions (``versions``: field → [hlc, device]) decide
last-writer-wins edits.
"""

from __future__ import annotations

from peewee import (
    SQL,
    AutoField,
    BlobField,
    BooleanField,
    CharField,
    CompositeKey,
    IntegerField,
    TextField,
)

from kiosk.models.database import BaseModel


def defaulted(value: object) -> dict:
    """``default=`` for Peewee and the same DEFAULT in the schema, so raw INSERTs may omit the column."""
    literal = {True: "1", False: "0"}.get(value) if isinstance(value, bool) else None  # type: ignore[call-overload]
    if literal is None:
        literal = str(value) if isinstance(value, int) else "'" + str(value).replace("'", "''") + "'"
    return {"default": value, "constraints": [SQL(f"DEFAULT {literal}")]}


class LocalSetting(BaseModel):
    """Facts about this copy of the database that never sync (device id, machine fingerprint)."""

    key = CharField(primary_key=True)
    value = TextField()


class Event(BaseModel):
    id = CharField(primary_key=True)
    name = TextField(**defaulted(""))
    date = CharField(**defaulted(""))  # YYYY-MM-DD, the event's local date
    venue = TextField(**defaulted(""))
    timezone = CharField(**defaulted("Asia/Shanghai"))
    versions = TextField(**defaulted("{}"))


class Session(BaseModel):
    """A part of the event (main forum, exchange conference) and the categories it admits."""

    code = CharField(primary_key=True)
    name = TextField(**defaulted(""))
    categories = TextField(**defaulted("[]"))  # JSON list of category codes
    starts = CharField(**defaulted(""))  # HH:MM local
    ends = CharField(**defaulted(""))
    versions = TextField(**defaulted("{}"))


class Guest(BaseModel):
    id = CharField(primary_key=True)
    name = TextField(**defaulted(""))
    organisation = TextField(index=True, **defaulted(""))
    title = TextField(**defaulted(""))
    category = CharField(**defaulted("guest"))
    phone = CharField(**defaulted(""))
    email = CharField(**defaulted(""))
    plain_code = CharField(index=True, **defaulted(""))
    state = CharField(**defaulted("registered"))  # registered | cancelled
    note = TextField(**defaulted(""))
    walk_in = BooleanField(**defaulted(False))
    # Known only from a validly signed code so far (registered after this desk's last sync).
    stub = BooleanField(**defaulted(False))
    # UTC epoch ms of the earliest live check-in. Not indexed: every index a scan updates is one more page
    # to fsync, and the statistics that read it scan the table anyway.
    arrived_at = IntegerField(null=True)
    arrived_station = CharField(null=True)
    arrival_checkin = CharField(null=True)
    versions = TextField(**defaulted("{}"))


class Checkin(BaseModel):
    """A check-in or re-entry fact. Undo is a tombstone in CheckinUndo, never a delete."""

    id = CharField(primary_key=True)
    guest_id = CharField(index=True)
    kind = CharField()  # arrival | reentry
    station = CharField(**defaulted(""))
    session = CharField(**defaulted(""))
    device = CharField(**defaulted(""))
    operator = CharField(**defaulted(""))
    at = IntegerField()
    undone = BooleanField(**defaulted(False))


class CheckinUndo(BaseModel):
    checkin_id = CharField(primary_key=True)
    at = IntegerField()
    device = CharField(**defaulted(""))
    operator = CharField(**defaulted(""))


class Credential(BaseModel):
    """Every code issued; the guest's current one has the highest serial, lower serials are revoked."""

    guest_id = CharField()
    serial = IntegerField()
    key_id = CharField()
    text = TextField()
    issued_at = IntegerField()

    class Meta:
        primary_key = CompositeKey("guest_id", "serial")


class PublicKey(BaseModel):
    """Verification keys: the event key and desks' device keys (certified by the event key)."""

    key_id = CharField(primary_key=True)
    public_key = BlobField()
    owner = CharField()  # event | device
    device_id = CharField(**defaulted(""))
    certificate = BlobField(null=True)  # event key's signature over the device key, for devices


class Device(BaseModel):
    id = CharField(primary_key=True)
    name = TextField(**defaulted(""))
    key_id = CharField(**defaulted(""))
    copied_from = CharField(**defaulted(""))


class OperatorShift(BaseModel):
    id = CharField(primary_key=True)
    device = CharField()
    station = CharField(**defaulted(""))
    operator = CharField()
    started_at = IntegerField()


class PrintJob(BaseModel):
    """A badge (or sheet) print: pending → sent → done / failed, from the print system's own state.

    Created and changed through ``print.job`` entries, per field last-writer-wins like guests.
    """

    id = CharField(primary_key=True)
    guest_id = CharField(**defaulted(""), index=True)
    kind = CharField(**defaulted("badge"))  # badge | batch (pre-printed) | sheet
    layout = CharField(**defaulted(""))
    printer = CharField(**defaulted(""))
    copies = IntegerField(**defaulted(1))
    state = CharField(**defaulted("pending"))  # pending | sent | done | failed
    attempts = IntegerField(**defaulted(0))
    reason = TextField(**defaulted(""))  # why it was reprinted
    error = TextField(**defaulted(""))
    system_job = CharField(**defaulted(""))  # the print system's job id
    device = CharField(**defaulted(""))
    created_at = IntegerField(**defaulted(0))
    updated_at = IntegerField(**defaulted(0))
    versions = TextField(**defaulted("{}"))


class Alert(BaseModel):
    """Trouble a desk or kiosk raises for the staff (printer failed, ...); synced so every desk sees it."""

    id = CharField(primary_key=True)
    kind = CharField(**defaulted(""))  # e.g. printer
    message = TextField(**defaulted(""))
    station = CharField(**defaulted(""))
    device = CharField(**defaulted(""))
    raised_at = IntegerField(**defaulted(0))
    resolved = BooleanField(**defaulted(False))
    versions = TextField(**defaulted("{}"))


class Refusal(BaseModel):
    """Refused scans, kept locally for statistics (not journalled: they change no state)."""

    id = AutoField()
    at = IntegerField(index=True)
    station = CharField(**defaulted(""))
    session = CharField(**defaulted(""))
    reason = CharField()
    excerpt = CharField(**defaulted(""))


class SearchKey(BaseModel):
    """Prefix-searchable keys per guest (name, pinyin, initials, phone tail, code); see search_keys."""

    key = CharField()
    rank = IntegerField()
    # No index on guest_id: a guest's keys are a pure function of its fields, so the projection deletes
    # them by primary key from the old values; a second index would halve the speed of bulk imports.
    guest_id = CharField()

    class Meta:
        primary_key = CompositeKey("key", "rank", "guest_id")
        without_rowid = True


class OrgKey(BaseModel):
    """Suffixes and initials of each distinct organisation, for substring search by prefix."""

    key = CharField()
    organisation = TextField()

    class Meta:
        primary_key = CompositeKey("key", "organisation")
        without_rowid = True


class JournalEntry(BaseModel):
    """The append-only journal. ``seq`` is this replica's arrival order; ``id`` is global."""

    seq = AutoField()
    id = CharField(unique=True)
    device = CharField()
    operator = CharField(**defaulted(""))
    hlc = IntegerField()
    wall_time = IntegerField()
    kind = CharField()
    schema_version = IntegerField(**defaulted(1))
    payload = TextField()
    applied = BooleanField(**defaulted(True))  # False: kind unknown here, kept for later


# --- agreements (kiosk/models/agreements.py holds their appliers) -------------------------------------


class Agreement(BaseModel):
    """A cooperation agreement or letter of intent signed at the event; ``agreement.set`` entries.

    ``parties`` is JSON: ``[{"name", "signatories": [{"guest_id", "name", "title"}]}]``, the names
    as recorded in the agreement (a purge of guests' personal data leaves them). ``number`` is the
    number as issued; ``desk_code`` and ``seq`` are the parts it was made from.
    """

    id = CharField(primary_key=True)
    number = CharField(**defaulted(""))
    desk_code = CharField(**defaulted(""))
    seq = IntegerField(**defaulted(0))
    kind = CharField(**defaulted("letter_of_intent"))
    title = TextField(**defaulted(""))
    parties = TextField(**defaulted("[]"))
    witness = TextField(**defaulted(""))
    session = CharField(**defaulted(""))
    signing_time = CharField(**defaulted(""))  # "YYYY-MM-DD HH:MM", the event's local time
    place = TextField(**defaulted(""))
    state = CharField(**defaulted("draft"))  # draft | ready | signed | collected | cancelled
    code = TextField(**defaulted(""))  # the signed credential its cover sheet's QR code carries
    created_at = IntegerField(**defaulted(0))
    created_hlc = IntegerField(**defaulted(0))
    device = CharField(**defaulted(""))
    versions = TextField(**defaulted("{}"))


class AgreementStep(BaseModel):
    """One state change of an agreement (its history): the ``agreement.state`` entry it came from."""

    id = CharField(primary_key=True)  # the journal entry's id
    agreement_id = CharField(index=True)
    state = CharField()
    at = IntegerField()
    hlc = IntegerField()
    device = CharField(**defaulted(""))
    operator = CharField(**defaulted(""))


class AgreementSetting(BaseModel):
    """Event-wide agreement settings (``pattern``) and desk codes (``desk_code:<device id>``)."""

    name = CharField(primary_key=True)
    value = TextField(**defaulted(""))
    versions = TextField(**defaulted("{}"))


STATE_TABLES: tuple[type[BaseModel], ...] = (
    Event,
    Session,
    Guest,
    Checkin,
    CheckinUndo,
    Credential,
    PublicKey,
    Device,
    OperatorShift,
    SearchKey,
    OrgKey,
    PrintJob,
    Alert,
    Agreement,
    AgreementStep,
    AgreementSetting,
)
ALL_TABLES: tuple[type[BaseModel], ...] = (*STATE_TABLES, LocalSetting, Refusal, JournalEntry)
