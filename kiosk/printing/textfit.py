"""Shrink-to-fit text: choose line breaks and a font size so a text fills its box and never leaves it.

Font sizes are points, box sizes points. Widths come from the font's own advance widths (ReportLab
applies no kerning to TrueType text, so the sum of advances is exactly what is drawn).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics

ELLIPSIS = "…"
LEADING = 1.18  # baseline-to-baseline distance per font size, for two lines
# Characters that must not begin a line (closing punctuation) or end one (opening punctuation).
_NO_START = set("）)】」』》〉、，。．,.;；:：!！?？%…·-–—")
_NO_END = set("（(【「『《〈")
# A break in the middle of an unbroken CJK run ("中国石油|大学") reads worse than one at a space or
# after a closing bracket, so its score is discounted; a break inside a Latin word is not offered.
_CJK_BREAK_PENALTY = 0.78
_SINGLE_LINE_BONUS = 1.08


@dataclass(frozen=True, slots=True)
class Fitted:
    lines: tuple[str, ...]
    size: float  # font size in points
    widths: tuple[float, ...]  # drawn width of each line in points, letter-spacing included
    char_space: float  # extra points after every character but the last (Tc)
    truncated: bool


def normalise(text: str) -> str:
    """NFC, control characters dropped, runs of whitespace collapsed to one space."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return " ".join(text.split())


def is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF
        or 0xAC00 <= o <= 0xD7AF
        or 0xF900 <= o <= 0xFAFF
        or 0xFF00 <= o <= 0xFFEF
        or 0x20000 <= o <= 0x3FFFF
    )


@lru_cache(maxsize=8)
def _advance_table(font_name: str) -> tuple[dict[int, float], float]:
    face = pdfmetrics.getFont(font_name).face
    return {k: v / 1000.0 for k, v in face.charWidths.items()}, face.defaultWidth / 1000.0


def advances(text: str, font_name: str) -> list[float]:
    """Advance width of each character at font size 1."""
    table, default = _advance_table(font_name)
    # charWidths is keyed by glyph-mapped code points; ReportLab falls back the same way.
    return [table.get(ord(ch), default) for ch in text]


def text_width(text: str, font_name: str, size: float, char_space: float = 0.0) -> float:
    return sum(advances(text, font_name)) * size + char_space * max(len(text) - 1, 0)


def _break_points(text: str) -> list[tuple[int, float]]:
    """(index, score factor) where a line may break: the second line starts at ``index``."""
    points = []
    for i in range(1, len(text)):
        before, after = text[i - 1], text[i]
        if after in _NO_START or before in _NO_END:
            continue
        if before == " ":
            points.append((i, 1.0))
        elif before in "-/" and not before.isspace() and i >= 2 and text[i - 2].isalnum():
            points.append((i, 0.95))
        elif before in "）)】」』》〉" or after in "（(【「『《〈":
            points.append((i, 1.0))
        elif is_cjk(before) or is_cjk(after):
            points.append((i, _CJK_BREAK_PENALTY))
    return points


def fit_text(
    text: str,
    font_name: str,
    box_width: float,
    box_height: float,
    *,
    max_size: float,
    min_size: float,
    max_lines: int = 1,
    ascent: float = 0.9,
    descent: float = -0.2,
    extra_width: float = 0.0,
    cjk_pair_spacing_em: float = 0.0,
) -> Fitted:
    """The largest layout of ``text`` in a box of ``box_width`` × ``box_height`` points.

    One line or (``max_lines`` = 2) two lines at a break chosen so both lines fit and read well; the
    font size shrinks from ``max_size`` towards ``min_size``. What does not fit at ``min_size`` is
    cut with an ellipsis. ``ascent``/``descent`` are the font's extents per unit size: a line needs
    (ascent − descent) × size vertically. ``extra_width`` is reserved horizontally (a bold stroke).
    """
    text = normalise(text)
    if not text:
        return Fitted((), max_size, (), 0.0, False)
    width = max(box_width - extra_width, 0.1)
    line_h = max(ascent, 1.0 + descent) - descent  # the glyphs' and PDF readers' char boxes alike
    adv = advances(text, font_name)
    total = sum(adv)

    # Two-character CJK names (王芳) are letter-spaced, as Chinese badges print them (王　芳).
    space_em = cjk_pair_spacing_em if len(text) == 2 and all(map(is_cjk, text)) else 0.0

    def size_for(units: float, n_chars: int, lines: int) -> float:
        # units: widest line at size 1; letter-spacing grows with the size
        per_size = units + space_em * max(n_chars - 1, 0)
        h_lines = line_h + (lines - 1) * LEADING
        return min(max_size, width / per_size if per_size else max_size, box_height / h_lines)

    best_size = size_for(total, len(text), 1)
    best: tuple[float, tuple[str, ...]] = (best_size * _SINGLE_LINE_BONUS, (text,))
    best_lines: tuple[str, ...] = (text,)
    chosen_size = best_size
    if max_lines >= 2 and best_size < max_size:
        prefix = [0.0]
        for a in adv:
            prefix.append(prefix[-1] + a)
        for index, factor in _break_points(text):
            left_end = index - 1 if text[index - 1] == " " else index
            w1 = prefix[left_end]
            w2 = total - prefix[index]
            size = size_for(max(w1, w2), 0, 2)
            if size * factor > best[0]:
                best = (size * factor, (text[:left_end], text[index:]))
                chosen_size = size
                best_lines = best[1]
    if chosen_size >= min_size:
        size = _floor(chosen_size)
        char_space = space_em * size
        widths = tuple(text_width(line, font_name, size, char_space) for line in best_lines)
        return Fitted(best_lines, size, widths, char_space, False)
    return _truncate(text, font_name, width, box_height, min_size, max_lines, line_h)


def _floor(size: float) -> float:
    # quarter points: stable output, and rounding down never overflows the box
    return max(int(size * 4) / 4.0, 0.25)


def _truncate(
    text: str, font_name: str, width: float, box_height: float, size: float, max_lines: int, line_h: float
) -> Fitted:
    # How many lines fit at the minimum size (at least one; it may then be smaller still).
    lines_fit = max_lines
    while lines_fit > 1 and (line_h + (lines_fit - 1) * LEADING) * size > box_height:
        lines_fit -= 1
    size = min(size, box_height / line_h)  # a box lower than one line at min size: shrink anyway
    size = _floor(size)
    budget = width / size
    adv = advances(text, font_name)
    lines: list[str] = []
    start = 0
    breaks = dict(_break_points(text))
    for line_no in range(lines_fit):
        last = line_no == lines_fit - 1
        # Greedy: the furthest end whose width fits.
        acc, end = 0.0, start
        while end < len(text) and acc + adv[end] <= budget:
            acc += adv[end]
            end += 1
        if end >= len(text):
            lines.append(text[start:].strip())
            start = len(text)
            break
        if last:
            ell = advances(ELLIPSIS, font_name)[0]
            while end > start and sum(adv[start:end]) + ell > budget:
                end -= 1
            lines.append(text[start:end].rstrip() + ELLIPSIS)
            start = len(text)
            break
        # Prefer a real break point within the line; otherwise break mid-word.
        cut = max((i for i in breaks if start < i <= end), default=end)
        if cut == start:
            cut = max(end, start + 1)
        lines.append(text[start:cut].rstrip())
        start = cut
        while start < len(text) and text[start] == " ":
            start += 1
    widths = tuple(text_width(line, font_name, size) for line in lines)
    return Fitted(tuple(lines), size, widths, 0.0, True)
