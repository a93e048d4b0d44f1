"""The ``kiosk`` command line: the same services as the window, JSON out. Never imports Qt.

Exit codes: 0 success (for ``scan``: ok or warn); 1 refused or failed, with
``{"error": code, "message": text}`` (for ``scan``: the verdict); 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk import cli_agreements, cli_sync
from kiosk.cli_output import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from kiosk.cli_output import emit as _emit
from kiosk.cli_output import fail as _fail
from kiosk.i18n import LANGUAGES, _, set_language


class CommandError(Exception):
    """A command failed in a way the user can fix; ``code`` is stable, ``message`` translated."""

    def __init__(self, code: str, message: str, exit_code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.exit_code = exit_code


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="Forum Kiosk: front-desk check-in.")
    parser.add_argument("--data", type=Path, help="data folder holding one event (default: the platform's)")
    parser.add_argument("--mode", choices=("desk", "self-service"), default="desk")
    parser.add_argument("--lang", choices=sorted(LANGUAGES), help="language (zh or en)")
    parser.add_argument("--station", help="this desk's station name (default: configured, else host name)")
    parser.add_argument("--operator", help="the volunteer on duty")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser("demo", help="create the demo event")
    demo.add_argument("--guests", type=int, default=300)
    demo.add_argument("--json", action="store_true")

    init = commands.add_parser("init", help="create an empty event")
    init.add_argument("--name", required=True)
    init.add_argument("--date", required=True, help="YYYY-MM-DD")
    init.add_argument("--venue", default="")
    init.add_argument("--timezone", default="Asia/Shanghai")
    init.add_argument("--json", action="store_true")

    event = commands.add_parser("event", help="show the event")
    event.add_argument("--json", action="store_true")

    session = commands.add_parser("session", help="add or change a session")
    session.add_argument("code")
    session.add_argument("--name", required=True)
    session.add_argument("--categories", required=True, help="comma-separated category codes")
    session.add_argument("--json", action="store_true")

    importing = commands.add_parser("import", help="import or merge a guest list (CSV or XLSX)")
    importing.add_argument("file", type=Path)
    importing.add_argument("--dry-run", action="store_true")
    importing.add_argument("--json", action="store_true")

    guests = commands.add_parser("guests", help="list guests")
    guests.add_argument("--json", action="store_true")

    credential = commands.add_parser("credential", help="a guest's current code")
    credential.add_argument("guest_id")
    credential.add_argument("--reissue", action="store_true", help="issue a new code; the old one is revoked")
    credential.add_argument("--png", type=Path, help="also write the QR code as a PNG")
    credential.add_argument("--json", action="store_true")

    all_credentials = commands.add_parser("credentials", help="every guest's current code")
    all_credentials.add_argument("--json", action="store_true")

    scan = commands.add_parser("scan", help="check in by code")
    scan.add_argument("text", nargs="?")
    scan.add_argument("--stdin", action="store_true", help="one code per line, one JSON verdict per line")
    # Own dest: a subcommand default would overwrite the global --station in the namespace.
    scan.add_argument("--station", dest="scan_station", metavar="NAME")
    scan.add_argument("--session")
    scan.add_argument("--json", action="store_true")

    undo = commands.add_parser("undo", help="undo a check-in")
    undo.add_argument("checkin_id")
    undo.add_argument("--json", action="store_true")

    search = commands.add_parser("search", help="find guests by name, pinyin, organisation or phone tail")
    search.add_argument("query")
    search.add_argument("--limit", type=int, default=50)
    search.add_argument("--json", action="store_true")

    stats = commands.add_parser("stats", help="expected and arrived")
    stats.add_argument("--json", action="store_true")

    backup = commands.add_parser("backup", help="back up the database now")
    backup.add_argument("--json", action="store_true")

    badge = commands.add_parser("badge", help="badges into one PDF (pre-printing)")
    badge.add_argument("guest_ids", nargs="*", metavar="GUEST_ID")
    badge.add_argument("--all", action="store_true", help="every registered guest")
    badge.add_argument("-o", "--output", type=Path, required=True)
    badge.add_argument("--layout")
    badge.add_argument("--json", action="store_true")

    printing = commands.add_parser("print", help="print a guest's badge on this desk's printer")
    printing.add_argument("guest_id")
    printing.add_argument("--printer", help="another printer than the desk's")
    printing.add_argument("--reason", default="", help="why: needed when the badge was printed before")
    printing.add_argument("--wait", type=float, default=30.0, help="seconds to wait for the printer (default 30)")
    printing.add_argument("--json", action="store_true")

    layouts = commands.add_parser("layouts", help="the badge layouts")
    layouts.add_argument("--json", action="store_true")

    invitations = commands.add_parser("invitations", help="invitation letters with QR codes, one A4 page each")
    invitations.add_argument("-o", "--output", type=Path, required=True)
    invitations.add_argument("--json", action="store_true")

    jobs = commands.add_parser("jobs", help="print jobs (refreshed from the print system)")
    jobs.add_argument("--failed", action="store_true", help="only failed jobs")
    jobs.add_argument("--json", action="store_true")

    retry = commands.add_parser("retry", help="send a failed print job again")
    retry.add_argument("job_id")
    retry.add_argument("--printer", help="send it to another printer")
    retry.add_argument("--wait", type=float, default=30.0)
    retry.add_argument("--json", action="store_true")

    printer = commands.add_parser("printer", help="show or set this desk's printer")
    printer.add_argument("--backend", choices=("pdf", "cups", "qt"))
    printer.add_argument("--name", help="CUPS queue or Qt printer name (for pdf: a folder)")
    printer.add_argument("--layout")
    printer.add_argument("--copies", type=int)
    printer.add_argument("--offset-x", type=float, help="mm to the right (calibration)")
    printer.add_argument("--offset-y", type=float, help="mm down (calibration)")
    printer.add_argument("--auto-print", choices=("on", "off"), help="print a badge on each first arrival")
    printer.add_argument("--font", help="a TrueType CJK font file (.ttf/.ttc) to print with ('' for automatic)")
    printer.add_argument("--json", action="store_true")

    cli_sync.add_commands(commands)
    cli_agreements.add_commands(commands)
    return parser


# --- output -------------------------------------------------------------------------------------------


def _guest_line(guest: dict[str, Any]) -> str:
    arrived = f"  ✔ {guest['checked_in'][11:16]} {guest['station']}" if guest["checked_in"] else ""
    return f"{guest['id']}  {guest['name']}  {guest['organisation']}  {guest['title']}  [{guest['category']}]{arrived}"


# --- commands -----------------------------------------------------------------------------------------


def _open(args: argparse.Namespace):
    from kiosk.core.desk import open_desk

    desk = open_desk(args.data)
    if args.station:
        desk.station = args.station.strip()[:100]
    if args.operator:
        desk.set_operator(args.operator)
    return desk


def _cmd_demo(args, desk) -> int:
    from kiosk.core.demo import create_demo

    if not 1 <= args.guests <= 200_000:
        raise CommandError("usage", _("--guests must be between 1 and 200000."), EXIT_USAGE)
    event = create_demo(desk, guests=args.guests)
    _emit(args, _event_json(desk), _("Demo event created: {name}").format(name=event.name))
    return EXIT_OK


def _cmd_init(args, desk) -> int:
    try:
        date.fromisoformat(args.date)
    except ValueError:
        raise CommandError("usage", _("The date must look like 2027-06-30."), EXIT_USAGE) from None
    try:
        ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise CommandError("usage", _("Unknown time zone: {zone}").format(zone=args.timezone), EXIT_USAGE) from None
    if not args.name.strip():
        raise CommandError("usage", _("The event needs a name."), EXIT_USAGE)
    event = desk.create_event(name=args.name.strip(), date_text=args.date, venue=args.venue, timezone=args.timezone)
    _emit(args, _event_json(desk), _("Event created: {name}").format(name=event.name))
    return EXIT_OK


def _event_json(desk) -> dict[str, Any]:
    event = desk.require_event()
    return {
        "id": event.id,
        "name": event.name,
        "date": event.date,
        "venue": event.venue,
        "timezone": event.timezone,
        "sessions": [{"code": s["code"], "name": s["name"], "categories": s["categories"]} for s in desk.sessions()],
    }


def _cmd_event(args, desk) -> int:
    data = _event_json(desk)
    sessions = "\n".join(f"  {s['code']}: {s['name']} ({', '.join(s['categories'])})" for s in data["sessions"])
    _emit(args, data, f"{data['name']}\n{data['date']}  {data['venue']}  ({data['timezone']})\n{sessions}")
    return EXIT_OK


def _cmd_session(args, desk) -> int:
    from kiosk.categories import CATEGORIES

    categories = [c.strip() for c in args.categories.split(",") if c.strip()]
    unknown = [c for c in categories if c not in CATEGORIES]
    if unknown or not categories:
        raise CommandError(
            "usage", _("Categories must be among: {names}").format(names=", ".join(CATEGORIES)), EXIT_USAGE
        )
    desk.set_session(args.code.strip()[:20], args.name.strip(), categories)
    return _cmd_event(args, desk)


def _cmd_import(args, desk) -> int:
    from kiosk.core.guest_file import GuestFileError
    from kiosk.core.importing import import_guests

    desk.require_event()
    try:
        report = import_guests(desk, args.file, dry_run=args.dry_run)
    except GuestFileError as error:
        raise CommandError("bad_file", str(error)) from None
    data = report.to_json()

    def text() -> str:
        lines = [
            _("Imported {n} new guests, updated {m}, unchanged {k}.").format(
                n=report.imported, m=report.updated, k=report.unchanged
            )
            if not report.errors
            else _("Nothing was imported: fix these rows and import again.")
        ]
        if report.dry_run and not report.errors:
            lines.insert(0, _("Dry run: nothing was written."))
        lines += [f"  {error['message']}" for error in report.errors]
        lines += [
            "  " + _("Row {row} duplicates row {first}: {name}").format(row=d["row"], first=d["first_row"], name=d["name"])
            for d in report.duplicates
        ]
        for change in report.changes[:200]:
            fields = "; ".join(f"{k}: {old} → {new}" for k, (old, new) in change["fields"].items())
            lines.append(f"  {change['name']}: {fields}")
        return "\n".join(lines)

    _emit(args, data, text)
    return EXIT_FAILED if report.errors else EXIT_OK


def _cmd_guests(args, desk) -> int:
    from kiosk.core.guests import GuestService

    event = desk.event
    guests = [guest.to_json(event) for guest in GuestService(desk).all()]
    _emit(args, guests, lambda: "\n".join(_guest_line(g) for g in guests))
    return EXIT_OK


def _cmd_credential(args, desk) -> int:
    from kiosk.core.issuing import IssuingService, UnknownGuest

    desk.require_event()
    try:
        issued = IssuingService(desk).current(args.guest_id, reissue=args.reissue)
    except UnknownGuest:
        raise CommandError("unknown_guest", _("No guest has the id {id}.").format(id=args.guest_id)) from None
    if args.png:
        import qrcode

        image = qrcode.make(issued.text, error_correction=qrcode.constants.ERROR_CORRECT_M)
        image.save(args.png)
    _emit(args, {"guest_id": issued.guest_id, "text": issued.text}, issued.text)
    return EXIT_OK


def _cmd_credentials(args, desk) -> int:
    from kiosk.core.issuing import IssuingService

    desk.require_event()
    issued = IssuingService(desk).all_current()
    data = [{"guest_id": code.guest_id, "text": code.text} for code in issued]
    _emit(args, data, lambda: "\n".join(f"{c['guest_id']}\t{c['text']}" for c in data))
    return EXIT_OK


def _cmd_scan(args, desk) -> int:
    from kiosk.core.checkin import CheckinService
    from kiosk.core.print_queue import PrintQueue
    from kiosk.core.writer import Writer

    desk.require_event()
    station = (args.scan_station or desk.station).strip()[:100]
    service = CheckinService(desk)
    printing = PrintQueue(desk)
    auto_print = printing.prefs().auto_print

    def after(verdict) -> None:
        if auto_print and verdict.guest is not None:
            printing.after_checkin(verdict.guest.id, verdict.reason)

    if args.stdin:
        writer = Writer()
        try:
            for line in sys.stdin:
                verdict = writer.run(service.scan, line, station, args.session)
                # Printed only after scan() returned, i.e. after the commit: a reported check-in is durable.
                sys.stdout.write(json.dumps(verdict.to_json(desk), ensure_ascii=False) + "\n")
                sys.stdout.flush()
                if auto_print:
                    writer.run(after, verdict)
        finally:
            writer.close()
        return EXIT_OK
    if args.text is None:
        raise CommandError("usage", _("Give the scanned text, or --stdin."), EXIT_USAGE)
    verdict = service.scan(args.text, station, args.session)
    after(verdict)
    data = verdict.to_json(desk)
    _emit(args, data, lambda: _verdict_text(data))
    return EXIT_FAILED if verdict.status == "refused" else EXIT_OK


def _verdict_text(data: dict[str, Any]) -> str:
    mark = {"ok": "✔", "warn": "!", "refused": "✘"}[data["status"]]
    guest = data["guest"]
    who = f"  {guest['name']}  {guest['organisation']}" if guest else ""
    return f"{mark} {data['message']}{who}"


def _cmd_undo(args, desk) -> int:
    from kiosk.core.checkin import CheckinService

    try:
        guest = CheckinService(desk).undo(args.checkin_id)
    except LookupError:
        raise CommandError("unknown_checkin", _("No check-in has the id {id}.").format(id=args.checkin_id)) from None
    data = {"undone": args.checkin_id, "guest": guest.to_json(desk.event)}
    _emit(args, data, _("Check-in undone: {name}").format(name=guest.name))
    return EXIT_OK


def _cmd_search(args, desk) -> int:
    from kiosk.core.search import search

    guests = [guest.to_json(desk.event) for guest in search(args.query, limit=max(1, min(args.limit, 1000)))]
    _emit(args, guests, lambda: "\n".join(_guest_line(g) for g in guests) or _("No guest found."))
    return EXIT_OK


def _cmd_stats(args, desk) -> int:
    from kiosk.core.stats import compute

    data = compute().to_json()

    def text() -> str:
        lines = [_("Arrived {arrived} of {expected}").format(**data)]
        lines += [f"  {name}: {c['arrived']}/{c['expected']}" for name, c in data["by_category"].items()]
        lines += [f"  [{code}] {c['arrived']}/{c['expected']}" for code, c in data["by_session"].items()]
        return "\n".join(lines)

    _emit(args, data, text)
    return EXIT_OK


def _cmd_backup(args, desk) -> int:
    from kiosk.core.backup import backup_now

    path = backup_now(desk.data_dir, "manual")
    _emit(args, {"backup": str(path)}, str(path))
    return EXIT_OK


def _cmd_badge(args, desk) -> int:
    from kiosk.core.print_queue import PrintQueue

    desk.require_event()
    if bool(args.guest_ids) == bool(args.all):
        raise CommandError("usage", _("Name guest ids or --all (not both)."), EXIT_USAGE)
    queue = PrintQueue(desk)
    try:
        count = queue.batch_pdf(args.output, guest_ids=None if args.all else args.guest_ids, layout=args.layout)
    except LookupError as error:
        raise CommandError("unknown_guest", _("No guest has the id {id}.").format(id=error.args[0])) from None
    _emit(args, {"output": str(args.output), "badges": count},
          _("{n} badges written to {path}").format(n=count, path=args.output))
    return EXIT_OK


def _cmd_print(args, desk) -> int:
    from kiosk.core.print_queue import PrintQueue, ReasonRequired

    desk.require_event()
    try:
        job = PrintQueue(desk).print_badge(args.guest_id, reason=args.reason, printer=args.printer,
                                           wait=max(0.0, min(args.wait, 600.0)))
    except LookupError:
        raise CommandError("unknown_guest", _("No guest has the id {id}.").format(id=args.guest_id)) from None
    except ReasonRequired as error:
        raise CommandError("reason_required", str(error)) from None
    assert job is not None
    data = job.to_json(desk.event)
    _emit(args, data, f"{job.state}: {job.error or job.system_job}")
    return EXIT_OK if job.state in ("done", "sent", "pending") else EXIT_FAILED


def _cmd_layouts(args, desk) -> int:
    from kiosk.printing.layout import list_layouts

    data = [{"name": i.name, "width_mm": i.width_mm, "height_mm": i.height_mm, "per_page": i.per_page}
            for i in list_layouts()]
    _emit(args, data, lambda: "\n".join(f"{d['name']}: {d['width_mm']}×{d['height_mm']} mm, {d['per_page']}/page"
                                         for d in data))
    return EXIT_OK


def _cmd_invitations(args, desk) -> int:
    from kiosk.core.print_queue import PrintQueue

    count = PrintQueue(desk).invitations_pdf(args.output)
    _emit(args, {"output": str(args.output), "invitations": count},
          _("{n} invitations written to {path}").format(n=count, path=args.output))
    return EXIT_OK


def _cmd_jobs(args, desk) -> int:
    from kiosk.core.print_queue import PrintQueue

    queue = PrintQueue(desk)
    for job in queue.jobs(states=("pending", "sent")):
        queue.refresh(job.id)
    jobs = queue.jobs(states=("failed",) if args.failed else None)
    data = [job.to_json(desk.event) for job in jobs]
    _emit(args, data, lambda: "\n".join(f"{j['id']}  {j['state']}  {j['guest_id']}  {j['error']}" for j in data))
    return EXIT_OK


def _cmd_retry(args, desk) -> int:
    from kiosk.core.print_queue import PrintQueue, UnknownJob

    try:
        job = PrintQueue(desk).retry(args.job_id, printer=args.printer, wait=max(0.0, min(args.wait, 600.0)))
    except UnknownJob:
        raise CommandError("unknown_job", _("No print job has the id {id}.").format(id=args.job_id)) from None
    _emit(args, job.to_json(desk.event), f"{job.state}: {job.error or job.system_job}")
    return EXIT_OK if job.state != "failed" else EXIT_FAILED


def _cmd_printer(args, desk) -> int:
    from dataclasses import asdict

    from kiosk.core.print_queue import PrintQueue
    from kiosk.printing.layout import LayoutError

    queue = PrintQueue(desk)
    prefs = queue.prefs()
    changes = {"backend": args.backend, "printer": args.name, "layout": args.layout, "copies": args.copies,
               "offset_x_mm": args.offset_x, "offset_y_mm": args.offset_y,
               "auto_print": None if args.auto_print is None else args.auto_print == "on", "font_path": args.font}
    for name, value in changes.items():
        if value is not None:
            setattr(prefs, name, value)
    if any(value is not None for value in changes.values()):
        try:
            queue.set_prefs(prefs)
        except (ValueError, LayoutError) as error:
            raise CommandError("bad_setting", str(error), EXIT_USAGE) from None
    data = asdict(prefs)
    _emit(args, data, lambda: "\n".join(f"{k}: {v}" for k, v in data.items()))
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Any], int]] = {
    "demo": _cmd_demo,
    "init": _cmd_init,
    "event": _cmd_event,
    "session": _cmd_session,
    "import": _cmd_import,
    "guests": _cmd_guests,
    "credential": _cmd_credential,
    "credentials": _cmd_credentials,
    "scan": _cmd_scan,
    "undo": _cmd_undo,
    "search": _cmd_search,
    "stats": _cmd_stats,
    "backup": _cmd_backup,
    "badge": _cmd_badge,
    "print": _cmd_print,
    "layouts": _cmd_layouts,
    "invitations": _cmd_invitations,
    "jobs": _cmd_jobs,
    "retry": _cmd_retry,
    "printer": _cmd_printer,
    **cli_sync.COMMANDS,
    **cli_agreements.COMMANDS,
}


def run(args: argparse.Namespace) -> int:
    """Run a parsed command; every failure becomes exit 1 (or 2) with a message, never a traceback."""
    from kiosk.core.desk import EventExists, NoEvent
    from kiosk.core.keys import KeyFileError
    from kiosk.models.migrations import NewerSchema

    set_language(args.lang or "zh")
    if args.command in cli_sync.HUB_COMMANDS:
        return cli_sync.HUB_COMMANDS[args.command](args)
    desk = None
    try:
        desk = _open(args)
        if desk.copied_from:
            print(
                _("Warning: this data folder was copied from another machine; this desk is now a new device."),
                file=sys.stderr,
            )
        return COMMANDS[args.command](args, desk)
    except CommandError as error:
        return _fail(args, error.code, error.message, error.exit_code)
    except NoEvent:
        return _fail(args, "no_event", _("There is no event in this data folder yet: run 'kiosk demo' or 'kiosk init'."))
    except EventExists as error:
        return _fail(args, "event_exists", _("This data folder already holds an event: {name}").format(name=error))
    except KeyFileError as error:
        return _fail(args, "key_file", str(error))
    except NewerSchema:
        return _fail(args, "newer_schema", _("This data folder was written by a newer Forum Kiosk. Update the app."))
    except OSError as error:
        return _fail(args, "io", _("Could not read or write a file: {error}").format(error=error))
    finally:
        if desk is not None:
            desk.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        raise CommandError("usage", "no command", EXIT_USAGE)
    return run(args)
