"""The one TrueType-outline CJK font every PDF embeds, found once per process.

ReportLab reads TrueType outlines only: Noto Sans CJK and other CFF-outline fonts fail with
"postscript outlines are not supported", so candidates are tried in turn and failures skipped. The
built-in CID font ``STSong-Light`` is never used: it is not embedded, so a printer without it prints
boxes. The same font draws Latin text (WenQuanYi Zen Hei and Microsoft YaHei have good Latin glyphs),
so every glyph on the page is embedded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from kiosk.i18n import _


class FontNotFound(RuntimeError):
    """No usable TrueType CJK font is installed (and none was named)."""


class MissingGlyphs(ValueError):
    """The font lacks characters of a text that would be drawn; nothing is printed as boxes."""

    def __init__(self, text: str, missing: str, *, who: str = "", font: str = "") -> None:
        self.text = text
        self.missing = missing
        self.who = who
        self.font = font
        codes = ", ".join(f"{ch!r} U+{ord(ch):04X}" for ch in missing)
        prefix = f"{who}: " if who else ""
        super().__init__(
            _("{prefix}the font {font} has no glyph for {codes} in {text!r}").format(
                prefix=prefix, font=font, codes=codes, text=text
            )
        )


@dataclass(frozen=True, slots=True)
class FontInfo:
    name: str  # the ReportLab font name to use with setFont
    path: str
    subfont_index: int
    ascent: float  # per unit font size (1.0 = the font size)
    descent: float  # negative

    def has_glyphs(self, text: str) -> str:
        """The characters of ``text`` the font cannot draw ('' when all are there)."""
        return missing_glyphs(self.name, text)


# Preferred first; (file name, subfont index). Droid Sans Fallback has no Extension B either, but is common.
_PREFERRED = (
    ("wqy-zenhei.ttc", 0),
    ("wqy-microhei.ttc", 0),
    ("msyh.ttc", 0),
    ("msyh.ttf", 0),
    ("simhei.ttf", 0),
    ("DroidSansFallbackFull.ttf", 0),
    ("DroidSansFallback.ttf", 0),
    ("Arial Unicode.ttf", 0),
    ("STHeiti Medium.ttc", 0),
    ("STHeiti Light.ttc", 0),
    ("Hiragino Sans GB.ttc", 0),
)

_lock = threading.Lock()
_registered: dict[tuple[str, int], FontInfo] = {}
_default: FontInfo | None = None
# Characters the font was already checked to have, per font name (most badges repeat the same ones).
_known_good: dict[str, set[str]] = {}


def candidate_fonts() -> list[tuple[str, int]]:
    """(path, subfont index) of TrueType CJK fonts on this machine, best first."""
    found: list[str] = []
    if sys.platform.startswith("win"):
        windir = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        found += [str(windir / name) for name in ("msyh.ttc", "msyh.ttf", "simhei.ttf", "simsun.ttc")]
    elif sys.platform == "darwin":
        for folder in ("/System/Library/Fonts", "/Library/Fonts", "/System/Library/Fonts/Supplemental"):
            found += [str(p) for p in Path(folder).glob("*") if p.suffix.lower() in (".ttf", ".ttc")]
    if shutil.which("fc-list"):
        try:
            out = subprocess.run(
                ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10, check=False
            ).stdout
        except (OSError, subprocess.SubprocessError):
            out = ""
        found += [line.split(":")[0].strip() for line in out.splitlines() if line.strip()]
    found += [
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        "/usr/share/fonts/wqy-zenhei/wqy-zenhei.ttc",
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    ]
    unique = [p for i, p in enumerate(found) if p not in found[:i] and Path(p).is_file()]
    rank = {name.lower(): i for i, (name, _index) in enumerate(_PREFERRED)}
    unique.sort(key=lambda p: rank.get(Path(p).name.lower(), len(rank)))
    index = {name.lower(): sub for name, sub in _PREFERRED}
    return [(p, index.get(Path(p).name.lower(), 0)) for p in unique if p.lower().endswith((".ttf", ".ttc"))]


def register_fonts(path: str | os.PathLike[str] | None = None, *, subfont_index: int = 0) -> FontInfo:
    """Register the font to draw with and return it; with ``path=None`` the best installed one.

    Idempotent and thread-safe: each font file is loaded once per process. Raises FontNotFound when no
    candidate loads (CFF-outline fonts are skipped) or when the named file cannot be used.
    """
    global _default
    with _lock:
        if path is not None:
            return _register(str(path), subfont_index, strict=True)
        if _default is not None:
            return _default
        errors = []
        for candidate, index in candidate_fonts():
            try:
                _default = _register(candidate, index, strict=True)
                return _default
            except FontNotFound as exc:
                errors.append(str(exc))
        raise FontNotFound(
            _(
                "No TrueType CJK font found. Install WenQuanYi Zen Hei (apt install fonts-wqy-zenhei) "
                "or name a .ttf/.ttc font file."
            )
            + ("\n" + "\n".join(errors) if errors else "")
        )


def _register(path: str, index: int, *, strict: bool) -> FontInfo:
    key = (os.path.abspath(path), index)
    if key in _registered:
        return _registered[key]
    name = f"Kiosk-{Path(path).stem}-{index}".replace(" ", "")
    try:
        font = TTFont(name, path, subfontIndex=index)
    except Exception as exc:  # ReportLab raises TTFError and plain errors for CFF, missing, corrupt files
        raise FontNotFound(f"{path}: {exc}") from None
    face = font.face
    cmap = face.charToGlyph
    # A "CJK" font must at least draw the common ideographs and basic Latin we print everywhere.
    if not all(ord(ch) in cmap for ch in "王芳的Aa0"):
        raise FontNotFound(f"{path}: not a CJK font with Latin glyphs")
    pdfmetrics.registerFont(font)
    info = FontInfo(name, path, index, ascent=face.ascent / 1000.0, descent=face.descent / 1000.0)
    _registered[key] = info
    _known_good[name] = set()
    return info


def missing_glyphs(font_name: str, text: str) -> str:
    """Characters of ``text`` (in order, once each) the registered font cannot draw; whitespace is free."""
    good = _known_good.setdefault(font_name, set())
    todo = set(text) - good
    if not todo:
        return ""
    cmap = pdfmetrics.getFont(font_name).face.charToGlyph
    missing = []
    for ch in todo:
        if ord(ch) in cmap or ch in " \t\n\u3000":
            good.add(ch)
        else:
            missing.append(ch)
    return "".join(sorted(missing, key=text.index))


def check_glyphs(font: FontInfo, text: str, *, who: str = "") -> None:
    """Raise MissingGlyphs if the font cannot draw every character of ``text``."""
    missing = missing_glyphs(font.name, text)
    if missing:
        raise MissingGlyphs(text, missing, who=who, font=Path(font.path).name)
