"""Reports as A4 PDF: plain tables in, pages out (the agreement register, attendance, sign-in sheet).

The caller (kiosk.core.reports) gathers and translates everything; this module only lays it out:
a heading with the event, the report's title, when and where it was made; then each table, its header
row repeated on every page, long cells wrapped; page numbers "3 / 7" at the foot of every page.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from kiosk.printing.fonts import FontInfo, check_glyphs, register_fonts
from kiosk.printing.pdfcanvas import Output, color
from kiosk.printing.textfit import is_cjk, normalise

INK, MUTED, RULE, HEAD_BG, ACCENT = "#111111", "#555555", "#444444", "#E9E4D8", "#8A1538"


@dataclass(frozen=True)
class ReportTable:
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # relative widths of the columns
    align: tuple[str, ...] = ()  # left | center | right per column (default left)
    row_height_mm: float | None = None  # a fixed minimum row height (the sign-in sheet's signature column)
    total: tuple[str, ...] | None = None  # a bold last row
    note: str = ""  # a line under the title (e.g. "none")


@dataclass(frozen=True)
class ReportDocument:
    title: str
    title_en: str
    event_name: str
    made_line: str  # "Made 2026-06-30 17:45 at Desk 1" in the caller's words
    page_label: str = "{page} / {pages}"  # formatted with page and pages
    tables: tuple[ReportTable, ...] = ()
    summary: tuple[tuple[str, str], ...] = ()  # key facts above the tables
    landscape: bool = False
    meta: dict[str, str] = field(default_factory=dict)


def render_report(
    doc: ReportDocument,
    *,
    output: Output = None,
    font_path: str | os.PathLike[str] | None = None,
    invariant: bool = False,
) -> bytes | None:
    """The report as PDF bytes, or None when written to ``output`` (a path or binary file)."""
    import io

    font = register_fonts(font_path)
    _check(font, doc)
    pagesize = landscape(A4) if doc.landscape else A4
    buffer = io.BytesIO() if output is None else None
    target = buffer if buffer is not None else (str(output) if isinstance(output, str | os.PathLike) else output)
    template = SimpleDocTemplate(
        target, pagesize=pagesize, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=24 * mm, bottomMargin=18 * mm,
        title=f"{doc.title} — {doc.event_name}", author="Forum Kiosk", creator="Forum Kiosk", invariant=int(invariant),
    )
    styles = _styles(font)
    story: list = [
        Paragraph(escape(doc.title), styles["title"]),
        Paragraph(escape(doc.title_en), styles["title_en"]) if doc.title_en else Spacer(1, 0),
        Paragraph(escape(doc.made_line), styles["made"]),
        Spacer(1, 3 * mm),
    ]
    if doc.summary:
        story.append(_summary(doc.summary, styles, template.width))
        story.append(Spacer(1, 4 * mm))
    for table in doc.tables:
        story.extend(_table(table, styles, template.width))
    header = _PageDecor(doc, font, pagesize)
    template.build(story, onFirstPage=header, onLaterPages=header, canvasmaker=_numbered(doc, font, pagesize))
    return buffer.getvalue() if buffer is not None else None


def _check(font: FontInfo, doc: ReportDocument) -> None:
    texts = [doc.title, doc.title_en, doc.event_name, doc.made_line]
    for table in doc.tables:
        texts += [table.title, table.note, *table.columns, *(cell for row in table.rows for cell in row)]
    texts += [text for pair in doc.summary for text in pair]
    for text in texts:
        check_glyphs(font, normalise(text), who=doc.title)


def _styles(font: FontInfo) -> dict[str, ParagraphStyle]:
    base = {"fontName": font.name, "wordWrap": "CJK", "textColor": color(INK)}
    return {
        "title": ParagraphStyle("title", fontSize=18, leading=24, alignment=TA_CENTER, **base),
        "title_en": ParagraphStyle("title_en", fontSize=10.5, leading=14, alignment=TA_CENTER,
                                   **{**base, "textColor": color(MUTED)}),
        "made": ParagraphStyle("made", fontSize=8.5, leading=12, alignment=TA_CENTER,
                               **{**base, "textColor": color(MUTED)}),
        "section": ParagraphStyle("section", fontSize=12, leading=16, spaceBefore=5 * mm, spaceAfter=2 * mm,
                                  **{**base, "textColor": color(ACCENT)}),
        "note": ParagraphStyle("note", fontSize=9, leading=12, **{**base, "textColor": color(MUTED)}),
        "head": ParagraphStyle("head", fontSize=9, leading=11.5, alignment=TA_CENTER, **base),
        "left": ParagraphStyle("left", fontSize=9, leading=11.5, alignment=TA_LEFT, **base),
        "center": ParagraphStyle("center", fontSize=9, leading=11.5, alignment=TA_CENTER, **base),
        "right": ParagraphStyle("right", fontSize=9, leading=11.5, alignment=TA_RIGHT, **base),
        "key": ParagraphStyle("key", fontSize=9.5, leading=13, alignment=TA_LEFT, **{**base, "textColor": color(MUTED)}),
        "value": ParagraphStyle("value", fontSize=11, leading=14, alignment=TA_LEFT, **base),
    }


_latin_styles: dict[str, ParagraphStyle] = {}


def _cell(text: str, style: ParagraphStyle) -> Paragraph:
    if not any(is_cjk(ch) for ch in text):
        # CJK wrapping breaks anywhere, also inside Latin words ("Engineeri-ng"): Latin text wraps at spaces.
        latin = _latin_styles.get(style.name + style.fontName)
        if latin is None:
            latin = _latin_styles[style.name + style.fontName] = ParagraphStyle(
                style.name + "-latin", parent=style, wordWrap=None
            )
        style = latin
    return Paragraph(escape(normalise(text)) if "\n" not in text else "<br/>".join(
        escape(normalise(line)) for line in text.split("\n")), style)


def _summary(summary: tuple[tuple[str, str], ...], styles: dict[str, ParagraphStyle], width: float) -> Table:
    per_row = 4
    cells = [[_cell(key, styles["key"]), _cell(value, styles["value"])] for key, value in summary]
    rows = []
    for start in range(0, len(cells), per_row):
        chunk = cells[start : start + per_row]
        rows.append([part for pair in chunk for part in pair] + [""] * (2 * (per_row - len(chunk))))
    col = width / (2 * per_row)
    table = Table(rows, colWidths=[col * 1.25, col * 0.75] * per_row)
    table.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 0.6, color(RULE)),
        ("BACKGROUND", (0, 0), (-1, -1), color("#F7F5F0")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


def _table(table: ReportTable, styles: dict[str, ParagraphStyle], width: float) -> list:
    heading = [Paragraph(escape(table.title), styles["section"])]
    if table.note:
        heading.append(Paragraph(escape(table.note), styles["note"]))
    if not table.rows and table.total is None:
        return [KeepTogether(heading)]
    aligns = list(table.align) + ["left"] * (len(table.columns) - len(table.align))
    data = [[_cell(c, styles["head"]) for c in table.columns]]
    data += [[_cell(value, styles[aligns[i]]) for i, value in enumerate(row)] for row in table.rows]
    if table.total is not None:
        data.append([_cell(value, styles[aligns[i]]) for i, value in enumerate(table.total)])
    total_w = sum(table.widths)
    widths = [width * w / total_w for w in table.widths]
    t = Table(data, colWidths=widths, repeatRows=1)
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, color(RULE)),
        ("BOX", (0, 0), (-1, -1), 0.9, color(INK)),
        ("BACKGROUND", (0, 0), (-1, 0), color(HEAD_BG)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]
    if table.row_height_mm:
        # A minimum height, as padding: a row whose text needs two lines grows instead of overflowing.
        pad = max((table.row_height_mm * mm - 11.5) / 2, 2.5)
        commands += [("TOPPADDING", (0, 1), (-1, -1), pad), ("BOTTOMPADDING", (0, 1), (-1, -1), pad)]
    if table.total is not None:
        commands.append(("BACKGROUND", (0, -1), (-1, -1), color("#F3F1EC")))
        commands.append(("LINEABOVE", (0, -1), (-1, -1), 0.9, color(INK)))
    t.setStyle(TableStyle(commands))
    return [KeepTogether([*heading, Spacer(1, 0)]), t]


class _PageDecor:
    """The running head (event · report) above, on every page."""

    def __init__(self, doc: ReportDocument, font: FontInfo, pagesize: tuple[float, float]) -> None:
        self.doc, self.font, self.w, self.h = doc, font, pagesize[0], pagesize[1]

    def __call__(self, c: Canvas, _template) -> None:
        c.saveState()
        c.setFont(self.font.name, 8)
        c.setFillColor(color(MUTED))
        c.drawString(15 * mm, self.h - 13 * mm, normalise(self.doc.event_name))
        c.drawRightString(self.w - 15 * mm, self.h - 13 * mm, normalise(self.doc.title))
        c.setStrokeColor(color(ACCENT))
        c.setLineWidth(0.8)
        c.line(15 * mm, self.h - 15 * mm, self.w - 15 * mm, self.h - 15 * mm)
        c.restoreState()


def _numbered(doc: ReportDocument, font: FontInfo, pagesize: tuple[float, float]):
    """A canvas class that writes "page / pages" once the number of pages is known (two passes)."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(font.name, 8)
                self.setFillColor(color(MUTED))
                self.setStrokeColor(color(RULE))
                self.setLineWidth(0.4)
                self.line(15 * mm, 12 * mm, pagesize[0] - 15 * mm, 12 * mm)
                self.drawString(15 * mm, 8 * mm, normalise(doc.made_line))
                self.drawRightString(pagesize[0] - 15 * mm, 8 * mm,
                                     doc.page_label.format(page=self._pageNumber, pages=total))
                super().showPage()
            super().save()

    return NumberedCanvas
