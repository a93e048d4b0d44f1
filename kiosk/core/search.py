"""Finding guests without a code: name, pinyin, initials, organisation, phone tail — ranked.

Keys are stored by the projection (``search_key`` and ``org_key``) and looked up by prefix with
GLOB, which SQLite serves from the primary-key index (``LIKE 'x%'`` would not be). An exact key
sorts before a longer key with that prefix, so exact matches come first.
"""

from __future__ import annotations

from kiosk.core.guest_view import GUEST_SELECT, GuestView
from kiosk.models.database import db
from kiosk.models.search_keys import RANK_ORGANISATION, normalise, query_key

# A short query's prefix matches a large part of a big guest list; reading at most this many key
# rows past the exact ones (in key order) bounds the cost of each keystroke.
_PREFIX_SCAN_CAP = 3000


def search(query: str, limit: int = 50) -> list[GuestView]:
    """Guests matching ``query``, best first: exact name, pinyin, initials, given name, organisation,
    phone, code; within one rank, exact keys before prefixes, then by name."""
    key = query_key(query)
    if not key or limit <= 0:
        return []
    connection = db.connection()
    pattern = key + "*"
    scores: dict[str, int] = {}
    # Exact keys: the primary key (key, rank, guest_id) hands them over in rank order.
    for guest_id, score in connection.execute(
        "SELECT guest_id, MIN(rank) * 2 FROM search_key WHERE key = ? GROUP BY guest_id ORDER BY 2 LIMIT ?",
        (key, limit),
    ):
        scores[guest_id] = score
    for guest_id, score in connection.execute(
        "SELECT guest_id, MIN(rank) * 2 + 1 AS score FROM"
        " (SELECT rank, guest_id FROM search_key WHERE key GLOB ? AND key > ? LIMIT ?)"
        " GROUP BY guest_id ORDER BY score LIMIT ?",
        (pattern, key, _PREFIX_SCAN_CAP, limit),
    ):
        if score < scores.get(guest_id, 1 << 30):
            scores[guest_id] = score
    organisations = [
        row[0]
        for row in connection.execute(
            "SELECT DISTINCT organisation FROM org_key WHERE key GLOB ? LIMIT 50", (pattern,)
        )
    ]
    if organisations:
        marks = ",".join("?" * len(organisations))
        for guest_id, organisation in connection.execute(
            f"SELECT id, organisation FROM guest WHERE organisation IN ({marks}) LIMIT ?",
            (*organisations, limit),
        ):
            score = RANK_ORGANISATION * 2 + (normalise(organisation) != key)
            if score < scores.get(guest_id, 1 << 30):
                scores[guest_id] = score
    if not scores:
        return []
    ids = list(scores)
    marks = ",".join("?" * len(ids))
    guests = [GuestView.from_row(row) for row in connection.execute(GUEST_SELECT + f" WHERE id IN ({marks})", ids)]
    guests.sort(key=lambda guest: (scores[guest.id], guest.state == "cancelled", guest.name, guest.id))
    return guests[:limit]
