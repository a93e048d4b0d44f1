"""Badges: plain data in, PDF out, one layout (``resources/layouts/*.json``) for every badge of a batch.

Memory stays bounded for any batch size: badges are consumed from the iterable as they are drawn,
each finished page is compressed at once, and with ``output`` the PDF goes straight to the file.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from kiosk.categories import category_label
from kiosk.i18n import _
from kiosk.paths import resource
from kiosk.printing import qr
from kiosk.printing.fonts import FontInfo, check_glyphs, register_fonts
from kiosk.printing.layout import (
    FIELDS,
    BandElement,
    ImageElement,
    Layout,
    LineElement,
    QrElement,
    RectElement,
    TextElement,
    load_layout,
)
from kiosk.printing.pdfcanvas import (
    Output,
    bold_stroke,
    color,
    compact_last_page,
    draw_fitted,
    draw_qr,
    new_canvas,
)
from kiosk.printing.textfit import Fitted, fit_text, normalise

UNKNOWN_CATEGORY_COLOR = "#616161"
_CHUNK = 128  # badges read ahead from the iterable at a time (bounded memory; QR pre-encoding unit)
_POOL_FROM = 2 * _CHUNK  # batches at least this long encode their QR codes on the other cores too


@dataclass(frozen=True, slots=True)
class BadgeData:
    """What a badge shows. ``credential`` is the QR text; ``category`` one of layout.CATEGORIES."""

    guest_id: str
    name: str
    organisation: str
    title: str
    category: str
    credential: str
    event_name: str
    event_date: str
    venue: str = ""
    note: str = ""


def render_badges(
    badges: Iterable[BadgeData],
    layout: Layout | str = "badge-90x130",
    *,
    offset_mm: tuple[float, float] = (0.0, 0.0),
    output: Output = None,
    progress: Callable[[int], None] | None = None,
    font_path: str | os.PathLike[str] | None = None,
    workers: int | None = 1,
    invariant: bool = False,
    title: str = "Badges",
) -> bytes | None:
    """Draw ``badges`` with ``layout`` into one PDF; the bytes, or None when written to ``output``.

    ``offset_mm`` = (right, down) moves everything on the page (a printer's calibration).
    ``progress(n)`` is called after each badge with the number drawn so far. ``workers``: processes
    that pre-encode the QR codes of long batches (≥ 256 badges) while this one draws; 1 (the default)
    uses none, None all cores. Workers are *spawned*, which re-imports the program's main module:
    pass workers ≠ 1 only from a program whose main script guards ``if __name__ == "__main__"``.
    Raises MissingGlyphs (naming the guest and the characters) before anything is written for that
    badge, LayoutError for a broken layout, FontNotFound when no CJK font is usable.
    """
    if isinstance(layout, str):
        layout = load_layout(layout)
    font = register_fonts(font_path)
    canvas, buffer = new_canvas(output, layout.page_width_mm, layout.page_height_mm, title=title, invariant=invariant)
    drawer = _BadgeDrawer(canvas, layout, font, offset_mm)
    origins = layout.cell_origins_mm()
    slot = 0
    done = 0
    for badge in _prefetched(iter(badges), workers):
        if slot == 0 and layout.grid is not None and layout.grid.cut_guides:
            drawer.cut_guides()
        drawer.draw(badge, *origins[slot])
        done += 1
        if progress is not None:
            progress(done)
        slot += 1
        if slot == len(origins):
            canvas.showPage()
            compact_last_page(canvas)
            slot = 0
    if slot or done == 0:
        canvas.showPage()
        compact_last_page(canvas)
    canvas.save()
    return buffer.getvalue() if buffer is not None else None


def render_badge(badge: BadgeData, layout: Layout | str = "badge-90x130", **kwargs) -> bytes:
    """One badge as PDF bytes (see render_badges)."""
    result = render_badges([badge], layout, **kwargs)
    assert result is not None
    return result


def _prefetched(badges: Iterator[BadgeData], workers: int | None) -> Iterator[BadgeData]:
    """Yield the badges, encoding the QR codes of the next chunk on other cores meanwhile."""
    chunk = list(islice(badges, _CHUNK))
    n_workers = workers or os.cpu_count() or 1
    use_pool = n_workers > 1
    pool: ProcessPoolExecutor | None = None
    pending: list[tuple[list[str], Future]] = []
    seen = 0
    try:
        while chunk:
            upcoming = list(islice(badges, _CHUNK))
            seen += len(chunk)
            if use_pool and upcoming and pool is None and seen + len(upcoming) >= _POOL_FROM:
                # spawn: safe from a Qt worker thread, where fork is not
                pool = ProcessPoolExecutor(max_workers=n_workers, mp_context=multiprocessing.get_context("spawn"))
            if pool is not None and upcoming:
                texts = [b.credential for b in upcoming]
                step = -(-len(texts) // n_workers)
                for i in range(0, len(texts), step):
                    part = texts[i : i + step]
                    pending.append((part, pool.submit(qr.encode_list, part)))
            yield from chunk
            for texts, future in pending:
                qr.remember_many(texts, future.result())
            pending.clear()
            chunk = upcoming
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)


@lru_cache(maxsize=4096)
def _fit(
    text: str,
    font_name: str,
    w: float,
    h: float,
    max_size: float,
    min_size: float,
    max_lines: int,
    ascent: float,
    descent: float,
    extra: float,
    pair_em: float,
) -> Fitted:
    return fit_text(
        text,
        font_name,
        w,
        h,
        max_size=max_size,
        min_size=min_size,
        max_lines=max_lines,
        ascent=ascent,
        descent=descent,
        extra_width=extra,
        cjk_pair_spacing_em=pair_em,
    )


_image_cache: dict[Path, ImageReader | None] = {}


def _image(path: str) -> ImageReader | None:
    full = resource(*Path(path).parts)
    if full not in _image_cache:
        try:
            _image_cache[full] = ImageReader(str(full)) if full.is_file() else None
        except (OSError, ValueError):
            _image_cache[full] = None
    return _image_cache[full]


class _BadgeDrawer:
    def __init__(self, canvas: Canvas, layout: Layout, font: FontInfo, offset_mm: tuple[float, float]) -> None:
        self.c = canvas
        self.layout = layout
        self.font = font
        self.dx = offset_mm[0] * mm
        self.dy = offset_mm[1] * mm
        self.page_h = layout.page_height_mm * mm

    def _box(self, ox: float, oy: float, x_mm: float, y_mm: float, w_mm: float, h_mm: float):
        """(left, bottom, width, height) in PDF points of a box given from a cell's top-left in mm."""
        left = (ox + x_mm) * mm + self.dx
        bottom = self.page_h - (oy + y_mm + h_mm) * mm - self.dy
        return left, bottom, w_mm * mm, h_mm * mm

    def cut_guides(self) -> None:
        c = self.c
        c.saveState()
        c.setStrokeColor(color("#BDBDBD"))
        c.setLineWidth(0.3)
        c.setDash(2, 2)
        lay = self.layout
        for ox, oy in lay.cell_origins_mm():
            left, bottom, w, h = self._box(ox, oy, 0, 0, lay.badge_width_mm, lay.badge_height_mm)
            c.rect(left, bottom, w, h, stroke=1, fill=0)
        c.restoreState()

    def draw(self, badge: BadgeData, ox: float, oy: float) -> None:
        who = _("badge of {name} (guest {guest_id})").format(name=badge.name, guest_id=badge.guest_id)
        cat_color = self.layout.category_colors.get(badge.category, UNKNOWN_CATEGORY_COLOR)
        # Check every glyph before the first stroke, so a failing badge leaves no half-drawn cell.
        texts = []
        for element in self.layout.elements:
            if isinstance(element, TextElement):
                texts.append((element, self._text_of(element, badge)))
            elif isinstance(element, BandElement) and element.label_size > 0:
                texts.append((element, self._band_label(element, badge)))
        for _element, text in texts:
            check_glyphs(self.font, text, who=who)
        text_of = dict((id(e), t) for e, t in texts)
        for element in self.layout.elements:
            if isinstance(element, TextElement):
                self._draw_text(element, text_of[id(element)], ox, oy)
            elif isinstance(element, BandElement):
                self._draw_band(element, text_of.get(id(element), ""), cat_color, ox, oy)
            elif isinstance(element, QrElement):
                left, bottom, size, _h = self._box(ox, oy, element.x_mm, element.y_mm, element.size_mm, element.size_mm)
                draw_qr(self.c, qr.encode(badge.credential), left, bottom, size)
            elif isinstance(element, RectElement):
                self._draw_rect(element, cat_color, ox, oy)
            elif isinstance(element, LineElement):
                self._draw_line(element, cat_color, ox, oy)
            elif isinstance(element, ImageElement):
                reader = _image(element.path)
                if reader is not None:
                    left, bottom, w, h = self._box(
                        ox, oy, element.x_mm, element.y_mm, element.width_mm, element.height_mm
                    )
                    self.c.drawImage(reader, left, bottom, w, h, preserveAspectRatio=True, anchor="c", mask="auto")

    @staticmethod
    def _text_of(element: TextElement, badge: BadgeData) -> str:
        if element.template is not None:
            values = {f: getattr(badge, f, "") for f in FIELDS if f != "category_label"}
            values["category_label"] = category_label(badge.category)
            text = element.template.format(**values)
            # a template around empty fields ("{event_date} · {venue}" without a venue) loses its dangling
            # separators
            text = text.strip(" ·|/-—,，")
        elif element.field is None:
            text = _(element.text) if element.translate and element.text else (element.text or "")
        elif element.field == "category_label":
            text = category_label(badge.category)
        else:
            text = getattr(badge, element.field)
        text = normalise(text or "")
        return text.upper() if element.uppercase else text

    def _band_label(self, element: BandElement, badge: BadgeData) -> str:
        if element.bilingual:
            zh, en = category_label(badge.category, "zh"), category_label(badge.category, "en")
            return normalise(f"{zh}  {en.upper()}" if zh != en else zh)
        return normalise(category_label(badge.category))

    def _draw_text(self, element: TextElement, text: str, ox: float, oy: float) -> None:
        if not text:
            return
        left, bottom, w, h = self._box(ox, oy, element.x_mm, element.y_mm, element.width_mm, element.height_mm)
        extra = bold_stroke(element.max_size) if element.bold else 0.0
        fitted = _fit(
            text,
            self.font.name,
            w,
            h - extra,
            element.max_size,
            element.min_size,
            element.max_lines,
            self.font.ascent,
            self.font.descent,
            extra,
            element.cjk_pair_spacing_em,
        )
        draw_fitted(
            self.c,
            fitted,
            self.font,
            left=left,
            bottom=bottom,
            width=w,
            height=h,
            align=element.align,
            valign=element.valign,
            fill=element.color,
            bold=element.bold,
        )

    def _draw_band(self, element: BandElement, label: str, cat_color: str, ox: float, oy: float) -> None:
        c = self.c
        left, bottom, w, h = self._box(ox, oy, element.x_mm, element.y_mm, element.width_mm, element.height_mm)
        c.setFillColor(color(cat_color))
        c.rect(left, bottom, w, h, stroke=0, fill=1)
        if not label:
            return
        pad = min(2.5 * mm, w * 0.06)
        extra = bold_stroke(element.label_size) if element.label_bold else 0.0
        inner_w, inner_h = w - 2 * pad, h - 0.16 * h - extra
        fitted = _fit(
            label,
            self.font.name,
            inner_w,
            inner_h,
            element.label_size,
            min(element.label_min_size, element.label_size),
            1,
            self.font.ascent,
            self.font.descent,
            extra,
            0.0,
        )
        draw_fitted(
            c,
            fitted,
            self.font,
            left=left + pad,
            bottom=bottom + 0.08 * h,
            width=inner_w,
            height=h - 0.16 * h,
            align=element.align,
            valign="middle",
            fill=element.label_color,
            bold=element.label_bold,
        )

    def _draw_rect(self, element: RectElement, cat_color: str, ox: float, oy: float) -> None:
        c = self.c
        fill = cat_color if element.category_fill else element.fill
        if fill is None and element.stroke is None:
            return
        left, bottom, w, h = self._box(ox, oy, element.x_mm, element.y_mm, element.width_mm, element.height_mm)
        if fill is not None:
            c.setFillColor(color(fill))
        if element.stroke is not None:
            c.setStrokeColor(color(element.stroke))
            c.setLineWidth(element.stroke_width_mm * mm)
        args = dict(stroke=int(element.stroke is not None), fill=int(fill is not None))
        if element.radius_mm > 0:
            c.roundRect(left, bottom, w, h, element.radius_mm * mm, **args)
        else:
            c.rect(left, bottom, w, h, **args)

    def _draw_line(self, element: LineElement, cat_color: str, ox: float, oy: float) -> None:
        c = self.c
        c.setStrokeColor(color(cat_color if element.category_color else element.color))
        c.setLineWidth(element.width_mm * mm)
        x1 = (ox + element.x1_mm) * mm + self.dx
        x2 = (ox + element.x2_mm) * mm + self.dx
        y1 = self.page_h - (oy + element.y1_mm) * mm - self.dy
        y2 = self.page_h - (oy + element.y2_mm) * mm - self.dy
        c.line(x1, y1, x2, y2)
