"""``python -m tests.sync.runner [--data DIR] COMMAND …``: the sync commands as the CLI will run them.

Stands in for kiosk.cli until the lead wires kiosk.cli_sync into it: the same global options, the
desk opened and closed around a desk command, hub commands without a desk. Other commands go to
kiosk.cli unchanged.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk import cli, cli_sync
from kiosk.i18n import set_language


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="kiosk")
    parser.add_argument("--data", type=Path)
    parser.add_argument("--lang", choices=("zh", "en"))
    parser.add_argument("--station")
    parser.add_argument("--operator")
    commands = parser.add_subparsers(dest="command", required=True)
    cli_sync.add_commands(commands)
    known = {"sync", "join", "conflicts", "bundle", "hub"}
    command = next((word for word in argv if not word.startswith("-") and word in known), None)
    if command is None:
        return cli.main(argv)
    args = parser.parse_args(argv)
    set_language(args.lang or "en")
    if args.command in cli_sync.HUB_COMMANDS:
        return cli_sync.HUB_COMMANDS[args.command](args)
    from kiosk.core.desk import open_desk

    desk = open_desk(args.data)
    try:
        if args.station:
            desk.station = args.station
        return cli_sync.COMMANDS[args.command](args, desk)
    finally:
        desk.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
