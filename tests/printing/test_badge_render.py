"""Badges rendered for real and read back by independent tools: poppler, zxing-cpp, pdfplumber, pypdf."""

from __future__ import annotations

import io
import re

import pdfplumber
import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from kiosk.printing.badge import render_badges
from kiosk.printing.layout import BandElement, TextElement, list_layouts, load_layout
from kiosk.printing.textfit import ELLIPSIS
from tests.printing.pdf_tools import NAMES, decode_qr, make_badge, pdf_text, pdf_to_images

LAYOUTS = [info.name for info in list_layouts()]
SLACK = 0.6  # points: pdfminer rounds glyph boxes from the font's declared metrics


def test_all_shipped_layouts_are_listed():
    infos = {info.name: info for info in list_layouts()}
    assert set(infos) == {
        "badge-90x130",
        "badge-100x140",
        "a6",
        "cr80",
        "label-4x3in",
        "brother-62x100",
        "a4-2x4",
        "a4-2x5",
    }
    assert (infos["badge-90x130"].width_mm, infos["badge-90x130"].height_mm) == (90, 130)
    assert (infos["cr80"].width_mm, infos["cr80"].height_mm) == (85.6, 54)
    assert infos["a4-2x4"].per_page == 8 and infos["a4-2x5"].per_page == 10
    assert (infos["a4-2x5"].width_mm, infos["a4-2x5"].height_mm) == (210, 297)
    assert all(i.per_page == 1 for n, i in infos.items() if not n.startswith("a4-"))


def _boxes(layout, offset_mm, page_h):
    """Every text box of every cell on a page, (x0, top, x1, bottom) in points from the top-left."""
    boxes = []
    for ox, oy in layout.cell_origins_mm():
        for element in layout.elements:
            if isinstance(element, TextElement | BandElement):
                x0 = (ox + element.x_mm + offset_mm[0]) * mm
                top = (oy + element.y_mm + offset_mm[1]) * mm
                boxes.append((element, (x0, top, x0 + element.width_mm * mm, top + element.height_mm * mm), (ox, oy)))
    return boxes


def _inside(char, box):
    x0, top, x1, bottom = box
    return (
        char["x0"] >= x0 - SLACK
        and char["x1"] <= x1 + SLACK
        and char["top"] >= top - SLACK
        and char["bottom"] <= bottom + SLACK
    )


@pytest.mark.parametrize("layout_name", LAYOUTS)
@pytest.mark.parametrize("who", list(NAMES))
def test_badge_reads_back(layout_name, who, tmp_path):
    layout = load_layout(layout_name)
    name = NAMES[who]
    badge = make_badge(name, seed=f"{layout_name}-{who}")
    offset = (1.5, -1.0)
    pdf = render_badges([badge], layout, offset_mm=offset)

    # The QR code gives back exactly the credential.
    (image,) = pdf_to_images(pdf, tmp_path, dpi=200)
    assert decode_qr(image) == [badge.credential]

    # The name is in the text layer (wrapped names compared without whitespace).
    text = pdf_text(pdf, tmp_path)
    squeezed = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", name) in squeezed

    # No character outside its box; the name's box holds the name and nothing else.
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        assert page.width == pytest.approx(layout.page_width_mm * mm, abs=0.01)
        assert page.height == pytest.approx(layout.page_height_mm * mm, abs=0.01)
        chars = page.chars
        boxes = _boxes(layout, offset, page.height)
        assert chars
        for char in chars:
            assert any(_inside(char, box) for _e, box, _o in boxes), (
                f"{char['text']!r} at x {char['x0']:.1f}–{char['x1']:.1f}, "
                f"y {char['top']:.1f}–{char['bottom']:.1f} is outside every text box"
            )
        first_cell = layout.cell_origins_mm()[0]
        name_box = next(
            box for e, box, o in boxes if o == first_cell and isinstance(e, TextElement) and e.field == "name"
        )
        in_name = "".join(c["text"] for c in chars if _inside(c, name_box))
        assert re.sub(r"\s+", "", in_name) == re.sub(r"\s+", "", name)

    # Every font a character is drawn with is embedded (a FontFile2 stream): nothing relies on the
    # printer's fonts. (ReportLab lists an unused Helvetica in each page's resources; no text uses it.)
    used = {c["fontname"] for c in chars}
    reader = PdfReader(io.BytesIO(pdf))
    fonts = [ref.get_object() for ref in reader.pages[0]["/Resources"]["/Font"].values()]
    checked = set()
    for font in fonts:
        base = str(font["/BaseFont"]).lstrip("/")
        if base not in used:
            continue
        assert "STSong" not in base
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, base
        checked.add(base)
    assert checked == used


