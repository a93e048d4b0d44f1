"""The agreement, report and purge commands of the command line.

``agreements``, ``agreement-add``, ``agreement-state``, ``agreement-desk-code``, ``agreement-pattern``,
``cover-sheet``, ``report``, ``export``, ``purge``. Wired into kiosk.cli like kiosk.cli_sync:
``add_commands(subparsers)`` adds the parsers; ``COMMANDS[name](args, desk)`` runs one. Exit codes and
error output as in kiosk.cli: 0 done; 1 failed, with ``{"error": code, "message": text}``; 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.cli_output import EXIT_OK, EXIT_USAGE
from kiosk.cli_output import emit as _emit
from kiosk.cli_output import fail as _fail
from kiosk.i18n import _

STATES = ("draft", "ready", "signed", "collected", "cancelled")


def add_commands(subparsers) -> None:
    listing = subparsers.add_parser("agreements", help="the agreement register")
    listing.add_argument("--state", action="append", choices=STATES, help="only these states (repeatable)")
    listing.add_argument("--json", action="store_true")

    add = subparsers.add_parser("agreement-add", help="record an agreement from a JSON file")
    add.add_argument("--json-file", type=Path, required=True, help='{"kind", "title", "parties": [...], ...}; - = stdin')
    add.add_argument("--json", action="store_true")

    state = subparsers.add_parser("agreement-state", help="move an agreement to another state")
    state.add_argument("agreement", help="agreement id or number")
    state.add_argument("state", choices=STATES)
    state.add_argument("--json", action="store_true")

    code = subparsers.add_parser("agreement-desk-code", help="show or set this desk's code in agreement numbers")
    code.add_argument("code", nargs="?")
    code.add_argument("--json", action="store_true")

    pattern = subparsers.add_parser("agreement-pattern", help="show or set the agreement number pattern")
    pattern.add_argument("pattern", nargs="?", help="e.g. HK-{year}-{desk}{seq:02d}")
    pattern.add_argument("--json", action="store_true")

    cover = subparsers.add_parser("cover-sheet", help="print an agreement's cover sheet to PDF")
    cover.add_argument("agreement", help="agreement id or number")
    cover.add_argument("-o", "--output", type=Path, required=True)
    cover.add_argument("--chinese-only", action="store_true", help="without the English lines")
    cover.add_argument("--json", action="store_true")

    report = subparsers.add_parser("report", help="write a report (PDF or XLSX)")
    report.add_argument("name", choices=("attendance", "agreements", "sign-in"))
    report.add_argument("-o", "--output", type=Path, required=True, help="FILE.pdf or FILE.xlsx")
    report.add_argument("--json", action="store_true")

    export = subparsers.add_parser("export", help="export data for the organiser's systems")
    export.add_argument("what", choices=("checkins",))
    export.add_argument("-o", "--output", type=Path, required=True, help="FILE.csv or FILE.xlsx")
    export.add_argument("--json", action="store_true")

    purge = subparsers.add_parser("purge", help="remove guests' personal data after the event")
    purge.add_argument("--force", action="store_true", help="even though entries are not synced yet")
    purge.add_argument("--json", action="store_true")


def _find(args, service):
    from kiosk.core.agreements import UnknownAgreement

    try:
        return service.find(args.agreement)
    except UnknownAgreement:
        return None


def _line(a: dict[str, Any]) -> str:
    parties = " / ".join(p["name"] for p in a["parties"])
    return f"{a['number']}  [{a['state']}]  {a['title']}  ({parties})  {a['id']}"


def _cmd_agreements(args, desk) -> int:
    from kiosk.core.agreements import AgreementService

    event = desk.event
    views = AgreementService(desk).list(set(args.state) if args.state else None)
    data = [view.to_json(event) for view in views]
    for item in data:
        item.pop("history")
    _emit(args, data, "\n".join(_line(a) for a in data) or _("No agreements yet."))
    return EXIT_OK


def _cmd_agreement_add(args, desk) -> int:
    from kiosk.core.agreements import AgreementService, BadTransition, InvalidAgreement

    try:
        text = sys.stdin.read() if str(args.json_file) == "-" else args.json_file.read_text(encoding="utf-8")
        data = json.loads(text)
    except ValueError as error:
        return _fail(args, "bad_file", _("The agreement file is not valid JSON: {error}").format(error=error),
                     EXIT_USAGE)
    try:
        view = AgreementService(desk).create_from_json(data)
    except (InvalidAgreement, BadTransition) as error:
        return _fail(args, "invalid", str(error), EXIT_USAGE)
    _emit(args, view.to_json(desk.event), _("Agreement {number} recorded.").format(number=view.number))
    return EXIT_OK


def _cmd_agreement_state(args, desk) -> int:
    from kiosk.core.agreements import AgreementService, BadTransition

    service = AgreementService(desk)
    view = _find(args, service)
    if view is None:
        return _fail(args, "unknown", _("No agreement has this id or number."))
    try:
        view = service.set_state(view.id, args.state)
    except BadTransition as error:
        return _fail(args, "bad_transition", str(error))
    _emit(args, view.to_json(desk.event), _line(view.to_json(desk.event)))
    return EXIT_OK


def _cmd_agreement_desk_code(args, desk) -> int:
    from kiosk.core.agreements import AgreementService, InvalidAgreement

    service = AgreementService(desk)
    try:
        code = service.set_desk_code(args.code) if args.code else service.desk_code()
    except InvalidAgreement as error:
        return _fail(args, "invalid", str(error), EXIT_USAGE)
    _emit(args, {"desk_code": code}, code)
    return EXIT_OK


def _cmd_agreement_pattern(args, desk) -> int:
    from kiosk.core.agreements import AgreementService, InvalidAgreement

    service = AgreementService(desk)
    try:
        if args.pattern:
            service.set_pattern(args.pattern)
    except InvalidAgreement as error:
        return _fail(args, "invalid", str(error), EXIT_USAGE)
    _emit(args, {"pattern": service.pattern()}, service.pattern())
    return EXIT_OK


def _cmd_cover_sheet(args, desk) -> int:
    from kiosk.core.agreements import AgreementService
    from kiosk.printing.fonts import FontNotFound, MissingGlyphs

    service = AgreementService(desk)
    view = _find(args, service)
    if view is None:
        return _fail(args, "unknown", _("No agreement has this id or number."))
    try:
        service.cover_sheet_pdf(view.id, args.output, english=not args.chinese_only)
    except (FontNotFound, MissingGlyphs) as error:
        return _fail(args, "font", str(error))
    _emit(args, {"file": str(args.output), "id": view.id, "number": view.number},
          _("Cover sheet written: {file}").format(file=args.output))
    return EXIT_OK


def _cmd_report(args, desk) -> int:
    from kiosk.core.reports import UnsupportedFormat, write_report
    from kiosk.printing.fonts import FontNotFound, MissingGlyphs

    try:
        write_report(desk, args.name, args.output)
    except UnsupportedFormat:
        return _fail(args, "usage", _("A report is written as .pdf or .xlsx."), EXIT_USAGE)
    except (FontNotFound, MissingGlyphs) as error:
        return _fail(args, "font", str(error))
    _emit(args, {"file": str(args.output), "report": args.name},
          _("Report written: {file}").format(file=args.output))
    return EXIT_OK


def _cmd_export(args, desk) -> int:
    from kiosk.core.reports import UnsupportedFormat, export_checkins

    try:
        count = export_checkins(desk, args.output)
    except UnsupportedFormat:
        return _fail(args, "usage", _("The check-in export is written as .csv or .xlsx."), EXIT_USAGE)
    _emit(args, {"file": str(args.output), "rows": count},
          _("{n} check-ins exported to {file}").format(n=count, file=args.output))
    return EXIT_OK


def _cmd_purge(args, desk) -> int:
    from kiosk.core.purge import Unsynced, purge

    try:
        report = purge(desk, force=args.force)
    except Unsynced as error:
        return _fail(
            args, "unsynced",
            _("{n} journal entries have not reached the hub yet. Sync (or export a bundle) first, "
              "or purge with --force.").format(n=error.waiting),
        )
    _emit(args, report.to_json(),
          _("Personal data of {n} guests removed; the counts and the agreement register remain.").format(
              n=report.guests))
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Any], int]] = {
    "agreements": _cmd_agreements,
    "agreement-add": _cmd_agreement_add,
    "agreement-state": _cmd_agreement_state,
    "agreement-desk-code": _cmd_agreement_desk_code,
    "agreement-pattern": _cmd_agreement_pattern,
    "cover-sheet": _cmd_cover_sheet,
    "report": _cmd_report,
    "export": _cmd_export,
    "purge": _cmd_purge,
}
