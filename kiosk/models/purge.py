"""The ``guest.purge`` applier: guests' personal data blanked for good, after the event.

``{"guest_ids": [...]}``: each listed guest's personal fields become empty and their versions a stamp
no edit can beat, so an older (or later-replayed) ``guest.set`` never brings the data back, whatever
the order entries arrive in. Categories, arrival times, walk-in flags and organisations stay: the
anonymous counts need them. kiosk.core.purge also scrubs the fields from the local journal, so a
rebuild from the journal gives the same purged rows.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from kiosk.models.database import db
from kiosk.models.projection import _GUEST_COLUMNS, _keys_of, applier

if TYPE_CHECKING:
    from kiosk.models.journal import Entry

PURGED_FIELDS = ("name", "title", "phone", "email", "note", "plain_code")
# Above any hybrid logical clock value (they are epoch ms << 16 < 2**62): nothing wins against it.
PURGE_STAMP = [1 << 62, ""]


@applier("guest.purge")
def _apply_guest_purge(entry: Entry) -> None:
    ids = entry.payload.get("guest_ids")
    if not isinstance(ids, list):
        return
    connection = db.connection()
    blanks = ", ".join(f"{name} = ''" for name in PURGED_FIELDS)
    for guest_id in ids:
        if not isinstance(guest_id, str):
            continue
        found = connection.execute(f"SELECT {', '.join(_GUEST_COLUMNS)} FROM guest WHERE id = ?", (guest_id,)).fetchone()
        if found is None:
            # The guest's entries have not arrived here yet: a stub whose personal fields are already final.
            versions = {name: PURGE_STAMP for name in PURGED_FIELDS}
            connection.execute(
                "INSERT INTO guest (id, stub, versions) VALUES (?, 1, ?)",
                (guest_id, json.dumps(versions, separators=(",", ":"), sort_keys=True)),
            )
            continue
        row = dict(zip(_GUEST_COLUMNS, found, strict=True))
        versions = json.loads(row["versions"])
        versions.update({name: PURGE_STAMP for name in PURGED_FIELDS})
        connection.executemany(
            "DELETE FROM search_key WHERE key = ? AND rank = ? AND guest_id = ?",
            [(key, rank, guest_id) for key, rank in _keys_of(row)],
        )
        connection.execute(
            f"UPDATE guest SET {blanks}, versions = ? WHERE id = ?",
            (json.dumps(versions, separators=(",", ":"), sort_keys=True), guest_id),
        )
