"""QR codes: the fixed mask used for credentials still decodes; error correction follows the length."""

from __future__ import annotations

import io

import pdfplumber
import pytest
import qrcode
from qrcode.constants import ERROR_CORRECT_L, ERROR_CORRECT_M, ERROR_CORRECT_Q
from reportlab.lib.units import mm

from kiosk.printing import qr
from kiosk.printing.badge import render_badges
from tests.printing.pdf_tools import decode_qr, make_badge, make_credential, matrix_image


def _matrix(symbol: qr.QrSymbol) -> list[list[bool]]:
    rows = [[False] * symbol.size for _ in range(symbol.size)]
    for x, y, w, h in symbol.rects():
        for yy in range(y, y + h):
            for xx in range(x, x + w):
                assert not rows[yy][xx], "rectangles overlap"
                rows[yy][xx] = True
    return rows


def test_rectangles_reproduce_the_qrcode_matrix_exactly():
    text = make_credential("exact")
    reference = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, mask_pattern=qr.FAST_MASK)
    reference.add_data(text)
    reference.make(fit=True)
    symbol = qr.encode(text)
    assert _matrix(symbol) == reference.get_matrix()
    assert symbol.size == len(reference.get_matrix())
    # runs merged into fewer rectangles than dark modules
    assert len(list(symbol.rects())) < sum(map(sum, reference.get_matrix())) / 2


@pytest.mark.parametrize(("length", "level"), [(20, ERROR_CORRECT_Q), (155, ERROR_CORRECT_M), (200, ERROR_CORRECT_L)])
def test_error_correction_by_length(length, level):
    assert qr.error_correction_for("A" * length) == level


def test_fixed_mask_credentials_decode(tmp_path):
    """300 random credentials of 130–180 characters, at 3 px and at 2 px per module."""
    failures = []
    for i in range(300):
        text = make_credential(f"decode-{i}", length=130 + i % 51)
        symbol = qr.encode(text)
        assert symbol.text == text
        matrix = _matrix(symbol)
        for px in (3, 2):
            if decode_qr(matrix_image(matrix, px)) != [text]:
                failures.append((i, px))
    assert failures == []


def test_other_texts_get_the_full_mask_search():
    short = "HELLO-42"
    best = qrcode.QRCode(error_correction=ERROR_CORRECT_Q, border=4)
    best.add_data(short)
    best.make(fit=True)
    assert _matrix(qr.encode(short)) == best.get_matrix()
    assert decode_qr(matrix_image(_matrix(qr.encode(short)), 4)) == [short]


def test_encode_many_fills_the_cache_from_other_processes():
    qr.clear_cache()
    texts = [make_credential(f"many-{i}") for i in range(80)]
    assert qr.encode_many(texts, workers=2) == 80
    assert qr.encode_many(texts, workers=2) == 0  # all cached now
    assert qr.encode(texts[5]).text == texts[5]


def test_qr_is_vector_rectangles_at_the_layout_size():
    badge = make_badge("王芳")
    pdf = render_badges([badge], "badge-90x130")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        assert not page.images  # no bitmap anywhere
        # the QR's white square (quiet zone included) is 32 mm at (29, 79) mm
        squares = [r for r in page.rects if abs(r["width"] - 32 * mm) < 0.05 and abs(r["height"] - 32 * mm) < 0.05]
        assert squares and squares[0]["x0"] == pytest.approx(29 * mm, abs=0.05)
        assert squares[0]["top"] == pytest.approx(79 * mm, abs=0.05)
