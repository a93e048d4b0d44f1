"""The CJK font: TrueType outlines only, registered once, and a clear error for characters it lacks."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from kiosk.printing.badge import render_badges
from kiosk.printing.fonts import FontNotFound, MissingGlyphs, candidate_fonts, register_fonts
from kiosk.printing.invitation import InvitationData, render_invitations
from tests.printing.pdf_tools import make_badge, make_credential


def test_register_fonts_is_idempotent(font):
    assert register_fonts() is font
    assert font.path.endswith((".ttf", ".ttc"))
    assert "wqy-zenhei" in font.path or "Droid" in font.path


def test_candidates_are_found_through_fontconfig():
    paths = [p for p, _i in candidate_fonts()]
    assert any("wqy-zenhei.ttc" in p for p in paths)
    assert paths[0].endswith("wqy-zenhei.ttc")  # preferred first


@pytest.mark.parametrize("name", ["王芳😀", "𠀀王"])  # an emoji; CJK Extension B (U+20000)
def test_missing_glyphs_name_the_guest_and_the_characters(font, name):
    missing = next(ch for ch in name if ch not in "王芳")
    with pytest.raises(MissingGlyphs) as info:
        render_badges([make_badge(name, guest_id="g-42")], "badge-90x130")
    assert info.value.missing == missing
    message = str(info.value)
    assert name in message and "g-42" in message and f"U+{ord(missing):04X}" in message


def test_missing_glyphs_in_any_drawn_field(font):
    with pytest.raises(MissingGlyphs, match=r"U\+1F3ED"):
        render_badges([make_badge("王芳", organisation="Oil 🏭 Works")], "badge-90x130")


def test_missing_glyphs_in_an_invitation(font):
    inv = InvitationData("g1", "王芳😀", "", "", make_credential(1), "论坛", "2027年6月30日", "东营")
    with pytest.raises(MissingGlyphs, match="王芳😀"):
        render_invitations([inv])


def test_a_cff_font_is_refused_with_a_reason():
    out = subprocess.run(["fc-list", ":fontformat=CFF", "file"], capture_output=True, text=True).stdout
    cff = [line.split(":")[0] for line in out.splitlines() if line.strip()]
    if not cff:
        pytest.skip("no CFF-outline font installed to try")
    with pytest.raises(FontNotFound, match=re.escape(Path(cff[0]).name)):
        register_fonts(cff[0])


def test_a_named_font_that_does_not_exist_is_refused(tmp_path):
    with pytest.raises(FontNotFound, match=r"nothing\.ttf"):
        register_fonts(tmp_path / "nothing.ttf")
