"""Composition root: parse the command line, then run a command or open the window."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from kiosk import cli


def main(argv: Sequence[str] | None = None) -> int:
    args = cli.build_parser().parse_args(argv)
    if args.command is not None:
        return cli.run(args)
    from kiosk.ui.launch import launch  # Qt is loaded only for the window

    return launch(args)


if __name__ == "__main__":
    sys.exit(main())
