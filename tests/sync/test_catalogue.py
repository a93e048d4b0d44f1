"""Every message of the sync layer is translated (zh) and listed in the English catalogue."""

from __future__ import annotations

import ast

import pytest
from babel.messages.pofile import read_po

from kiosk.i18n import catalogue
from tests.sync.conftest import ROOT

FILES = ["kiosk/sync/hub.py", "kiosk/sync/bundle.py", "kiosk/core/sync_service.py", "kiosk/cli_sync.py"]


def _messages() -> set[str]:
    found = set()
    for name in FILES:
        for node in ast.walk(ast.parse((ROOT / name).read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_":
                assert isinstance(node.args[0], ast.Constant), f"{name}: _() needs a literal"
                found.add(node.args[0].value)
    return found


@pytest.mark.parametrize("language", ["zh", "en"])
def test_every_sync_message_is_in_the_catalogue(language):
    translations = catalogue(language)
    missing = [m for m in _messages() if language == "zh" and translations.gettext(m) == m]
    assert not missing
    for locale in ("en", "zh_CN"):
        with (ROOT / "resources/locale" / locale / "LC_MESSAGES/sync.po").open("rb") as po:
            assert len(list(read_po(po))) > 40
