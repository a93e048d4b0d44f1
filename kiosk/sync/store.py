"""The hub's storage: events, their journal entries in hub order, device tokens, last syncs.

A separate Peewee database (``hub_db``), never the desk's ``kiosk.models.database.db``: SQLite by
default, PostgreSQL when several hub processes share one server (they are stateless).

Why entries are numbered through a per-event counter row (``HubEvent.last_seq``) and not through a
database sequence: a pull cursor must never skip an entry. With a sequence, transaction A can take
number 10, transaction B number 11, and B can commit first; a puller that reads 11 then moves its
cursor past 10, which becomes visible a moment later and is never pulled. Here a push locks its
event's counter row (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite the ``BEGIN IMMEDIATE``
write transaction already serialises every writer), numbers its new entries after the counter,
inserts them and moves the counter, all in one transaction. The next push to the same event waits
for that lock, so it can only read the counter — and commit its higher numbers — after the
previous push committed: numbers become visible in increasing order, and a cursor is safe. Pushes
to different events do not wait for each other. A counter row was chosen over
``pg_advisory_xact_lock`` because it works unchanged on both databases and keeps the lock and the
number it protects in one place.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    CompositeKey,
    Database,
    DatabaseProxy,
    Model,
    PostgresqlDatabase,
    SqliteDatabase,
    TextField,
)
from playhouse.db_url import connect

from kiosk.models.clock import wall_ms
from kiosk.models.journal import Entry
from kiosk.sync.client import wire

HUB_DATABASE_FILE = "hub.sqlite3"
_CHUNK = 400  # rows per INSERT: 6 columns stay below SQLite's and PostgreSQL's parameter limits

hub_db = DatabaseProxy()


class HubModel(Model):
    class Meta:
        database = hub_db
        legacy_table_names = False


class HubEvent(HubModel):
    """An event published on the hub; ``last_seq`` is its entry counter (see the module docstring)."""

    id = CharField(primary_key=True, max_length=64)
    last_seq = BigIntegerField(default=0)
    created_at = BigIntegerField()
    created_by = CharField(max_length=100)


class HubEntry(HubModel):
    """One journal entry as received (``body`` is its wire JSON), numbered in commit order."""

    event_id = CharField(max_length=64)
    seq = BigIntegerField()
    entry_id = CharField(max_length=64)
    device = CharField(max_length=64)
    kind = CharField(max_length=64)
    body = TextField()

    class Meta:
        primary_key = CompositeKey("event_id", "seq")
        indexes = ((("event_id", "entry_id"), True),)


class HubToken(HubModel):
    """A device's access token; only its SHA-256 is stored."""

    token_hash = CharField(primary_key=True, max_length=64)
    device = CharField(index=True, max_length=100)
    event_id = CharField(null=True, max_length=64)  # None: an organiser token
    organiser = BooleanField(default=False)
    revoked = BooleanField(default=False)
    created_at = BigIntegerField()


class HubDevice(HubModel):
    """Each device's last push to an event and its clock skew then (its clock minus the hub's)."""

    event_id = CharField(max_length=64)
    device = CharField(max_length=100)
    last_sync = BigIntegerField()
    skew_ms = BigIntegerField()

    class Meta:
        primary_key = CompositeKey("event_id", "device")


TABLES = (HubEvent, HubEntry, HubToken, HubDevice)


def default_database_url() -> str:
    from kiosk.paths import default_data_dir

    return f"sqlite:///{default_data_dir() / HUB_DATABASE_FILE}"


