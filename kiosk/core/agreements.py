"""The agreement register: letters of intent and cooperation agreements signed at the event.

Every change is a journal entry (kiosk.models.agreements holds the appliers): ``agreement.set`` for
the fields, ``agreement.state`` for each step draft → ready → signed → collected (original collected
at the desk) or cancelled; each step carries the operator and the time, and ``history`` lists them.

**Numbers** come from a pattern, by default ``HK-{year}-{desk}{seq:02d}`` (``HK-2026-A01``).
``{desk}`` is a short code per desk, so two desks creating agreements offline at the same moment
never draw the same number: each counts only within its own code. The organiser's machine is ``A``;
set the others' (``B``, ``C``, …) when the desks are set up (``set_desk_code``) — the code is
journalled, so other desks see it as taken. A desk that never set one uses a two-letter code derived
from its device id, avoiding the codes it knows are taken. Should two offline desks still end up with
one number (same code chosen on both before they ever synced), the number stays unique on every
replica: the later-created agreement (by HLC, then id) shows it with a suffix ``-2``. Blocks of numbers
reserved per device were the alternative; they need the hub before going offline, codes do not.
"""

from __future__ import annotations

import hashlib
import json
import string
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.core import credentials
from kiosk.core.desk import Desk
from kiosk.core.keys import verify
from kiosk.i18n import N_, _, translate
from kiosk.models.clock import wall_ms
from kiosk.models.database import db
from kiosk.models.ids import uuid7

if TYPE_CHECKING:
    from kiosk.core.checkin import Verdict
    from kiosk.printing.cover_sheet import CoverSheetData

KINDS = ("letter_of_intent", "cooperation", "school_enterprise", "other")
KIND_LABELS: dict[str, str] = {
    "letter_of_intent": N_("Letter of intent"),
    "cooperation": N_("Cooperation agreement"),
    "school_enterprise": N_("School–enterprise cooperation project"),
    "other": N_("Agreement"),
}
STATES = ("draft", "ready", "signed", "collected", "cancelled")
STATE_LABELS: dict[str, str] = {
    "draft": N_("Draft"),
    "ready": N_("Ready to sign"),
    "signed": N_("Signed"),
    "collected": N_("Original collected"),
    "cancelled": N_("Cancelled"),
}
# Allowed steps; collected → signed is the undo of a collection, cancelled → draft a revival.
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"ready", "cancelled"}),
    "ready": frozenset({"draft", "signed", "cancelled"}),
    "signed": frozenset({"ready", "collected", "cancelled"}),
    "collected": frozenset({"signed"}),
    "cancelled": frozenset({"draft"}),
}
# The cover sheet's labels (kiosk.printing.cover_sheet.LABEL_KEYS), printed in Chinese and English.
COVER_LABELS: dict[str, str] = {
    "number": N_("Agreement No."),
    "date": N_("Date of signing"),
    "place": N_("Place"),
    "session": N_("Session"),
    "witness": N_("Witness"),
    "party": N_("Party {letter}"),
    "signatory": N_("Signatory"),
    "signature": N_("Signature"),
    "seal": N_("Seal"),
    "date_line": N_("Date"),
    "footer": N_(
        "This cover sheet belongs with the original of the agreement. "
        "Scan its code at the desk to record the original as collected."
    ),
}
DEFAULT_PATTERN = "HK-{year}-{desk}{seq:02d}"
PATTERN_FIELDS = {"year", "desk", "seq"}
PATTERN_SETTING = "pattern"
_CODE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O: they read as 1 and 0
_MAX_PARTIES = 8
_MAX_SIGNATORIES = 6


def kind_label(kind: str, language: str | None = None) -> str:
    label = KIND_LABELS.get(kind, KIND_LABELS["other"])
    return translate(label, language) if language else _(label)


def state_label(state: str, language: str | None = None) -> str:
    label = STATE_LABELS.get(state)
    if label is None:
        return state
    return translate(label, language) if language else _(label)


class InvalidAgreement(ValueError):
    """Fields that cannot be stored; the message says which and why (translated)."""


class BadTransition(ValueError):
    """A state change the agreement's current state does not allow."""


