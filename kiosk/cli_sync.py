"""The sync commands of the command line: ``sync``, ``join``, ``conflicts``, ``bundle``, ``hub``.

Wired into kiosk.cli: ``add_commands(subparsers)`` adds the parsers; ``COMMANDS[name](args, desk)``
runs a desk command, ``HUB_COMMANDS[name](args)`` a hub command (no desk). Exit codes and error
output as in kiosk.cli: 0 done; 1 failed, with ``{"error": code, "message": text}``; 2 usage.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.cli_output import EXIT_OK, EXIT_USAGE
from kiosk.cli_output import emit as _emit
from kiosk.cli_output import fail as _fail
from kiosk.i18n import _


def add_commands(subparsers) -> None:
    sync = subparsers.add_parser("sync", help="push and pull journal entries with the hub")
    sync.add_argument("--hub", help="hub URL (remembered after the first sync)")
    sync.add_argument("--token", help="this desk's hub token (remembered)")
    sync.add_argument("--json", action="store_true")

    join = subparsers.add_parser("join", help="make this empty data folder a desk of the hub's event")
    join.add_argument("--hub", required=True)
    join.add_argument("--token", required=True)
    join.add_argument("--json", action="store_true")

    conflicts = subparsers.add_parser("conflicts", help="double arrivals and concurrent edits")
    conflicts.add_argument("--json", action="store_true")

    bundle = subparsers.add_parser("bundle", help="sync without network: signed bundle files")
    bundles = bundle.add_subparsers(dest="bundle_command", metavar="ACTION", required=True)
    export = bundles.add_parser("export", help="write this desk's journal to a signed file")
    export.add_argument("-o", "--output", type=Path, required=True)
    export.add_argument("--mine", action="store_true", help="only the entries made on this desk")
    export.add_argument("--json", action="store_true")
    load = bundles.add_parser("import", help="verify and apply a bundle file")
    load.add_argument("file", type=Path)
    load.add_argument("--json", action="store_true")

    hub = subparsers.add_parser("hub", help="run or administer the hub")
    hubs = hub.add_subparsers(dest="hub_command", metavar="ACTION", required=True)
    serve = hubs.add_parser("serve", help="run the hub")
    serve.add_argument("--db", help="database URL (default: hub.sqlite3 in the data folder)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8765, help="0 picks a free port and prints it")
    token = hubs.add_parser("token", help="make a device token")
    token.add_argument("--db")
    token.add_argument("--device", required=True)
    scope = token.add_mutually_exclusive_group(required=True)
    scope.add_argument("--organiser", action="store_true", help="may publish events and read them all")
    scope.add_argument("--event", help="the one event a desk token is for")
    token.add_argument("--json", action="store_true")
    revoke = hubs.add_parser("revoke", help="revoke every token of a device")
    revoke.add_argument("--db")
    revoke.add_argument("--device", required=True)
    revoke.add_argument("--json", action="store_true")


def _sync_failure(args: argparse.Namespace, error: Exception) -> int:
    from kiosk.core.sync_service import BundleRefused, HubError, JoinRefused, SyncNotConfigured

    if isinstance(error, SyncNotConfigured):
        return _fail(args, "not_configured", _("No hub yet: give --hub URL --token TOKEN once."), EXIT_USAGE)
    if isinstance(error, HubError):
        if error.code in {"unreachable", "hub_error", "bad_answer"}:
            return _fail(args, "unreachable", _("The hub cannot be reached: {reason}").format(reason=error.message))
        return _fail(args, error.code, _("The hub refused: {reason}").format(reason=error.message))
    if isinstance(error, JoinRefused):
        return _fail(args, "join_refused", str(error))
    if isinstance(error, BundleRefused):
        return _fail(args, "bundle_refused", str(error))
    raise error


def _report_text(data: dict[str, Any]) -> str:
    text = _("Pushed {pushed}, pulled {pulled}, conflicts {conflicts}.").format(**data)
    if data["clock_off"]:
        text += "\n" + _("Warning: this computer's clock is off by {s} s.").format(s=round(data["skew_ms"] / 1000))
    return text


def _cmd_sync(args, desk) -> int:
    from kiosk.core.sync_service import BundleRefused, HubError, JoinRefused, SyncNotConfigured, SyncService

    try:
        report = SyncService(desk).sync(args.hub, args.token)
    except (HubError, SyncNotConfigured, JoinRefused, BundleRefused) as error:
        return _sync_failure(args, error)
    data = report.to_json()
    _emit(args, data, _report_text(data))
    return EXIT_OK


def _cmd_join(args, desk) -> int:
    from kiosk.core.sync_service import HubError, JoinRefused, SyncNotConfigured, SyncService

    try:
        report = SyncService(desk).join(args.hub, args.token)
    except (HubError, SyncNotConfigured, JoinRefused) as error:
        return _sync_failure(args, error)
    event = desk.require_event()
    data = {"event_id": event.id, "event": event.name, **report.to_json()}
    _emit(args, data, _("Joined {name}: {n} entries pulled.").format(name=event.name, n=report.pulled))
    return EXIT_OK


def _cmd_conflicts(args, desk) -> int:
    from kiosk.core.sync_service import SyncService

    data = SyncService(desk).conflicts()
    lines = [f"{c['kind']}  {c['guest'] or ''}  {c.get('field', '')}  ({len(c['entries'])})" for c in data]
    _emit(args, data, "\n".join(lines) or _("No conflicts."))
    return EXIT_OK


def _cmd_bundle(args, desk) -> int:
    from kiosk.core.desk import NoEvent
    from kiosk.core.sync_service import BundleRefused, SyncService

    service = SyncService(desk)
    if args.bundle_command == "export":
        try:
            count = service.export_bundle(args.output, mine_only=args.mine)
        except NoEvent:
            return _fail(args, "no_event", _("There is no event in this data folder yet."))
        _emit(args, {"file": str(args.output), "entries": count}, _("{n} entries written.").format(n=count))
        return EXIT_OK
    try:
        new, total = service.import_bundle(args.file)
    except BundleRefused as error:
        return _sync_failure(args, error)
    except OSError as error:
        return _fail(args, "io", _("Could not read or write a file: {error}").format(error=error))
    _emit(args, {"new": new, "entries": total}, _("{n} new entries of {m}.").format(n=new, m=total))
    return EXIT_OK


def _cmd_hub(args) -> int:
    from kiosk.sync import store

    if args.hub_command == "serve":
        from kiosk.sync.hub import serve

        def announce(port: int) -> None:
            print(json.dumps({"listening": f"http://{args.host}:{port}", "port": port}), flush=True)

        serve(args.db, args.host, args.port, announce)
        return EXIT_OK
    store.open_hub_database(args.db)
    try:
        if args.hub_command == "token":
            token = store.issue_token(args.device.strip()[:100], event_id=args.event, organiser=args.organiser)
            _emit(args, {"device": args.device, "event_id": args.event, "token": token}, token)
        else:
            count = store.revoke_tokens(args.device)
            _emit(args, {"device": args.device, "revoked": count}, _("{n} tokens revoked.").format(n=count))
    finally:
        store.close_hub_database()
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Any], int]] = {
    "sync": _cmd_sync,
    "join": _cmd_join,
    "conflicts": _cmd_conflicts,
    "bundle": _cmd_bundle,
}
HUB_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"hub": _cmd_hub}
