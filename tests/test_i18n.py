"""Every message the code marks for translation has a Chinese and an English catalogue entry."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from kiosk.i18n import LANGUAGES, catalogue, set_language, translate

ROOT = Path(__file__).parents[1]
MARKERS = {"_", "N_"}


def marked_messages() -> dict[str, str]:
    """msgid → where it is used, from every ``_("...")`` / ``N_("...")`` in kiosk/."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "kiosk").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in MARKERS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def catalogue_ids(locale: str) -> dict[str, str]:
    ids: dict[str, str] = {}
    for path in sorted((ROOT / "resources" / "locale" / locale / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle):
                if message.id:
                    ids[message.id] = message.string
    return ids


@pytest.mark.parametrize("locale", sorted(LANGUAGES.values()))
def test_every_marked_message_is_translated(locale):
    ids = catalogue_ids(locale)
    missing = {msgid: where for msgid, where in marked_messages().items() if not ids.get(msgid)}
    assert not missing, f"{locale}: add these to a .po file:\n" + "\n".join(f"{w}: {m!r}" for m, w in missing.items())


def test_placeholders_survive_translation():
    import string

    formatter = string.Formatter()
    zh = catalogue_ids("zh_CN")
    for msgid in marked_messages():
        if msgid in zh:
            wanted = {name for _, name, _, _ in formatter.parse(msgid) if name}
            got = {name for _, name, _, _ in formatter.parse(zh[msgid]) if name}
            assert wanted == got, msgid


def test_switching_language():
    set_language("en")
    try:
        assert translate("Expert", "zh") == "专家"
        assert catalogue("en").gettext("Expert") == "Expert"
    finally:
        set_language("zh")