class UnknownAgreement(LookupError):
    pass


@dataclass(frozen=True)
class Signatory:
    name: str
    title: str = ""
    guest_id: str = ""

    def to_json(self) -> dict[str, str]:
        return {"name": self.name, "title": self.title, "guest_id": self.guest_id}


@dataclass(frozen=True)
class Party:
    name: str
    signatories: tuple[Signatory, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "signatories": [s.to_json() for s in self.signatories]}

    @classmethod
    def from_json(cls, data: object) -> Party:
        if not isinstance(data, dict):
            raise InvalidAgreement(_("Each party must be an object with a name."))
        people = data.get("signatories") or []
        if not isinstance(people, list):
            raise InvalidAgreement(_("A party's signatories must be a list."))
        signatories = []
        for person in people:
            if isinstance(person, str):
                person = {"name": person}
            if not isinstance(person, dict):
                raise InvalidAgreement(_("A signatory must be a name or an object with a name."))
            signatories.append(
                Signatory(
                    _text(person.get("name")), _text(person.get("title")), _text(person.get("guest_id"))
                )
            )
        return cls(_text(data.get("name")), tuple(signatories))


def _text(value: object, limit: int = 300) -> str:
    return " ".join(value.split())[:limit] if isinstance(value, str) else ""


@dataclass(frozen=True)
class HistoryStep:
    state: str
    at: int  # UTC epoch ms
    device: str
    operator: str


@dataclass(frozen=True)
class AgreementView:
    id: str
    number: str  # unique on this replica (see the module docstring)
    issued_number: str  # as issued by its desk
    kind: str
    title: str
    parties: tuple[Party, ...]
    witness: str
    session: str
    signing_time: str  # "YYYY-MM-DD HH:MM" local, or ""
    place: str
    state: str
    code: str
    created_at: int
    device: str
    history: tuple[HistoryStep, ...] = field(default=())

    def to_json(self, event=None) -> dict[str, Any]:
        """AGREEMENT of the command-line contract."""
        return {
            "id": self.id,
            "number": self.number,
            "kind": self.kind,
            "title": self.title,
            "state": self.state,
            "parties": [
                {"name": p.name, "signatories": [s.name for s in p.signatories],
                 "signatory_titles": [s.title for s in p.signatories]}
                for p in self.parties
            ],
            "witness": self.witness,
            "session": self.session,
            "signing_time": self.signing_time,
            "place": self.place,
            "history": [
                {"state": h.state, "at": event.iso(h.at) if event else h.at, "operator": h.operator, "device": h.device}
                for h in self.history
            ],
        }


_COLUMNS = (
    "id", "number", "kind", "title", "parties", "witness", "session", "signing_time", "place", "state", "code",
    "created_at", "device", "created_hlc",
)
_SELECT = "SELECT " + ", ".join(_COLUMNS) + " FROM agreement"