def open_hub_database(url: str | None = None) -> Database:
    """Bind ``hub_db`` to ``url`` (``sqlite:///path`` or ``postgresql://…``) and create missing tables."""
    url = url or default_database_url()
    scheme = urlsplit(url).scheme
    if scheme in {"postgres", "postgresql"}:
        # Pooled: a request borrows a connection and gives it back instead of reconnecting.
        url = urlunsplit(("postgresql+pool", *urlsplit(url)[1:]))
        database = connect(url, max_connections=32, stale_timeout=300, autoconnect=False)
    elif scheme == "sqlite":
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        database = connect(
            url,
            pragmas={"journal_mode": "wal", "synchronous": "full", "busy_timeout": 30000, "foreign_keys": 1},
            autoconnect=False,
        )
    else:
        raise ValueError(f"unsupported database URL: {url}")
    hub_db.initialize(database)
    with hub_db.connection_context(), hub_db.atomic():
        if is_postgres():
            # Hub processes started together would race on CREATE TABLE IF NOT EXISTS.
            hub_db.execute_sql("SELECT pg_advisory_xact_lock(7301001)")
        hub_db.create_tables(TABLES, safe=True)
    return database


def close_hub_database() -> None:
    database = hub_db.obj
    if database is not None:
        if not database.is_closed():
            database.close()
        if hasattr(database, "close_all"):
            database.close_all()


def is_postgres() -> bool:
    return isinstance(hub_db.obj, PostgresqlDatabase)


@contextmanager
def write_transaction() -> Iterator[None]:
    """One write transaction; on SQLite ``BEGIN IMMEDIATE``, so writers queue instead of failing."""
    if isinstance(hub_db.obj, SqliteDatabase):
        with hub_db.atomic("IMMEDIATE"):
            yield
    else:
        with hub_db.atomic():
            yield


# --- tokens -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    """What a presented token allows."""

    device: str
    event_id: str | None
    organiser: bool

    def may_read(self, event_id: str) -> bool:
        return self.organiser or self.event_id == event_id


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(device: str, *, event_id: str | None = None, organiser: bool = False) -> str:
    """A new random token for ``device``: an organiser's (any event, may publish) or a desk's (one event)."""
    if organiser == (event_id is not None):
        raise ValueError("a token is either an organiser's or bound to one event")
    token = secrets.token_urlsafe(32)
    with hub_db.connection_context(), write_transaction():
        HubToken.create(
            token_hash=token_hash(token), device=device, event_id=event_id, organiser=organiser, created_at=wall_ms()
        )
    return token


def revoke_tokens(device: str) -> int:
    with hub_db.connection_context(), write_transaction():
        return HubToken.update(revoked=True).where(HubToken.device == device, HubToken.revoked == False).execute()  # noqa: E712


def grant_for(token: str | None) -> Grant | None:
    """The grant of a live token, or None (missing, unknown or revoked)."""
    if not token or len(token) > 200:
        return None
    row = HubToken.get_or_none(HubToken.token_hash == token_hash(token))
    if row is None or row.revoked:
        return None
    return Grant(row.device, row.event_id, row.organiser)


# --- entries ------------------------------------------------------------------------------------------


class UnknownEvent(LookupError):
    """The event is not on the hub (and this token may not publish it)."""


@dataclass(frozen=True)
class PushResult:
    accepted: int
    duplicates: int
    last_seq: int


class ForbiddenEntries(ValueError):
    """New entries this token may not add: ``problems`` lists ``{"index", "problem"}``."""

    def __init__(self, problems: list[dict]) -> None:
        super().__init__(problems)
        self.problems = problems


