"""Invitations: one A4 page per guest, Chinese first, a large QR code that scans."""

from __future__ import annotations

import io
import re

import pdfplumber
import pytest
import zxingcpp
from reportlab.lib.units import mm

from kiosk.printing.invitation import InvitationData, latin_name, render_invitations
from tests.printing.pdf_tools import DATE, EVENT, VENUE, make_credential, pdf_text, pdf_to_images


def invitation(name="王芳", seed=1, **changes) -> InvitationData:
    fields = dict(
        guest_id=f"g-{seed}",
        name=name,
        organisation="中国石油大学（华东）石油工程学院",
        title="教授",
        credential=make_credential(seed),
        event_name=EVENT,
        event_date=DATE,
        venue=VENUE,
        sessions=("开幕式及主旨报告 09:00–11:30", "高端油服装备专题分论坛"),
    )
    fields.update(changes)
    return InvitationData(**fields)


def test_one_page_per_guest_bilingual_chinese_first(tmp_path):
    guests = [invitation("王芳", 1), invitation("Alexander Christopher Fitzgerald-Montgomery", 2)]
    pdf = render_invitations(guests)
    text = pdf_text(pdf, tmp_path)
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) == 2
    first = pages[0]
    assert "尊敬的 王芳：" in first and "Dear Wang Fang," in first
    assert first.index("尊敬的") < first.index("Dear")
    assert "请在报到处出示此二维码" in first and "Please show this QR code at the registration desk" in first
    assert first.index("请在报到处") < first.index("Please show")
    squeezed = re.sub(r"\s+", "", first)
    assert re.sub(r"\s+", "", EVENT) in squeezed and DATE in squeezed and VENUE in squeezed
    assert "开幕式及主旨报告" in first
    assert "Dear Alexander Christopher Fitzgerald-Montgomery," in pages[1]
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert doc.pages[0].width == pytest.approx(210 * mm, abs=0.01)
        assert doc.pages[0].height == pytest.approx(297 * mm, abs=0.01)


def test_the_qr_code_is_large_and_scans(tmp_path):
    guest = invitation()
    dpi = 100
    (image,) = pdf_to_images(render_invitations([guest]), tmp_path, dpi=dpi)
    (result,) = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert result.text == guest.credential
    pos = result.position
    width_px = max(p.x for p in (pos.top_left, pos.top_right, pos.bottom_left, pos.bottom_right)) - min(
        p.x for p in (pos.top_left, pos.top_right, pos.bottom_left, pos.bottom_right)
    )
    # zxing reports the symbol without its quiet zone: 45 of 53 modules of the 52 mm square
    assert width_px / dpi * 25.4 >= 42


@pytest.mark.parametrize(
    ("name", "latin"), [("王芳", "Wang Fang"), ("欧阳明远", "Ouyang Mingyuan"), ("Anna Müller", "Anna Müller")]
)
def test_latin_names(name, latin):
    assert latin_name(name) == latin


def test_written_to_a_file(tmp_path):
    target = tmp_path / "inv.pdf"
    progress = []
    assert render_invitations([invitation(seed=i) for i in range(3)], output=target, progress=progress.append) is None
    assert progress == [1, 2, 3]
    assert target.read_bytes().startswith(b"%PDF")