class AgreementService:
    """The register of one desk. Reads need no transaction; every change takes ``desk.write()``."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk

    # --- numbering ---------------------------------------------------------------------------------

    def pattern(self) -> str:
        row = db.connection().execute(
            "SELECT value FROM agreement_setting WHERE name = ?", (PATTERN_SETTING,)
        ).fetchone()
        return row[0] if row and row[0] else DEFAULT_PATTERN

    def set_pattern(self, pattern: str) -> None:
        check_pattern(pattern)
        with self.desk.write():
            self.desk.record("agreement.setting", {"name": PATTERN_SETTING, "value": pattern})

    def _claims(self) -> dict[str, str]:
        """device id → desk code, as known here."""
        rows = db.connection().execute(
            "SELECT name, value FROM agreement_setting WHERE name LIKE 'desk_code:%' AND value != ''"
        )
        return {name.split(":", 1)[1]: value for name, value in rows}

    def desk_code(self) -> str:
        """This desk's code: the one it claimed, else the one it would claim at its first agreement."""
        claims = self._claims()
        mine = claims.get(self.desk.device_id)
        if mine:
            return mine
        taken = {code for device, code in claims.items() if device != self.desk.device_id}
        if self.desk.event_key is not None and "A" not in taken:
            return "A"
        digest = hashlib.sha256(self.desk.device_id.encode()).digest()
        n = len(_CODE_LETTERS)
        for i in range(0, len(digest) - 1):
            code = _CODE_LETTERS[digest[i] % n] + _CODE_LETTERS[digest[i + 1] % n]
            if code not in taken:
                return code
        return _CODE_LETTERS[digest[0] % n] + str(len(taken))

    def set_desk_code(self, code: str) -> str:
        """Claim ``code`` (1–3 letters or digits) for this desk; refuses one another desk claimed."""
        code = code.strip().upper()
        if not (1 <= len(code) <= 3 and code.isascii() and code.isalnum()):
            raise InvalidAgreement(_("A desk code is 1 to 3 letters or digits, such as B."))
        with self.desk.write():
            owners = [device for device, claimed in self._claims().items() if claimed == code]
            if any(device != self.desk.device_id for device in owners):
                raise InvalidAgreement(_("Another desk already uses the code {code}.").format(code=code))
            self._claim(code)
        return code

    def _claim(self, code: str) -> None:
        if self._claims().get(self.desk.device_id) != code:
            self.desk.record("agreement.setting", {"name": f"desk_code:{self.desk.device_id}", "value": code})

    def _next_number(self) -> tuple[str, str, int]:
        """(number, desk code, seq) of the next agreement made here. Inside the write transaction."""
        code = self.desk_code()
        self._claim(code)
        pattern = self.pattern()
        scope = code if "{desk" in pattern else ""
        last = db.connection().execute(
            "SELECT max(seq) FROM agreement WHERE desk_code = ?", (scope,)
        ).fetchone()[0]
        seq = (last or 0) + 1
        return format_number(pattern, year=self._year(), desk=code, seq=seq), scope, seq

    def _year(self) -> int:
        event = self.desk.event
        try:
            return date.fromisoformat(event.date).year if event else date.today().year
        except ValueError:
            return date.today().year

    # --- creating and changing -----------------------------------------------------------------------

    def create(
        self,
        *,
        kind: str,
        title: str,
        parties: list[Party] | tuple[Party, ...],
        witness: str = "",
        session: str = "",
        signing_time: str = "",
        place: str | None = None,
    ) -> AgreementView:
        """A new agreement in state draft, numbered and with its signed code."""
        event = self.desk.require_event()
        fields = _checked(kind=kind, title=title, parties=parties, witness=witness, session=session,
                          signing_time=signing_time, place=event.venue if place is None else place)
        agreement_id = uuid7()
        with self.desk.write():
            number, desk_code, seq = self._next_number()
            code = credentials.encode(
                self.desk.signing_key(),
                kind="agreement",
                event_id=event.id,
                subject_id=agreement_id,
                category=0,
                valid_until=event.valid_until() + timedelta(days=3650),  # a filing reference, not a ticket
                serial=1,
            )
            entry_fields = {
                **fields,
                "number": number,
                "desk_code": desk_code,
                "seq": seq,
                "code": code,
                "created_at": wall_ms(),
                "created_hlc": self.desk.journal.clock.tick(),
                "device": self.desk.device_id,
            }
            self.desk.record("agreement.set", {"agreement_id": agreement_id, "fields": entry_fields})
            self.desk.record("agreement.state", {"agreement_id": agreement_id, "state": "draft"})
        return self.get(agreement_id)

    def update(self, agreement_id: str, **changes: Any) -> AgreementView:
        """Change fields (kind, title, parties, witness, session, signing_time, place); only differences
        are journalled. A signed or collected agreement's content is what was signed: refused."""
        with self.desk.write():
            current = self.get(agreement_id)
            if current.state in {"signed", "collected"}:
                raise InvalidAgreement(_("A signed agreement cannot be changed any more."))
            merged = {
                "kind": current.kind, "title": current.title, "parties": current.parties, "witness": current.witness,
                "session": current.session, "signing_time": current.signing_time, "place": current.place,
            }
            unknown = set(changes) - set(merged)
            if unknown:
                raise InvalidAgreement(_("Unknown field: {name}").format(name=", ".join(sorted(unknown))))
            merged.update(changes)
            fields = _checked(**merged)
            old = _checked(kind=current.kind, title=current.title, parties=current.parties, witness=current.witness,
                           session=current.session, signing_time=current.signing_time, place=current.place)
            changed = {name: value for name, value in fields.items() if old[name] != value}
            if changed:
                self.desk.record("agreement.set", {"agreement_id": agreement_id, "fields": changed})
        return self.get(agreement_id)

    def set_state(self, agreement_id: str, state: str) -> AgreementView:
        """Move to ``state`` (journalled with operator and time); raises BadTransition when not allowed."""
        with self.desk.write():
            self._set_state(agreement_id, state)
        return self.get(agreement_id)

    def _set_state(self, agreement_id: str, state: str) -> None:
        current = self.get(agreement_id)
        if state not in STATES:
            raise BadTransition(_("Unknown state: {state}").format(state=state))
        if state == current.state:
            return
        if state not in TRANSITIONS[current.state]:
            raise BadTransition(
                _("An agreement that is “{current}” cannot become “{state}”.").format(
                    current=state_label(current.state), state=state_label(state)
                )
            )
        self.desk.record("agreement.state", {"agreement_id": agreement_id, "state": state})

    def undo_collected(self, agreement_id: str) -> AgreementView:
        """Undo the collection of the original (back to signed)."""
        return self.set_state(agreement_id, "signed")

    def create_from_json(self, data: object) -> AgreementView:
        """``{"kind", "title", "parties": [{"name", "signatories": [name | {"name", "title"}]}], "witness",
        "session", "signing_time", "place", "state"}`` (the file of ``kiosk agreement-add``)."""
        if not isinstance(data, dict):
            raise InvalidAgreement(_("The agreement file must hold one JSON object."))
        parties = data.get("parties")
        if not isinstance(parties, list):
            raise InvalidAgreement(_("An agreement needs at least two parties."))
        created = self.create(
            kind=str(data.get("kind", "letter_of_intent")),
            title=_text(data.get("title")),
            parties=[Party.from_json(p) for p in parties],
            witness=_text(data.get("witness")),
            session=_text(data.get("session")),
            signing_time=_text(data.get("signing_time")),
            place=_text(data["place"]) if isinstance(data.get("place"), str) else None,
        )
        target = data.get("state")
        if isinstance(target, str) and target != "draft":
            path = {"ready": ["ready"], "signed": ["ready", "signed"], "collected": ["ready", "signed", "collected"],
                    "cancelled": ["cancelled"]}.get(target)
            if path is None:
                raise BadTransition(_("Unknown state: {state}").format(state=target))
            with self.desk.write():
                for step in path:
                    self._set_state(created.id, step)
            created = self.get(created.id)
        return created

    # --- reading -------------------------------------------------------------------------------------

    def get(self, agreement_id: str) -> AgreementView:
        row = db.connection().execute(_SELECT + " WHERE id = ?", (agreement_id,)).fetchone()
        if row is None:
            raise UnknownAgreement(agreement_id)
        return self._view(row, self._numbers_for([row]), with_history=True)

    def find(self, text: str) -> AgreementView:
        """By id or by number (as shown)."""
        text = text.strip()
        try:
            return self.get(text)
        except UnknownAgreement:
            pass
        for view in self.list():
            if view.number.upper() == text.upper() or view.issued_number.upper() == text.upper():
                return view
        raise UnknownAgreement(text)

    def list(self, states: set[str] | None = None) -> list[AgreementView]:
        rows = list(db.connection().execute(_SELECT))
        numbers = self._numbers_for(rows)
        views = [self._view(row, numbers) for row in rows if not states or row[9] in states]
        views.sort(key=lambda v: (_natural(v.number), v.id))
        return views

    def history(self, agreement_id: str) -> list[HistoryStep]:
        return [
            HistoryStep(*row)
            for row in db.connection().execute(
                "SELECT state, at, device, operator FROM agreement_step WHERE agreement_id = ? ORDER BY hlc, id",
                (agreement_id,),
            )
        ]

    def counts(self) -> dict[str, int]:
        found = dict(db.connection().execute("SELECT state, COUNT(*) FROM agreement GROUP BY state").fetchall())
        return {state: found.get(state, 0) for state in STATES}

    def _numbers_for(self, rows: list[tuple]) -> dict[str, str]:
        """Shown number per agreement id: the issued one, with ``-2``, ``-3`` on later duplicates."""
        wanted = {row[1] for row in rows}
        numbers: dict[str, str] = {}
        connection = db.connection()
        for number in wanted:
            holders = connection.execute(
                "SELECT id FROM agreement WHERE number = ? ORDER BY created_hlc, id", (number,)
            ).fetchall()
            for index, (agreement_id,) in enumerate(holders):
                numbers[agreement_id] = number if index == 0 else f"{number}-{index + 1}"
        return numbers

    def _view(self, row: tuple, numbers: dict[str, str], *, with_history: bool = False) -> AgreementView:
        values = dict(zip(_COLUMNS, row, strict=True))
        try:
            parties = tuple(Party.from_json(p) for p in json.loads(values["parties"]))
        except (ValueError, InvalidAgreement):
            parties = ()
        return AgreementView(
            id=values["id"],
            number=numbers.get(values["id"], values["number"]),
            issued_number=values["number"],
            kind=values["kind"],
            title=values["title"],
            parties=parties,
            witness=values["witness"],
            session=values["session"],
            signing_time=values["signing_time"],
            place=values["place"],
            state=values["state"],
            code=values["code"],
            created_at=values["created_at"],
            device=values["device"],
            history=tuple(self.history(values["id"])) if with_history else (),
        )

    # --- pickers -------------------------------------------------------------------------------------

    def organisations(self) -> list[str]:
        """The guests' organisations, for the party picker (typed names are allowed too)."""
        return [
            row[0]
            for row in db.connection().execute(
                "SELECT DISTINCT organisation FROM guest WHERE organisation != '' AND state != 'cancelled'"
                " ORDER BY organisation"
            )
        ]

    def signatory_candidates(self, organisation: str) -> list[Signatory]:
        """The guests of an organisation, as signatories (name and title as registered)."""
        from kiosk.models.search_keys import pinyin_sort_key

        rows = db.connection().execute(
            "SELECT id, name, title FROM guest WHERE organisation = ? AND name != '' AND state != 'cancelled'",
            (organisation,),
        ).fetchall()
        people = [Signatory(name, title, guest_id) for guest_id, name, title in rows]
        people.sort(key=lambda s: pinyin_sort_key(s.name))
        return people

    # --- the cover sheet -------------------------------------------------------------------------------

    def cover_sheet_data(self, agreement_id: str) -> CoverSheetData:
        from kiosk.printing.cover_sheet import CoverParty, CoverSheetData

        view = self.get(agreement_id)
        event = self.desk.require_event()
        session_names = {s["code"]: s["name"] for s in self.desk.sessions()}
        return CoverSheetData(
            agreement_id=view.id,
            event_name=event.name,
            number=view.number,
            kind_zh=kind_label(view.kind, "zh"),
            kind_en=kind_label(view.kind, "en"),
            title=view.title,
            parties=tuple(
                CoverParty(p.name, tuple((s.name, s.title) for s in p.signatories)) for p in view.parties
            ),
            witness=view.witness,
            date_text=_date_text(view.signing_time or event.date),
            place=view.place,
            session=session_names.get(view.session, view.session),
            code=view.code,
            labels={key: (translate(text, "zh"), translate(text, "en")) for key, text in COVER_LABELS.items()},
        )

    def cover_sheet_pdf(self, agreement_id: str, output: Path | None = None, *, english: bool = True,
                        invariant: bool = False) -> bytes | None:
        from kiosk.printing.cover_sheet import render_cover_sheet

        return render_cover_sheet(self.cover_sheet_data(agreement_id), output=output, english=english,
                                  invariant=invariant)


