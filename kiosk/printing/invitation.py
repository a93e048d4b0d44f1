"""Invitations: one A4 page per guest, Chinese first then English, with a large QR code to show at the desk."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from kiosk.i18n import _, translate
from kiosk.printing import qr
from kiosk.printing.fonts import FontInfo, check_glyphs, register_fonts
from kiosk.printing.pdfcanvas import Output, color, compact_last_page, draw_fitted, draw_qr, new_canvas
from kiosk.printing.textfit import fit_text, is_cjk, normalise

PAGE_W_MM, PAGE_H_MM = 210.0, 297.0
QR_MM = 52.0
NAVY = "#0F2A4A"
ACCENT = "#B8860B"


@dataclass(frozen=True, slots=True)
class InvitationData:
    """One guest's invitation. The ``*_en`` fields default to the Chinese ones when empty."""

    guest_id: str
    name: str
    organisation: str
    title: str
    credential: str
    event_name: str
    event_date: str
    venue: str
    sessions: tuple[str, ...] = field(default=())
    name_en: str = ""  # "Wang Fang"; derived with pypinyin from a Chinese name when empty
    event_name_en: str = ""
    event_date_en: str = ""
    venue_en: str = ""


_COMPOUND_SURNAMES = {
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "令狐",
    "长孙",
    "宇文",
    "司徒",
    "夏侯",
    "轩辕",
    "端木",
    "独孤",
    "南宫",
    "西门",
    "澹台",
}


def latin_name(name: str) -> str:
    """ "王芳" → "Wang Fang", "欧阳明远" → "Ouyang Mingyuan"; names not wholly Chinese are kept."""
    name = normalise(name)
    if not name or not all(is_cjk(ch) for ch in name):
        return name
    from pypinyin import Style, lazy_pinyin

    split = 2 if name[:2] in _COMPOUND_SURNAMES and len(name) > 2 else 1
    surname = "".join(lazy_pinyin(name[:split], style=Style.NORMAL)).capitalize()
    given = "".join(lazy_pinyin(name[split:], style=Style.NORMAL)).capitalize()
    return f"{surname} {given}".strip()


def render_invitations(
    invitations: Iterable[InvitationData],
    *,
    output: Output = None,
    progress: Callable[[int], None] | None = None,
    font_path: str | os.PathLike[str] | None = None,
    invariant: bool = False,
    title: str = "Invitations",
) -> bytes | None:
    """One A4 page per invitation; the PDF bytes, or None when written to ``output``.

    Raises MissingGlyphs naming the guest when the font cannot draw a text of theirs.
    """
    font = register_fonts(font_path)
    c, buffer = new_canvas(output, PAGE_W_MM, PAGE_H_MM, title=title, invariant=invariant)
    done = 0
    for invitation in invitations:
        _draw_invitation(c, font, invitation)
        c.showPage()
        compact_last_page(c)
        done += 1
        if progress is not None:
            progress(done)
    if done == 0:
        c.showPage()
    c.save()
    return buffer.getvalue() if buffer is not None else None


def _texts(inv: InvitationData) -> dict[str, str]:
    zh, en = "zh", "en"
    name = normalise(inv.name)
    name_en = normalise(inv.name_en) or latin_name(name)
    event_en = normalise(inv.event_name_en) or normalise(inv.event_name)
    date_en = normalise(inv.event_date_en) or normalise(inv.event_date)
    venue_en = normalise(inv.venue_en) or normalise(inv.venue)
    heading = translate("Invitation", zh), translate("Invitation", en).upper()
    sessions = translate("Your sessions", zh), translate("Your sessions", en)
    affiliation = " · ".join(t for t in (normalise(inv.organisation), normalise(inv.title)) if t)
    return {
        "event": normalise(inv.event_name),
        "event_en": event_en if event_en != normalise(inv.event_name) else "",
        "when": " · ".join(t for t in (normalise(inv.event_date), normalise(inv.venue)) if t),
        "heading": "  ".join(dict.fromkeys(heading)),
        "greeting_zh": translate("Dear {name},", zh).format(name=name),
        "greeting_en": translate("Dear {name},", en).format(name=name_en),
        "affiliation": affiliation,
        "body_zh": translate("You are cordially invited to attend {event}, held on {date} at {venue}.", zh).format(
            event=normalise(inv.event_name), date=normalise(inv.event_date), venue=normalise(inv.venue)
        ),
        "body_en": translate("You are cordially invited to attend {event}, held on {date} at {venue}.", en).format(
            event=event_en, date=date_en, venue=venue_en
        ),
        "sessions_head": "  ".join(dict.fromkeys(sessions)),
        "show_zh": translate("Please show this QR code at the registration desk", zh),
        "show_en": translate("Please show this QR code at the registration desk", en),
    }