def test_chinese_name_is_the_biggest_text(tmp_path):
    pdf = render_badges([make_badge("王芳")], "badge-90x130")
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        chars = doc.pages[0].chars
    sizes = {c["text"]: c["size"] for c in chars}
    assert sizes["王"] >= 36
    assert sizes["王"] == max(c["size"] for c in chars)
    # centred: the pair's midpoint is the page's
    wang = next(c for c in chars if c["text"] == "王")
    fang = next(c for c in chars if c["text"] == "芳")
    assert (wang["x0"] + fang["x1"]) / 2 == pytest.approx(45 * mm, abs=1.0)


def test_overlong_text_is_cut_with_an_ellipsis_inside_its_box(tmp_path):
    organisation = "中国石油天然气集团有限公司勘探开发研究院提高采收率国家重点实验室" * 4
    badge = make_badge("王芳", organisation=organisation)
    layout = load_layout("badge-90x130")
    pdf = render_badges([badge], layout)
    element = next(e for e in layout.elements if isinstance(e, TextElement) and e.field == "organisation")
    box = (
        element.x_mm * mm,
        element.y_mm * mm,
        (element.x_mm + element.width_mm) * mm,
        (element.y_mm + element.height_mm) * mm,
    )
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        chars = [c for c in doc.pages[0].chars if _inside(c, box)]
    drawn = "".join(c["text"] for c in chars)
    assert drawn.endswith(ELLIPSIS)
    assert organisation.startswith(drawn[:-1])
    assert min(c["size"] for c in chars) >= element.min_size - 0.01
    assert len({round(c["top"]) for c in chars}) == 2  # two lines, the most the element allows


def test_offset_moves_everything(tmp_path):
    badge = make_badge("王芳")
    plain = render_badges([badge], "badge-90x130")
    moved = render_badges([badge], "badge-90x130", offset_mm=(2.0, 3.0))
    with pdfplumber.open(io.BytesIO(plain)) as a, pdfplumber.open(io.BytesIO(moved)) as b:
        pa, pb = a.pages[0], b.pages[0]
        for ca, cb in zip(pa.chars, pb.chars, strict=True):
            assert cb["x0"] - ca["x0"] == pytest.approx(2 * mm, abs=0.01)
            assert cb["top"] - ca["top"] == pytest.approx(3 * mm, abs=0.01)
        for ra, rb in zip(pa.rects, pb.rects, strict=True):
            assert rb["x0"] - ra["x0"] == pytest.approx(2 * mm, abs=0.01)
            assert rb["top"] - ra["top"] == pytest.approx(3 * mm, abs=0.01)


@pytest.mark.parametrize("layout_name", ["a4-2x4", "a4-2x5"])
def test_sheet_layouts_fill_the_grid_then_start_a_new_page(layout_name, tmp_path):
    layout = load_layout(layout_name)
    badges = [make_badge(f"嘉宾{i}", seed=i) for i in range(layout.per_page + 1)]
    pdf = render_badges(badges, layout)
    pages = pdf_to_images(pdf, tmp_path, dpi=200)
    assert len(pages) == 2
    assert sorted(decode_qr(pages[0])) == sorted(b.credential for b in badges[:-1])
    assert decode_qr(pages[1]) == [badges[-1].credential]


def test_badges_are_consumed_lazily_and_written_to_a_file(tmp_path):
    pulled = 0

    def badges():
        nonlocal pulled
        for i in range(600):
            pulled += 1
            yield make_badge("王芳", seed=i)

    seen_when_first_drawn = []

    def progress(n):
        if n == 1:
            seen_when_first_drawn.append(pulled)

    target = tmp_path / "batch.pdf"
    assert render_badges(badges(), "badge-90x130", output=target, progress=progress, workers=1) is None
    assert seen_when_first_drawn and seen_when_first_drawn[0] <= 256  # read ahead by a chunk, not all
    assert len(PdfReader(target).pages) == 600


def test_batch_with_process_pool_matches_serial(tmp_path):
    badges = [make_badge("王芳", seed=f"pool-{i}") for i in range(300)]
    from kiosk.printing import qr

    qr.clear_cache()
    pooled = render_badges(badges, "badge-90x130", workers=2, invariant=True)
    qr.clear_cache()
    serial = render_badges(badges, "badge-90x130", workers=1, invariant=True)
    assert pooled == serial


def test_unknown_category_still_prints_with_a_neutral_band(tmp_path):
    pdf = render_badges([make_badge("王芳", category="sponsor")], "badge-90x130")
    assert "sponsor" in pdf_text(pdf, tmp_path)