def check_pattern(pattern: str) -> None:
    """Raise InvalidAgreement unless ``pattern`` is a usable number pattern with ``{seq}``."""
    try:
        names = {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(pattern) if name}
        format_number(pattern, year=2026, desk="A", seq=1)
    except (ValueError, KeyError, IndexError):
        names = set()
    if "seq" not in names or not names <= PATTERN_FIELDS or len(pattern) > 60:
        raise InvalidAgreement(
            _("A number pattern needs {{seq}} and may use {{year}} and {{desk}}, such as HK-{{year}}-{{desk}}{{seq:02d}}.").format()
        )


def format_number(pattern: str, *, year: int, desk: str, seq: int) -> str:
    return pattern.format(year=year, desk=desk, seq=seq)


def _natural(number: str) -> tuple:
    import re

    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", number))


def _date_text(value: str) -> str:
    """ "2026-06-30 10:30" → "2026年6月30日 10:30"."""
    day, _sep, time_text = value.partition(" ")
    try:
        d = date.fromisoformat(day)
    except ValueError:
        return value
    return f"{d.year}年{d.month}月{d.day}日" + (f" {time_text}" if time_text else "")


def _checked(*, kind: str, title: str, parties, witness: str, session: str, signing_time: str,
             place: str) -> dict[str, Any]:
    if kind not in KINDS:
        raise InvalidAgreement(_("Unknown kind of agreement: {kind}").format(kind=kind))
    title = _text(title)
    if not title:
        raise InvalidAgreement(_("An agreement needs a title."))
    cleaned = []
    for party in parties:
        name = _text(party.name)
        if not name:
            raise InvalidAgreement(_("Every party needs the name of its organisation."))
        people = [Signatory(_text(s.name, 100), _text(s.title, 100), s.guest_id) for s in party.signatories]
        if len(people) > _MAX_SIGNATORIES:
            raise InvalidAgreement(_("A party has at most {n} signatories.").format(n=_MAX_SIGNATORIES))
        cleaned.append({"name": name, "signatories": [p.to_json() for p in people if p.name]})
    if not 2 <= len(cleaned) <= _MAX_PARTIES:
        raise InvalidAgreement(_("An agreement needs at least two parties."))
    signing_time = _text(signing_time, 16)
    if signing_time:
        try:
            date.fromisoformat(signing_time[:10])
        except ValueError:
            raise InvalidAgreement(_("The signing time must look like 2026-06-30 10:30.")) from None
    return {
        "kind": kind,
        "title": title,
        "parties": cleaned,
        "witness": _text(witness),
        "session": _text(session, 40),
        "signing_time": signing_time,
        "place": _text(place),
    }


