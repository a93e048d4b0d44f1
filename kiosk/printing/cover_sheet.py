"""The cover sheet of an agreement: one A4 page on top of the signed document, for the files.

Chinese first, English beneath (optional); the event, number and kind, title, signing date, place and
witness, then one framed block per party with its signatories and a signature box (签字) and a seal box
(盖章); a QR code carrying the agreement's signed code, so scanning it at the desk finds the agreement
and records its original as collected.

Drawn from a layout file (``resources/layouts/cover-sheet-a4.json``) with the same fonts and
shrink-to-fit as the badges; it lives in ``resources/layouts/sheets/`` because its small schema is not the badges'. The schema (millimetres from the top-left, font sizes in points):
``page`` {width_mm, height_mm}; ``margin_mm`` {left, right, top, bottom}; ``colors`` {ink, muted, rule,
accent, box}; ``qr`` {size_mm, caption_size}; ``number`` {size}; ``event`` {size, min_size}; ``kind``
{size, min_size, english_size}; ``title`` {size, min_size, lines, height_mm}; ``facts`` {size, row_mm,
label_width_mm}; ``party`` {min_height_mm, max_height_mm, gap_mm, header_mm, name_size,
signatory_size, signature_width_mm, seal_width_mm}; ``footer`` {size}.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from kiosk.paths import resource
from kiosk.printing import qr
from kiosk.printing.fonts import FontInfo, check_glyphs, register_fonts
from kiosk.printing.layout import LayoutError
from kiosk.printing.pdfcanvas import Output, color, draw_fitted, draw_qr, new_canvas
from kiosk.printing.textfit import fit_text, normalise

DEFAULT_LAYOUT = "cover-sheet-a4"
PARTY_LETTERS_ZH = "甲乙丙丁戊己庚辛"
PARTY_LETTERS_EN = "ABCDEFGH"

#: The labels a sheet needs, each given in Chinese and English by the caller (``CoverSheetData.labels``;
#: kiosk.core translates them): number, date, place, session, witness, party ("{letter}" in it),
#: signatory, signature, seal, date_line, footer.
LABEL_KEYS = ("number", "date", "place", "session", "witness", "party", "signatory", "signature", "seal",
              "date_line", "footer")


@dataclass(frozen=True, slots=True)
class CoverParty:
    name: str
    signatories: tuple[tuple[str, str], ...]  # (name, title)


@dataclass(frozen=True, slots=True)
class CoverSheetData:
    agreement_id: str
    event_name: str
    number: str
    kind_zh: str
    kind_en: str
    title: str
    parties: tuple[CoverParty, ...]
    witness: str
    date_text: str
    place: str
    session: str
    code: str  # the text the QR code carries
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → (Chinese, English)


@cache
def load_cover_layout(name: str = DEFAULT_LAYOUT) -> dict[str, Any]:
    """The cover-sheet layout ``name`` from resources/layouts; raises LayoutError when unusable."""
    path = resource("layouts", "sheets", f"{name}.json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        for section in ("page", "margin_mm", "colors", "qr", "kind", "title", "facts", "party"):
            if not isinstance(data[section], dict):
                raise TypeError(section)
        float(data["page"]["width_mm"]), float(data["page"]["height_mm"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise LayoutError(f"{path}: {error}") from None
    return data


def render_cover_sheet(
    sheet: CoverSheetData,
    *,
    output: Output = None,
    english: bool = True,
    layout: str = DEFAULT_LAYOUT,
    font_path: str | os.PathLike[str] | None = None,
    invariant: bool = False,
) -> bytes | None:
    """The cover sheet as a one-page PDF: bytes, or None when written to ``output``.

    Raises MissingGlyphs naming the agreement when the font cannot draw one of its texts.
    """
    font = register_fonts(font_path)
    spec = load_cover_layout(layout)
    page = spec["page"]
    c, buffer = new_canvas(output, float(page["width_mm"]), float(page["height_mm"]),
                           title=f"{sheet.number} {sheet.title}", invariant=invariant)
    _Sheet(c, font, spec, sheet, english).draw()
    c.showPage()
    c.save()
    return buffer.getvalue() if buffer is not None else None


def _label(labels: dict[str, tuple[str, str]], key: str, language: str, **values: str) -> str:
    pair = labels.get(key, (key, key))
    return (pair[0] if language == "zh" else pair[1]).format(**values)


class _Sheet:
    def __init__(self, c: Canvas, font: FontInfo, spec: dict[str, Any], sheet: CoverSheetData, english: bool) -> None:
        self.c, self.font, self.spec, self.s, self.english = c, font, spec, sheet, english
        self.page_w = float(spec["page"]["width_mm"])
        self.page_h = float(spec["page"]["height_mm"])
        m = spec["margin_mm"]
        self.left, self.right = float(m["left"]), self.page_w - float(m["right"])
        self.top, self.bottom = float(m["top"]), self.page_h - float(m["bottom"])
        self.colors = spec["colors"]
        who = f"cover sheet {sheet.number}"
        texts = [sheet.event_name, sheet.number, sheet.kind_zh, sheet.title, sheet.witness, sheet.date_text,
                 sheet.place, sheet.session, *(p.name for p in sheet.parties),
                 *(f"{n} {t}" for p in sheet.parties for n, t in p.signatories)]
        for text in texts:
            check_glyphs(font, normalise(text), who=who)

    # --- drawing helpers (millimetres from the top-left) -------------------------------------------

    def text(self, text: str, x: float, top: float, w: float, h: float, size: float, min_size: float | None = None,
             *, lines: int = 1, align: str = "left", bold: bool = False, fill: str | None = None,
             valign: str = "middle") -> None:
        fitted = fit_text(text, self.font.name, w * mm, h * mm, max_size=size, min_size=min_size or size * 0.6,
                          max_lines=lines, ascent=self.font.ascent, descent=self.font.descent)
        draw_fitted(self.c, fitted, self.font, left=x * mm, bottom=(self.page_h - top - h) * mm, width=w * mm,
                    height=h * mm, align=align, valign=valign, fill=fill or self.colors["ink"], bold=bold)

    def bilingual(self, key: str, **values: str) -> str:
        zh = _label(self.s.labels, key, "zh", **values)
        return f"{zh} {_label(self.s.labels, key, 'en', **values)}" if self.english else zh

    def rect(self, x: float, top: float, w: float, h: float, *, width: float = 0.6, dash: bool = False,
             stroke: str | None = None) -> None:
        c = self.c
        c.saveState()
        c.setStrokeColor(color(stroke or self.colors["box"]))
        c.setLineWidth(width)
        if dash:
            c.setDash(2, 1.5)
        c.rect(x * mm, (self.page_h - top - h) * mm, w * mm, h * mm, stroke=1, fill=0)
        c.restoreState()

    def line(self, x1: float, y1: float, x2: float, y2: float, *, width: float = 0.5, stroke: str | None = None) -> None:
        c = self.c
        c.setStrokeColor(color(stroke or self.colors["rule"]))
        c.setLineWidth(width)
        c.line(x1 * mm, (self.page_h - y1) * mm, x2 * mm, (self.page_h - y2) * mm)

    # --- the page ------------------------------------------------------------------------------------

    def draw(self) -> None:
        s, spec = self.s, self.spec
        width = self.right - self.left
        q = float(spec["qr"]["size_mm"])
        # Top row: the number at the left, the QR code at the right.
        qr_x = self.right - q
        draw_qr(self.c, qr.encode(s.code), qr_x * mm, (self.page_h - self.top - q) * mm, q * mm)
        self.text(s.number, qr_x - 2, self.top + q, q + 4, 4, float(spec["qr"]["caption_size"]), align="center",
                  fill=self.colors["muted"])
        number_size = float(spec["number"]["size"])
        self.text(self.bilingual("number"), self.left, self.top + 2, width - q - 6, 6, 9.5,
                  fill=self.colors["muted"])
        self.text(s.number, self.left, self.top + 8, width - q - 6, 8, number_size + 4, bold=True,
                  fill=self.colors["accent"])
        ev = spec["event"]
        self.text(s.event_name, self.left, self.top + 19, width - q - 6, 8, float(ev["size"]), float(ev["min_size"]),
                  lines=2, fill=self.colors["muted"])

        # The kind, large and letter-spaced as on official documents, then the title.
        y = self.top + q + 8
        kind = spec["kind"]
        kind_zh = "\u2009".join(s.kind_zh) if len(s.kind_zh) <= 6 else s.kind_zh
        self.text(kind_zh, self.left, y, width, 13, float(kind["size"]), float(kind["min_size"]), align="center",
                  bold=True)
        y += 13
        if self.english and s.kind_en:
            self.text(s.kind_en.upper(), self.left, y, width, 6, float(kind["english_size"]), align="center",
                      fill=self.colors["muted"])
            y += 6
        title = spec["title"]
        th = float(title["height_mm"])
        self.text(s.title, self.left + 6, y + 2, width - 12, th, float(title["size"]), float(title["min_size"]),
                  lines=int(title["lines"]), align="center", bold=True)
        y += th + 4
        self.line(self.left, y, self.right, y, width=1.2, stroke=self.colors["accent"])
        self.line(self.left, y + 0.9, self.right, y + 0.9, width=0.4, stroke=self.colors["accent"])
        y += 4

        # Facts: date, place, session, witness.
        facts = spec["facts"]
        row_h, label_w = float(facts["row_mm"]), float(facts["label_width_mm"])
        size = float(facts["size"])
        rows = [("date", s.date_text), ("place", s.place), ("session", s.session), ("witness", s.witness)]
        rows = [(key, value) for key, value in rows if value]
        for key, value in rows:
            self.text(self.bilingual(key), self.left, y, label_w, row_h, size - 1, fill=self.colors["muted"])
            self.text(value, self.left + label_w, y, width - label_w, row_h, size, lines=1)
            self.line(self.left + label_w, y + row_h - 0.6, self.right, y + row_h - 0.6, width=0.3,
                      stroke="#999999")
            y += row_h
        y += 4

        # Parties: as many blocks as parties, sharing the rest of the page.
        party = spec["party"]
        gap = float(party["gap_mm"])
        footer_h = 10.0
        n = max(len(s.parties), 1)
        available = self.bottom - footer_h - y
        block = min(float(party["max_height_mm"]), (available - gap * (n - 1)) / n)
        block = max(block, min(float(party["min_height_mm"]), available / n))
        for index, p in enumerate(s.parties):
            self.party(index, p, y, block)
            y += block + gap

        self.line(self.left, self.bottom - footer_h + 2, self.right, self.bottom - footer_h + 2, width=0.4)
        footer = _label(s.labels, "footer", "zh") + ("  " + _label(s.labels, "footer", "en") if self.english else "")
        self.text(footer, self.left, self.bottom - footer_h + 3, width, 7, float(spec["footer"]["size"]), 5,
                  lines=2, fill=self.colors["muted"])

    def party(self, index: int, p: CoverParty, top: float, height: float) -> None:
        spec = self.spec["party"]
        width = self.right - self.left
        header = float(spec["header_mm"])
        self.rect(self.left, top, width, height, width=0.8)
        self.c.setFillColor(color("#F3EFE6"))
        self.c.rect(self.left * mm, (self.page_h - top - header) * mm, width * mm, header * mm, stroke=0, fill=1)
        self.rect(self.left, top, width, height, width=0.8)
        self.line(self.left, top + header, self.right, top + header, width=0.5)
        letter_zh = PARTY_LETTERS_ZH[index] if index < len(PARTY_LETTERS_ZH) else str(index + 1)
        letter_en = PARTY_LETTERS_EN[index] if index < len(PARTY_LETTERS_EN) else str(index + 1)
        label = _label(self.s.labels, "party", "zh", letter=letter_zh)
        if self.english:
            label += " " + _label(self.s.labels, "party", "en", letter=letter_en)
        label_w = 34 if self.english else 14
        self.text(label, self.left + 2.5, top, label_w, header, 10.5, 7, bold=True, fill=self.colors["accent"])
        self.text(p.name, self.left + label_w + 4, top, width - label_w - 7, header, float(spec["name_size"]), 8,
                  bold=True)

        # Right: signature and seal boxes; left: the signatories.
        body_top, body_h = top + header, height - header
        seal_w = min(float(spec["seal_width_mm"]), body_h - 3)
        sign_w = float(spec["signature_width_mm"])
        seal_x = self.right - 2.5 - seal_w
        sign_x = seal_x - 3 - sign_w
        box_top, box_h = body_top + 2.5, body_h - 5
        for x, w, key in ((sign_x, sign_w, "signature"), (seal_x, seal_w, "seal")):
            self.rect(x, box_top, w, box_h, width=0.5, dash=True, stroke="#777777")
            self.text(self.bilingual(key), x + 1.5, box_top + 0.8, w - 3, 4.5, 8, 6, fill=self.colors["muted"])
        self.text(self.bilingual("date_line") + "：", sign_x + 1.5, box_top + box_h - 5.5, sign_w - 3, 4.5, 7.5, 6,
                  fill=self.colors["muted"])

        list_w = sign_x - self.left - 6
        size = float(spec["signatory_size"])
        self.text(self.bilingual("signatory"), self.left + 3, body_top + 2, list_w, 5, 8.5, 6,
                  fill=self.colors["muted"])
        rows = list(p.signatories) or [("", "")]
        row_h = min(7.0, max((body_h - 9) / len(rows), 4.0))
        y = body_top + 7.5
        for name, title in rows:
            if name:
                self.text(name, self.left + 3, y, 24, row_h, size + 1, 7, bold=True)
                self.text(title, self.left + 28, y, list_w - 25, row_h, size - 1, 6, fill=self.colors["muted"])
            else:
                self.line(self.left + 3, y + row_h - 1, self.left + list_w, y + row_h - 1, width=0.3)
            y += row_h
