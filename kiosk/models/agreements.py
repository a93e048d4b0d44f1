"""Appliers of the agreement entries (tables in kiosk.models.tables): deterministic, idempotent,
independent of arrival order.

- ``agreement.set`` ``{"agreement_id", "fields": {...}}``: per-field last-writer-wins edits;
- ``agreement.state`` ``{"agreement_id", "state"}``: the state, last writer wins, plus one history
  row per entry (the history is the set of these entries, so every replica lists the same);
- ``agreement.setting`` ``{"name", "value"}``: the number pattern and each desk's code.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from kiosk.models import purge as _purge  # noqa: F401  (registers the guest.purge applier)
from kiosk.models.database import db
from kiosk.models.projection import _apply_versioned, _clean_fields, applier

if TYPE_CHECKING:
    from kiosk.models.journal import Entry

AGREEMENT_FIELDS = (
    "number", "desk_code", "seq", "kind", "title", "parties", "witness", "session", "signing_time", "place",
    "code", "created_at", "created_hlc", "device",
)
STATES = ("draft", "ready", "signed", "collected", "cancelled")
_INTEGER_FIELDS = {"seq", "created_at", "created_hlc"}


def _valid(name: str, value: Any) -> bool:
    if name in _INTEGER_FIELDS:
        return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1 << 62
    if name == "parties":
        return isinstance(value, list)
    return isinstance(value, str)


@applier("agreement.set")
def _apply_agreement_set(entry: Entry) -> None:
    agreement_id = entry.payload.get("agreement_id")
    if not isinstance(agreement_id, str):
        return
    fields = {
        name: (json.dumps(value, ensure_ascii=False, sort_keys=True) if name == "parties" else value)
        for name, value in _clean_fields(entry.payload.get("fields"), AGREEMENT_FIELDS).items()
        if _valid(name, value)
    }
    _apply_versioned("agreement", "id", agreement_id, fields, entry)


@applier("agreement.state")
def _apply_agreement_state(entry: Entry) -> None:
    agreement_id, state = entry.payload.get("agreement_id"), entry.payload.get("state")
    if not (isinstance(agreement_id, str) and state in STATES):
        return
    _apply_versioned("agreement", "id", agreement_id, {"state": state}, entry)
    db.connection().execute(
        "INSERT OR IGNORE INTO agreement_step (id, agreement_id, state, at, hlc, device, operator)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (entry.id, agreement_id, state, entry.wall_time, entry.hlc, entry.device, entry.operator),
    )


@applier("agreement.setting")
def _apply_agreement_setting(entry: Entry) -> None:
    name, value = entry.payload.get("name"), entry.payload.get("value")
    if isinstance(name, str) and isinstance(value, str) and len(name) <= 100:
        _apply_versioned("agreement_setting", "name", name, {"value": value}, entry)