# --- the check-in engine's hook -------------------------------------------------------------------------


def scan_agreement(desk: Desk, code: credentials.Credential) -> Verdict:
    """Judge a scanned agreement code. Runs INSIDE the caller's write transaction (``desk.write()``).

    Refused: unknown key, invalid signature, another event, an agreement this desk does not know.
    A signed agreement: its original is marked collected (journalled; undo with
    ``AgreementService.undo_collected``) — status ok, reason ``agreement_collected``. Any other state:
    status warn, reason ``agreement`` (the agreement is only opened). ``extra["agreement"]`` holds
    the agreement's JSON either way.
    """
    from kiosk.core.checkin import Verdict

    public_key = desk.trusted_keys().get(code.key_id)
    if public_key is None:
        return Verdict("refused", "unknown_key",
                       _("This agreement code was signed by a key this desk does not know."))
    if not verify(public_key, code.signature, code.signed):
        return Verdict("refused", "invalid_signature", _("This agreement code is forged or damaged."))
    event = desk.require_event()
    if code.event_tag != credentials.event_tag(event.id):
        return Verdict("refused", "wrong_event", _("This agreement belongs to another event."))
    service = AgreementService(desk)
    try:
        agreement = service.get(code.subject_id)
    except UnknownAgreement:
        return Verdict("refused", "unknown",
                       _("This desk does not know this agreement yet. Sync with the hub, then scan again."))
    if agreement.state == "signed":
        service._set_state(agreement.id, "collected")
        agreement = service.get(agreement.id)
        return Verdict(
            "ok", "agreement_collected",
            _("Original of agreement {number} collected.").format(number=agreement.number),
            extra={"agreement": agreement.to_json(event)},
        )
    return Verdict(
        "warn", "agreement",
        _("Agreement {number}: {state}.").format(number=agreement.number, state=state_label(agreement.state)),
        extra={"agreement": agreement.to_json(event)},
    )
