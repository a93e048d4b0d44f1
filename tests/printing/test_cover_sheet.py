"""The cover sheet: every party and signatory on the page, its QR code decodes to the agreement's
code, and scanning that code at the desk records the original as collected."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from kiosk.core import credentials
from kiosk.core.agreements import AgreementService, Party, Signatory, scan_agreement
from kiosk.printing.cover_sheet import CoverParty, CoverSheetData, load_cover_layout, render_cover_sheet
from tests.printing.pdf_tools import decode_qr, pdf_text, pdf_to_images

PARTIES = [
    Party("东营职业学院", (Signatory("李建国", "副院长"),)),
    Party("胜利石油工程有限公司钻井工艺研究院", (Signatory("张伟", "总工程师"), Signatory("欧阳明远", "高级工程师"))),
    Party("河口区石油装备产业园", (Signatory("Anna Schmidt", "Director"),)),
]


@pytest.fixture
def signed(desk):
    service = AgreementService(desk)
    agreement = service.create(kind="school_enterprise", title="石油装备智能制造现代产业学院共建项目",
                               parties=PARTIES, witness="河口区人民政府", session="MAIN",
                               signing_time="2099-06-30 11:20")
    service.set_state(agreement.id, "ready")
    return service.set_state(agreement.id, "signed")


def test_cover_sheet_carries_every_party_and_a_scannable_code(desk, signed, tmp_path):
    service = AgreementService(desk)
    pdf = service.cover_sheet_pdf(signed.id)
    text = pdf_text(pdf, tmp_path).replace(" ", "")
    for party in PARTIES:
        assert party.name in text
        for person in party.signatories:
            assert person.name.replace(" ", "") in text and person.title in text
    for words in (signed.number, "校企合作项目", "签字", "盖章", "河口区人民政府", "2099年6月30日", "测试论坛",
                  "甲方", "乙方", "丙方", "PartyA"):
        assert words in text, words
    (image,) = pdf_to_images(pdf, tmp_path, dpi=200)
    assert decode_qr(image) == [signed.code]
    # Scanning what the QR code says (as the desk's scanner types it) collects the original.
    with desk.write():
        verdict = scan_agreement(desk, credentials.decode(decode_qr(image)[0]))
    assert verdict.reason == "agreement_collected"
    assert service.get(signed.id).state == "collected"


def test_chinese_only_and_a4(desk, signed, tmp_path):
    pdf = AgreementService(desk).cover_sheet_pdf(signed.id, english=False)
    text = pdf_text(pdf, tmp_path)
    assert "Party" not in text and "甲方" in text
    (tmp_path / "c.pdf").write_bytes(pdf)
    page = PdfReader(tmp_path / "c.pdf").pages[0]
    assert (round(float(page.mediabox.width) / 72 * 25.4), round(float(page.mediabox.height) / 72 * 25.4)) == (210, 297)


def test_many_parties_still_fit_one_page(tmp_path):
    parties = tuple(CoverParty(f"第{i}单位有限公司", ((f"代表{i}", "总经理"),)) for i in range(1, 7))
    sheet = CoverSheetData(
        agreement_id="x", event_name="论坛", number="HK-2026-A01", kind_zh="合作协议", kind_en="Cooperation agreement",
        title="六方合作协议", parties=parties, witness="", date_text="2026年6月30日", place="河口", session="",
        code="FKA" + "A" * 151,
    )
    pdf = render_cover_sheet(sheet, invariant=True)
    assert pdf == render_cover_sheet(sheet, invariant=True)  # stable bytes
    text = pdf_text(pdf, tmp_path)
    assert all(p.name in text for p in parties)
    (tmp_path / "m.pdf").write_bytes(pdf)
    assert len(PdfReader(tmp_path / "m.pdf").pages) == 1
    assert load_cover_layout()["page"] == {"width_mm": 210, "height_mm": 297}
