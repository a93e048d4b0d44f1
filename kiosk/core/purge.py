"""After the event: remove guests' personal data from this desk, keeping the anonymous counts.

``purge`` blanks every guest's name, title, phone, e-mail, note and plain code (see
kiosk.models.purge); categories, arrival times, walk-in flags, organisations, check-ins and the
agreement register (which keeps the names as recorded in each agreement) stay.

It is journalled (``guest.purge`` entries), so a later sync replay or a rebuild cannot bring the data
back: the purge's stamp beats every edit. It also scrubs those fields from this desk's own copy of
the ``guest.set`` journal payloads, so the data is gone from the file too and a rebuild from the
journal gives the same purged rows. The purge syncs like any entry: once it reaches the hub, every
desk that pulls it purges as well.

Refused while anything is unsynced — entries above ``sync.pushed_seq`` (a hub sync) and above
``sync.bundled_seq`` (a bundle export, when recorded) — unless forced.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from kiosk.core.desk import Desk
from kiosk.core.sync_service import BUNDLED, PUSHED
from kiosk.models.database import db
from kiosk.models.journal import LOCAL_KINDS
from kiosk.models.purge import PURGED_FIELDS
from kiosk.models.tables import JournalEntry, LocalSetting

_IDS_PER_ENTRY = 2000  # keeps each entry's payload far below the journal's 256 KB limit


class Unsynced(RuntimeError):
    """Entries of this desk have not reached the hub (or a bundle) yet."""

    def __init__(self, waiting: int) -> None:
        super().__init__(waiting)
        self.waiting = waiting


@dataclass(frozen=True)
class PurgeReport:
    guests: int
    journal_entries_scrubbed: int
    unsynced_before: int

    def to_json(self) -> dict[str, int]:
        return {"guests": self.guests, "journal_entries_scrubbed": self.journal_entries_scrubbed,
                "unsynced_before": self.unsynced_before}


def unsynced() -> int:
    """Journal entries this desk holds that no hub sync or bundle export has carried away."""
    settings = {
        row.key: row.value for row in LocalSetting.select().where(LocalSetting.key.in_([PUSHED, BUNDLED]))
    }
    done = max(_int(settings.get(PUSHED)), _int(settings.get(BUNDLED)))
    return JournalEntry.select().where((JournalEntry.seq > done) & JournalEntry.kind.not_in(sorted(LOCAL_KINDS))).count()


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0


def purge(desk: Desk, *, force: bool = False) -> PurgeReport:
    """Purge every guest's personal data (journalled); raises Unsynced unless ``force``."""
    with desk.write():
        waiting = unsynced()
        if waiting and not force:
            raise Unsynced(waiting)
        connection = db.connection()
        ids = [row[0] for row in connection.execute("SELECT id FROM guest ORDER BY id")]
        for start in range(0, len(ids), _IDS_PER_ENTRY):
            desk.record("guest.purge", {"guest_ids": ids[start : start + _IDS_PER_ENTRY]})
        scrubbed = scrub_journal(set(ids))
    return PurgeReport(len(ids), scrubbed, waiting)


def scrub_journal(guest_ids: set[str]) -> int:
    """Remove the purged fields from this replica's ``guest.set`` payloads; returns entries changed."""
    connection = db.connection()
    changed = []
    for seq, payload_text in connection.execute("SELECT seq, payload FROM journal_entry WHERE kind = 'guest.set'"):
        try:
            payload = json.loads(payload_text)
        except ValueError:
            continue
        if not isinstance(payload, dict) or payload.get("guest_id") not in guest_ids:
            continue
        fields = payload.get("fields")
        if not isinstance(fields, dict):
            continue
        if not any(name in fields for name in PURGED_FIELDS):
            continue
        payload["fields"] = {name: value for name, value in fields.items() if name not in PURGED_FIELDS}
        changed.append((json.dumps(payload, ensure_ascii=False, separators=(",", ":")), seq))
    connection.executemany("UPDATE journal_entry SET payload = ? WHERE seq = ?", changed)
    return len(changed)