def store_entries(
    event_id: str,
    entries: Sequence[Entry],
    grant: Grant,
    clock_ms: int | None,
    forbidden: Callable[[Entry], str | None] = lambda entry: None,
) -> PushResult:
    """Store the entries not yet on the hub under ``event_id``; idempotent by entry id.

    An organiser's first push publishes the event. Records the device's last sync and clock skew.
    ``forbidden(entry)`` names why a *new* entry may not be added (entries already here may be
    resent by anyone: a desk resending its whole journal relays the organiser's entries too);
    then nothing is stored and ForbiddenEntries is raised.
    """
    now = wall_ms()
    batch = list({entry.id: entry for entry in entries}.values())
    with write_transaction():
        counter = _lock_counter(event_id)
        if counter is None:
            if not grant.organiser:
                raise UnknownEvent(event_id)
            HubEvent.insert(
                id=event_id, last_seq=0, created_at=now, created_by=grant.device
            ).on_conflict_ignore().execute()
            counter = _lock_counter(event_id)
        _refuse_forbidden(event_id, batch, forbidden)
        # Every entry gets the next number; the ones already here are skipped by the insert and leave
        # a gap, which a cursor does not mind — it saves asking first which ids the hub has.
        rows = [
            (event_id, counter + number, entry.id, entry.device, entry.kind, _body(entry))
            for number, entry in enumerate(batch, 1)
        ]
        accepted = _insert_rows(rows)
        seq = counter + len(rows)
        if rows:
            HubEvent.update(last_seq=seq).where(HubEvent.id == event_id).execute()
        skew = 0 if clock_ms is None else clock_ms - now
        HubDevice.insert(event_id=event_id, device=grant.device, last_sync=now, skew_ms=skew).on_conflict(
            conflict_target=[HubDevice.event_id, HubDevice.device],
            update={HubDevice.last_sync: now, HubDevice.skew_ms: skew},
        ).execute()
    return PushResult(accepted, len(batch) - accepted, seq)


def _body(entry: Entry) -> str:
    return json.dumps(wire(entry), ensure_ascii=False, separators=(",", ":"))


def _refuse_forbidden(event_id: str, batch: list[Entry], forbidden: Callable[[Entry], str | None]) -> None:
    """Raise ForbiddenEntries if a forbidden entry is not on the hub yet (those already here may be resent)."""
    suspects = {entry.id: problem for entry in batch if (problem := forbidden(entry))}
    if not suspects:
        return
    query = HubEntry.select(HubEntry.entry_id).where(
        HubEntry.event_id == event_id, HubEntry.entry_id.in_(list(suspects))
    )
    here = {row[0] for row in query.tuples()}
    problems = [
        {"index": index, "problem": suspects[entry.id]}
        for index, entry in enumerate(batch)
        if entry.id in suspects and entry.id not in here
    ]
    if problems:
        raise ForbiddenEntries(problems)


def _insert_rows(rows: list[tuple]) -> int:
    """Multi-row INSERT … ON CONFLICT DO NOTHING (both databases); returns how many rows went in."""
    mark = hub_db.obj.param
    inserted = 0
    for start in range(0, len(rows), _CHUNK):
        chunk = rows[start : start + _CHUNK]
        values = ",".join([f"({mark},{mark},{mark},{mark},{mark},{mark})"] * len(chunk))
        cursor = hub_db.execute_sql(
            f"INSERT INTO hub_entry (event_id, seq, entry_id, device, kind, body) VALUES {values}"
            " ON CONFLICT DO NOTHING",
            [value for row in chunk for value in row],
        )
        inserted += cursor.rowcount
    return inserted


def _lock_counter(event_id: str) -> int | None:
    query = HubEvent.select(HubEvent.last_seq).where(HubEvent.id == event_id)
    if is_postgres():
        query = query.for_update()
    return query.scalar()


def event_exists(event_id: str) -> bool:
    return HubEvent.select().where(HubEvent.id == event_id).exists()


def entries_after(event_id: str, after: int, limit: int) -> list[tuple[int, str, str]]:
    """(seq, device, wire JSON) of the event's entries numbered above ``after``, in order."""
    query = (
        HubEntry.select(HubEntry.seq, HubEntry.device, HubEntry.body)
        .where(HubEntry.event_id == event_id, HubEntry.seq > after)
        .order_by(HubEntry.seq)
        .limit(limit)
    )
    return list(query.tuples())


def devices(event_id: str) -> list[HubDevice]:
    return list(HubDevice.select().where(HubDevice.event_id == event_id).order_by(HubDevice.device))
