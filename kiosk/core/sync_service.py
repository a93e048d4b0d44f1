"""The desk's side of syncing: push, pull, join, certify desk keys, signed bundles, the sync loop.

What a desk remembers lives in ``local_setting`` (never synced): ``sync.hub``, ``sync.token``,
``sync.pushed_seq`` (the local journal ``seq`` pushed up to) and ``sync.pulled_cursor`` (the hub's
cursor pulled up to). Both sides are idempotent by entry id, so a sync interrupted anywhere — before
or after the hub stored a batch, before or after this desk committed a page — resumes by sending or
fetching again what it is not sure of, and nothing is lost or counted twice.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from kiosk.core.desk import Desk
from kiosk.core.keys import certificate_message, verify
from kiosk.i18n import _
from kiosk.models.clock import wall_ms
from kiosk.models.database import db
from kiosk.models.journal import Entry, entries_after
from kiosk.models.tables import JournalEntry, LocalSetting, PublicKey
from kiosk.sync.bundle import BadBundle, read_bundle, write_bundle
from kiosk.sync.client import HubClient, HubError, HubRefused, HubUnreachable
from kiosk.sync.conflicts import find_conflicts

HUB, TOKEN, PUSHED, PULLED = "sync.hub", "sync.token", "sync.pushed_seq", "sync.pulled_cursor"
BUNDLED = "sync.bundled_seq"  # the local journal seq a full bundle export carried away
LAST_SYNC, SKEW = "sync.last_ok", "sync.skew_ms"
PUSH_BATCH = 2000
PULL_PAGE = 2000
SKEW_WARNING_MS = 2 * 60 * 1000

__all__ = ["HubError", "HubRefused", "HubUnreachable"]


class SyncNotConfigured(RuntimeError):
    """No hub or token given now or remembered from an earlier sync or join."""


class JoinRefused(RuntimeError):
    """This data folder cannot join (it holds another event, or the token is not a desk's)."""


class BundleRefused(RuntimeError):
    """A bundle that is damaged, tampered with, for another event or signed by an unknown key."""


@dataclass(frozen=True)
class SyncReport:
    pushed: int
    pulled: int
    conflicts: int
    skew_ms: int
    certified: int = 0

    @property
    def clock_off(self) -> bool:
        return abs(self.skew_ms) > SKEW_WARNING_MS

    def to_json(self) -> dict[str, Any]:
        return {
            "pushed": self.pushed,
            "pulled": self.pulled,
            "conflicts": self.conflicts,
            "skew_ms": self.skew_ms,
            "clock_off": self.clock_off,
            "certified": self.certified,
        }


def _setting(key: str, default: str = "") -> str:
    row = LocalSetting.get_or_none(LocalSetting.key == key)
    return row.value if row is not None else default


def _set(key: str, value: object) -> None:
    LocalSetting.replace(key=key, value=str(value)).execute()


def _max_seq() -> int:
    return JournalEntry.select(JournalEntry.seq).order_by(JournalEntry.seq.desc()).limit(1).scalar() or 0


def waiting() -> int:
    """Local entries not yet pushed."""
    pushed = int(_setting(PUSHED, "0"))
    return JournalEntry.select().where(JournalEntry.seq > pushed).count()


class SyncService:
    """Syncs one open desk with its hub. ``http`` lets tests pass an in-process ``httpx.Client``."""

    def __init__(self, desk: Desk, *, http: httpx.Client | None = None, timeout: float = 30.0) -> None:
        self.desk = desk
        self._http = http
        self._timeout = timeout

    # --- settings ----------------------------------------------------------------------------------

    def remembered(self) -> tuple[str, str]:
        return _setting(HUB), _setting(TOKEN)

    def _client(self, hub: str | None, token: str | None) -> HubClient:
        stored_hub, stored_token = self.remembered()
        hub, token = hub or stored_hub, token or stored_token
        if not hub or not token:
            raise SyncNotConfigured()
        return HubClient(hub, token, timeout=self._timeout, http=self._http)

    def _remember(self, client: HubClient, token: str | None) -> None:
        with self.desk.write():
            if _setting(HUB) != client.url:
                # Another hub numbers its entries differently: pull from its beginning.
                _set(PULLED, 0)
                _set(PUSHED, 0)
            _set(HUB, client.url)
            if token:
                _set(TOKEN, token)

    # --- sync --------------------------------------------------------------------------------------

    def sync(self, hub: str | None = None, token: str | None = None) -> SyncReport:
        """Push what the hub has not seen, pull what this desk has not seen; raises HubError."""
        with self._client(hub, token) as client:
            event = self.desk.event
            event_id = event.id if event is not None else client.whoami().event_id
            if event_id is None:
                raise JoinRefused(_("This token is the organiser's; a new desk joins with a desk token."))
            if hub or token:
                # Checked before remembering anything: a wrong hub or token must not replace a good one.
                client.whoami()
                self._remember(client, token)
            pushed, skew = self._push(client, event_id)
            pulled = self._pull(client, event_id)
            certified = self._certify()
            if certified:
                more, skew = self._push(client, event_id)
                pushed += more
        with self.desk.write():
            _set(LAST_SYNC, wall_ms())
            _set(SKEW, skew)
        return SyncReport(pushed, pulled, len(find_conflicts()), skew, certified)

    def _push(self, client: HubClient, event_id: str) -> tuple[int, int]:
        accepted, skew, first = 0, 0, True
        while True:
            pushed_seq = int(_setting(PUSHED, "0"))
            batch = entries_after(pushed_seq, PUSH_BATCH)
            if not batch and not first:
                return accepted, skew
            # An empty first push still tells the hub this desk is alive and measures its clock.
            result = client.push(event_id, [entry for _seq, entry in batch])
            accepted += result.accepted
            skew, first = result.skew_ms, False
            if not batch:
                return accepted, skew
            with self.desk.write():
                _set(PUSHED, batch[-1][0])

    def _pull(self, client: HubClient, event_id: str) -> int:
        pulled = 0
        while True:
            cursor = int(_setting(PULLED, "0"))
            page = client.pull(event_id, cursor, PULL_PAGE, skip_device=self.desk.device_id)
            pulled += self._ingest(page.entries, hub_cursor=page.cursor)
            if not page.more:
                return pulled

    def _ingest(self, entries: list[Entry], *, hub_cursor: int | None = None) -> int:
        """Apply entries from elsewhere; with ``hub_cursor`` they are a hub page, pulled up to it."""
        kinds: set[str] = set()
        with self.desk.write():
            before = _max_seq()
            new = self.desk.journal.ingest(entries)
            if hub_cursor is not None:
                if new and int(_setting(PUSHED, "0")) == before:
                    # Nothing of ours was waiting, so every row added now came from the hub: no echo back.
                    # (Entries from a bundle are pushed, since the hub may not have them.)
                    _set(PUSHED, _max_seq())
                _set(PULLED, hub_cursor)
        kinds.update(entry.kind for entry in new)
        for kind in kinds:
            self.desk.changed(kind)
        return len(new)

    def _certify(self) -> int:
        """On the organiser's machine: certify the desk keys pulled but not certified yet."""
        event_key = self.desk.event_key
        if event_key is None:
            return 0
        with self.desk.write():
            rows = list(PublicKey.select().where(PublicKey.owner == "device", PublicKey.certificate.is_null()))
            for row in rows:
                public_key = bytes(row.public_key)
                signature = event_key.sign(certificate_message(row.device_id, public_key))
                self.desk.record(
                    "key.add",
                    {
                        "key_id": row.key_id,
                        "public_key": public_key.hex(),
                        "owner": "device",
                        "device_id": row.device_id,
                        "certificate": signature.hex(),
                    },
                )
        return len(rows)

    # --- join --------------------------------------------------------------------------------------

    def join(self, hub: str, token: str) -> SyncReport:
        """Make this new data folder a desk of the token's event: pull everything, ready to scan."""
        with self._client(hub, token) as client:
            identity = client.whoami()
        if identity.event_id is None:
            raise JoinRefused(_("This token is the organiser's; a new desk joins with a desk token."))
        event = self.desk.event
        if event is not None and event.id != identity.event_id:
            raise JoinRefused(_("This data folder already holds another event: {name}").format(name=event.name))
        return self.sync(hub, token)

    # --- bundles -----------------------------------------------------------------------------------

    def export_bundle(self, path: Path, *, mine_only: bool = False) -> int:
        """Write this desk's journal (or only its own entries) to ``path``, signed by its device key."""
        event = self.desk.require_event()
        entries: list[Entry] = []
        seq = 0
        while page := entries_after(seq, 5000):
            seq = page[-1][0]
            entries.extend(entry for _seq, entry in page if not mine_only or entry.device == self.desk.device_id)
        key = self.desk.device_key
        data = write_bundle(
            entries,
            event_id=event.id,
            device_id=self.desk.device_id,
            key_id=key.key_id,
            public_key=key.public_bytes,
            sign=key.sign,
        )
        path = Path(path)
        partial = path.with_name(path.name + ".partial")
        with partial.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        partial.replace(path)
        if seq:
            with self.desk.write():
                _set(BUNDLED, seq)  # everything up to here has left this desk on a stick
        return len(entries)

    def import_bundle(self, path: Path) -> tuple[int, int]:
        """Verify and ingest a bundle; returns (new entries, entries in the bundle). Raises BundleRefused."""
        try:
            bundle = read_bundle(Path(path).read_bytes())
        except BadBundle as error:
            raise BundleRefused(_("The bundle was refused: {reason}").format(reason=error)) from None
        event = self.desk.event
        if event is not None and bundle.event_id != event.id:
            raise BundleRefused(_("The bundle belongs to another event."))
        if not self._trusted_signer(bundle):
            raise BundleRefused(_("The bundle is signed by a key this desk does not trust."))
        if not verify(bundle.public_key, bundle.signature, bundle.signed_message()):
            raise BundleRefused(_("The bundle's signature is not valid: it was changed or damaged."))
        known_event_keys = {row.key_id for row in PublicKey.select().where(PublicKey.owner == "event")}
        if any(
            entry.kind == "key.add"
            and entry.payload.get("owner") == "event"
            and entry.payload.get("key_id") not in known_event_keys
            for entry in bundle.entries
        ):
            # A desk's key signs bundles; only the hub (from the organiser) may bring an event key.
            raise BundleRefused(_("The bundle brings an event key this desk does not know."))
        return self._ingest(bundle.entries), len(bundle.entries)

    def _trusted_signer(self, bundle) -> bool:
        known = self.desk.trusted_keys().get(bundle.key_id)
        if known is not None:
            return known == bundle.public_key
        # A desk this one has not heard of yet: trusted if the bundle carries its key certified by an
        # event key this desk already holds (never an event key the bundle itself brings).
        event_keys = [bytes(row.public_key) for row in PublicKey.select().where(PublicKey.owner == "event")]
        for entry in bundle.entries:
            p = entry.payload
            if entry.kind != "key.add" or p.get("key_id") != bundle.key_id or p.get("owner") != "device":
                continue
            try:
                public_key, certificate = bytes.fromhex(p["public_key"]), bytes.fromhex(p["certificate"])
            except (KeyError, TypeError, ValueError):
                continue
            message = certificate_message(str(p.get("device_id", "")), public_key)
            if public_key == bundle.public_key and any(verify(k, certificate, message) for k in event_keys):
                return True
        return False

    def conflicts(self) -> list[dict[str, Any]]:
        return [conflict.to_json() for conflict in find_conflicts()]


# --- the background loop -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SyncStatus:
    """``state``: never | synced | offline | refused. ``since``: epoch ms of the last change of state."""

    state: str
    since: int
    waiting: int = 0
    skew_ms: int = 0
    message: str = ""
    report: SyncReport | None = field(default=None, compare=False)

    def text(self, zone=None) -> str:
        clock = datetime.fromtimestamp(self.since / 1000, zone).strftime("%H:%M")
        parts = {
            "never": _("not synced yet"),
            "synced": _("synced {time}").format(time=clock),
            "offline": _("offline since {time}").format(time=clock),
            "refused": _("refused by the hub: {message}").format(message=self.message),
        }
        words = [parts.get(self.state, self.state)]
        if self.waiting:
            words.append(_("{n} waiting").format(n=self.waiting))
        if abs(self.skew_ms) > SKEW_WARNING_MS:
            words.append(_("this computer's clock is off by {s} s").format(s=round(self.skew_ms / 1000)))
        return " · ".join(words)


class SyncLoop:
    """Syncs in a background thread every ``interval`` seconds; backs off (doubling, capped) while
    the hub is away. ``on_status(SyncStatus)`` is called from the loop's thread after each attempt.
    """

    def __init__(
        self,
        service: SyncService,
        *,
        interval: float = 30.0,
        min_backoff: float = 2.0,
        max_backoff: float = 300.0,
        on_status: Callable[[SyncStatus], None] | None = None,
    ) -> None:
        self.service = service
        self.interval = interval
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.on_status = on_status
        self._status = SyncStatus("never", wall_ms())
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.attempts = 0

    @property
    def status(self) -> SyncStatus:
        with self._lock:
            return self._status

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="kiosk-sync", daemon=True)
            self._thread.start()

    def sync_now(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 35.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        backoff = self.min_backoff
        try:
            while not self._stopping.is_set():
                delay = self._attempt(backoff)
                offline = self.status.state == "offline"
                backoff = min(self.max_backoff, backoff * 2) if offline else self.min_backoff
                self._wake.wait(delay)
                self._wake.clear()
        finally:
            if not db.is_closed():
                db.close()  # this thread's own connection

    def _attempt(self, backoff: float) -> float:
        self.attempts += 1
        previous = self.status
        try:
            report = self.service.sync()
            status = SyncStatus("synced", wall_ms(), waiting(), report.skew_ms, report=report)
            delay = self.interval
        except (HubUnreachable, SyncNotConfigured) as error:
            since = previous.since if previous.state == "offline" else wall_ms()
            status = SyncStatus("offline", since, waiting(), previous.skew_ms, str(error))
            delay = backoff
        except (HubRefused, JoinRefused) as error:
            status = SyncStatus("refused", wall_ms(), waiting(), previous.skew_ms, str(error))
            delay = self.max_backoff
        with self._lock:
            self._status = status
        if self.on_status is not None:
            self.on_status(status)
        return delay
