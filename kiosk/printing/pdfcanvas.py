"""The ReportLab canvas every renderer here draws on, and the few drawing helpers they share."""

from __future__ import annotations

import io
import os
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.colors import HexColor
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import PDFArray, PDFName, PDFStream
from reportlab.pdfgen.canvas import Canvas

from kiosk.printing.fonts import FontInfo
from kiosk.printing.qr import QrSymbol
from kiosk.printing.textfit import LEADING, Fitted

Output = BinaryIO | str | os.PathLike[str] | None

_colors: dict[str, HexColor] = {}


def color(value: str) -> HexColor:
    c = _colors.get(value)
    if c is None:
        c = _colors[value] = HexColor(value)
    return c


def new_canvas(
    output: Output, page_w_mm: float, page_h_mm: float, *, title: str, invariant: bool
) -> tuple[Canvas, io.BytesIO | None]:
    """A canvas writing to ``output`` (a path or binary file), or to a buffer returned alongside."""
    buffer = None
    if output is None:
        buffer = io.BytesIO()
        target: BinaryIO | str = buffer
    elif isinstance(output, str | os.PathLike):
        target = str(Path(output))
    else:
        target = output
    c = Canvas(target, pagesize=(page_w_mm * mm, page_h_mm * mm), pageCompression=1, invariant=int(invariant))
    c.setTitle(title)
    c.setAuthor("Forum Kiosk")
    c.setCreator("Forum Kiosk")
    return c, buffer


def compact_last_page(c: Canvas) -> None:
    """Compress the page just finished now rather than when the document is saved.

    ReportLab keeps every page's content as an uncompressed string until ``save()``; a badge's QR
    path is several KB, so 10,000 badges would hold ~100 MB. Compressed at once they hold a tenth of
    that. Relies on ReportLab's page objects; if their shape changes this does nothing.
    """
    try:
        page = c._doc.Pages.pages[-1]
        stream = page.stream
        if not isinstance(stream, str) or not page.compression or page.Contents:
            return
        compressed = PDFStream(content=zlib.compress(stream.encode("latin-1"), 6), filters=[])
        compressed.dictionary["Filter"] = PDFArray([PDFName("FlateDecode")])
        page.Contents = compressed
        page.stream = None
    except (AttributeError, IndexError, UnicodeEncodeError):
        return


def draw_fitted(
    c: Canvas,
    fitted: Fitted,
    font: FontInfo,
    *,
    left: float,
    bottom: float,
    width: float,
    height: float,
    align: str,
    valign: str,
    fill: str,
    bold: bool,
) -> None:
    """Draw fitted lines inside the box (PDF points, bottom-left origin)."""
    if not fitted.lines:
        return
    size = fitted.size
    top_ext = max(font.ascent, 1.0 + font.descent)
    line_h = top_ext - font.descent
    block = (line_h + (len(fitted.lines) - 1) * LEADING) * size
    stroke = bold_stroke(size) if bold else 0.0
    if valign == "top":
        block_top = bottom + height - stroke / 2
    elif valign == "bottom":
        block_top = bottom + block + stroke / 2
    else:
        block_top = bottom + (height + block) / 2
    c.setFillColor(color(fill))
    if bold:
        c.setStrokeColor(color(fill))
        c.setLineWidth(stroke)
    c.setFont(font.name, size)
    baseline = block_top - top_ext * size
    for line, w in zip(fitted.lines, fitted.widths, strict=True):
        if align == "left":
            x = left + stroke / 2
        elif align == "right":
            x = left + width - w - stroke / 2
        else:
            x = left + (width - w) / 2
        c.drawString(x, baseline, line, mode=2 if bold else 0, charSpace=fitted.char_space)
        baseline -= LEADING * size


def bold_stroke(size: float) -> float:
    """Line width of the stroke that emboldens a font with no bold face."""
    return size * 0.035


def draw_qr(c: Canvas, symbol: QrSymbol, left: float, bottom: float, size: float, dark: str = "#000000") -> None:
    """Draw the symbol (quiet zone included) in a ``size`` × ``size`` square, as one filled path.

    The path is in module units under a scaling transform, so its numbers are small integers.
    """
    module = size / symbol.size
    c.saveState()
    c.setFillColor(color("#FFFFFF"))
    c.rect(left, bottom, size, size, stroke=0, fill=1)  # the quiet zone must be light whatever is below
    c.translate(left, bottom + size)
    c.scale(module, -module)  # y grows downwards in module units, as the matrix does
    c.setFillColor(color(dark))
    # One path of integer rectangles, written as PDF operators: ReportLab's path.rect formats each
    # float in Python and costs ~10x more for the ~450 rectangles of a credential.
    c.addLiteral(symbol.path_ops)
    c.restoreState()


def progress_every(progress: Callable[[int], None] | None) -> Callable[[int], None]:
    return progress if progress is not None else (lambda _n: None)
