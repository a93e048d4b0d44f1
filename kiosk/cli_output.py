"""How every command prints: JSON with ``--json``, text otherwise; failures as ``{"error", "message"}``.

Shared by kiosk.cli and the command groups it wires in (kiosk.cli_sync, kiosk.cli_agreements).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def emit(args: argparse.Namespace, data: Any, text: Callable[[], str] | str) -> None:
    """Print ``data`` as JSON when ``--json`` was given, else ``text`` (a string or a function making it)."""
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=None if isinstance(data, list) and len(data) > 50 else 2))
    else:
        print(text() if callable(text) else text)


def fail(args: argparse.Namespace, code: str, message: str, exit_code: int = EXIT_FAILED) -> int:
    """Report a failure (JSON on stdout with ``--json`` or ``--stdin``, else the message on stderr)."""
    if getattr(args, "json", False) or getattr(args, "stdin", False):
        print(json.dumps({"error": code, "message": message}, ensure_ascii=False))
    else:
        print(message, file=sys.stderr)
    return exit_code
