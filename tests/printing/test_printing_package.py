"""The package's boundaries: no Qt, no database; every message translated in both catalogues."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

import kiosk.printing
from kiosk.paths import resource

PACKAGE = Path(kiosk.printing.__file__).parent
KEYWORDS = {"_": None, "N_": None, "translate": (1,)}


def test_printing_imports_neither_qt_nor_the_database():
    modules = [f"kiosk.printing.{p.stem}" for p in PACKAGE.glob("*.py") if p.stem != "__init__"]
    code = (
        f"import sys; import {', '.join(modules)}; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'peewee') "
        "or m.startswith(('kiosk.models', 'kiosk.core', 'kiosk.ui'))]; print(bad); sys.exit(bool(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_message_is_in_both_catalogues():
    ids = set()
    for path in PACKAGE.glob("*.py"):
        for _lineno, message, _comments, _context in extract_from_file("python", str(path), keywords=KEYWORDS):
            ids.add(message if isinstance(message, str) else message[0])
    assert "Please show this QR code at the registration desk" in ids
    for locale in ("zh_CN", "en"):
        with (resource("locale", locale, "LC_MESSAGES") / "printing.po").open("rb") as f:
            catalogue = read_po(f, locale=locale)
        translated = {m.id: m.string for m in catalogue if m.id}
        missing = sorted(i for i in ids if not translated.get(i))
        assert missing == [], f"{locale}: untranslated {missing}"
        if locale == "en":
            assert all(translated[i] == i for i in ids)
        else:
            assert translated["Please show this QR code at the registration desk"] == "请在报到处出示此二维码"
