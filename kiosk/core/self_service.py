"""The unattended kiosk's decisions, Qt-free: its options and what a guest is told.

A guest at a kiosk never sees a technical reason. Every verdict maps to one of a few plain
outcomes; the staff desk sees the real reason in the journal and in alerts.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from kiosk.core.alerts import AlertView, raise_alert
from kiosk.core.checkin import Verdict
from kiosk.core.desk import Desk
from kiosk.i18n import N_, _
from kiosk.models.tables import LocalSetting

OPTIONS_KEY = "kiosk.options"
PRINTER_ALERT = "printer"


@dataclass
class KioskOptions:
    """This kiosk's behaviour (per desk, never synced)."""

    preview: bool = False  # show the badge and ask the guest to confirm before printing
    greeting_seconds: float = 6.0  # the welcome stays this long
    outcome_seconds: float = 12.0  # "see the staff desk" screens stay this long
    idle_seconds: float = 45.0  # no touch, key or scan: back to the attract screen (staff screens lock)
    print_timeout_seconds: float = 90.0  # a badge not printed by then is printer trouble

    @classmethod
    def load(cls, desk: Desk) -> KioskOptions:
        options = cls()
        row = LocalSetting.get_or_none(LocalSetting.key == OPTIONS_KEY)
        if row is None:
            return options
        try:
            raw = json.loads(row.value)
        except ValueError:
            return options
        if not isinstance(raw, dict):
            return options
        for name, default in asdict(options).items():
            value = raw.get(name)
            if isinstance(default, bool) and isinstance(value, bool):
                setattr(options, name, value)
            elif (not isinstance(default, bool) and isinstance(value, (int, float)) and not isinstance(value, bool)
                  and 1 <= value <= 3600):
                setattr(options, name, float(value))
        return options

    def save(self, desk: Desk) -> None:
        with desk.write():
            LocalSetting.replace(key=OPTIONS_KEY, value=json.dumps(asdict(self))).execute()


@dataclass(frozen=True)
class GuestOutcome:
    """What the kiosk shows a guest: a tone (ok / warn / refused / trouble), a heading and a line.

    Heading and line are message ids: the kiosk shows them in both languages.
    """

    tone: str
    heading: str
    line: str
    print_badge: bool = False


WELCOME = GuestOutcome("ok", N_("Welcome"), N_("Your badge is printing. Please take it from the printer."), True)
NO_NAME_YET = GuestOutcome("ok", N_("You are checked in."), N_("Please collect your badge at the staff desk."))
BADGE_AT_DESK = GuestOutcome("ok", N_("Welcome"), N_("Your badge is ready at the staff desk."))
ALREADY_IN = GuestOutcome(
    "warn", N_("You are already checked in."), N_("Please see the staff desk if you need help.")
)
UNREADABLE = GuestOutcome(
    "refused", N_("The code could not be read."), N_("Please try again, or see the staff desk.")
)
REFUSED = GuestOutcome("refused", N_("We could not check you in here."), N_("Please see the staff desk."))
PRINTER_TROUBLE = GuestOutcome(
    "trouble",
    N_("You are checked in, but your badge could not be printed."),
    N_("Please see the staff desk. They will print it for you."),
)
DETAILS_WRONG = GuestOutcome(
    "warn", N_("You are checked in."), N_("Please see the staff desk to correct your details.")
)


def outcome_for(verdict: Verdict) -> GuestOutcome:
    """The guest-facing outcome of a verdict (never its technical reason)."""
    if verdict.status == "ok":
        if verdict.guest is None or verdict.guest.stub or not verdict.guest.name:
            return NO_NAME_YET
        return WELCOME
    if verdict.status == "warn":
        return ALREADY_IN
    if verdict.reason == "malformed":
        return UNREADABLE
    return REFUSED


def report_print_trouble(desk: Desk, guest_name: str, detail: str) -> AlertView:
    """Raise the journalled alert that a kiosk could not print a badge (it reaches every desk)."""
    message = _("Kiosk {station}: the badge of {name} was not printed ({detail}). The guest was sent to the desk.")
    return raise_alert(
        desk, PRINTER_ALERT,
        message.format(station=desk.station, name=guest_name or "?", detail=detail or _("printer not ready")),
    )