def _draw_invitation(c: Canvas, font: FontInfo, inv: InvitationData) -> None:
    t = _texts(inv)
    sessions = [normalise(s) for s in inv.sessions if normalise(s)]
    who = _("invitation of {name} (guest {guest_id})").format(name=inv.name, guest_id=inv.guest_id)
    for text in (*t.values(), *sessions):
        check_glyphs(font, text, who=who)
    page_h = PAGE_H_MM * mm
    margin = 22 * mm
    width = PAGE_W_MM * mm - 2 * margin

    def box_text(
        text: str,
        top_mm: float,
        h_mm: float,
        size: float,
        min_size: float,
        *,
        lines: int = 1,
        fill: str = "#111111",
        bold: bool = False,
        align: str = "center",
        x_mm: float | None = None,
        w: float | None = None,
    ) -> None:
        left = margin if x_mm is None else x_mm * mm
        bw = width if w is None else w
        h = h_mm * mm
        fitted = fit_text(
            text,
            font.name,
            bw,
            h,
            max_size=size,
            min_size=min_size,
            max_lines=lines,
            ascent=font.ascent,
            descent=font.descent,
        )
        draw_fitted(
            c,
            fitted,
            font,
            left=left,
            bottom=page_h - (top_mm + h_mm) * mm,
            width=bw,
            height=h,
            align=align,
            valign="middle",
            fill=fill,
            bold=bold,
        )

    # Header band: the event, big.
    c.setFillColor(color(NAVY))
    c.rect(0, page_h - 62 * mm, PAGE_W_MM * mm, 62 * mm, stroke=0, fill=1)
    c.setFillColor(color(ACCENT))
    c.rect(0, page_h - 63.5 * mm, PAGE_W_MM * mm, 1.5 * mm, stroke=0, fill=1)
    box_text(t["event"], 12, 26, 28, 12, lines=2, fill="#FFFFFF", bold=True)
    if t["event_en"]:
        box_text(t["event_en"], 39, 8, 13, 7, fill="#DDE6F2")
    box_text(t["when"], 49, 8, 13, 8, fill="#C9D6E8")

    box_text(t["heading"], 72, 12, 22, 12, fill=NAVY, bold=True)

    y = 92.0
    box_text(t["greeting_zh"], y, 10, 17, 10, align="left", bold=True)
    y += 10
    box_text(t["greeting_en"], y, 8, 13, 8, align="left", fill="#333333")
    y += 8
    if t["affiliation"]:
        box_text(t["affiliation"], y, 7, 10.5, 7, align="left", fill="#666666")
        y += 9

    zh_style = ParagraphStyle(
        "zh",
        fontName=font.name,
        fontSize=12.5,
        leading=21,
        wordWrap="CJK",
        alignment=TA_LEFT,
        textColor=color("#111111"),
        firstLineIndent=25,
    )
    en_style = ParagraphStyle(
        "en", fontName=font.name, fontSize=11, leading=16, alignment=TA_LEFT, textColor=color("#333333")
    )
    for text, style, gap in ((t["body_zh"], zh_style, 4), (t["body_en"], en_style, 6)):
        para = Paragraph(escape(text), style)
        _w, h = para.wrap(width, 60 * mm)
        para.drawOn(c, margin, page_h - y * mm - h)
        y += h / mm + gap

    if sessions:
        box_text(t["sessions_head"], y, 7, 11.5, 8, align="left", fill=NAVY, bold=True)
        y += 8
        for session in sessions[:6]:
            c.setFillColor(color(ACCENT))
            c.circle(margin + 1.2 * mm, page_h - (y + 3) * mm, 0.9 * mm, stroke=0, fill=1)
            box_text(session, y, 6, 10.5, 7, align="left", fill="#333333", x_mm=margin / mm + 4, w=width - 4 * mm)
            y += 6.2

    # The QR code, large, with its caption in both languages, anchored to the bottom of the page.
    qr_top = max(y + 6, 297 - 30 - QR_MM - 16)
    left = (PAGE_W_MM - QR_MM) / 2 * mm
    draw_qr(c, qr.encode(inv.credential), left, page_h - (qr_top + QR_MM) * mm, QR_MM * mm)
    box_text(t["show_zh"], qr_top + QR_MM + 1, 7, 12, 8, fill="#111111", bold=True)
    box_text(t["show_en"], qr_top + QR_MM + 8, 6, 10, 7, fill="#555555")

    c.setStrokeColor(color(ACCENT))
    c.setLineWidth(0.8)
    c.line(margin, 14 * mm, PAGE_W_MM * mm - margin, 14 * mm)
