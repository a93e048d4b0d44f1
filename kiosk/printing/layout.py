"""Badge layouts as data: ``resources/layouts/<name>.json``, loaded and validated here.

Positions and sizes are millimetres measured from the top-left corner of one badge (a human's ruler,
not PDF's bottom-left origin); font sizes are points. A sheet layout (``per_page``) places several
badge cells on one page; its elements are relative to the cell. See ``resources/layouts/README`` in the
docstring of :func:`load_layout` for the schema.
"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from kiosk.categories import CATEGORIES
from kiosk.paths import resource

#: Badge fields a text element may be bound to (``"field": ...``).
FIELDS = ("name", "organisation", "title", "category_label", "event_name", "event_date", "venue", "note")
ALIGNMENTS = ("left", "center", "right")
VALIGNMENTS = ("top", "middle", "bottom")

#: Band colours per category, overridable per layout under ``"category_colors"``.
DEFAULT_CATEGORY_COLORS: dict[str, str] = {
    "expert": "#B3261E",  # crimson
    "academic": "#1F5AA6",  # university blue
    "enterprise": "#1E7B4F",  # green
    "government": "#8A1538",  # maroon
    "media": "#E07A10",  # orange
    "staff": "#37474F",  # slate
    "guest": "#6A3D9A",  # purple
}

_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")
_EPS = 0.01  # mm of slack when checking that an element lies on the page


class LayoutError(ValueError):
    """A layout file is missing, unreadable or describes something impossible; the message says where."""


@dataclass(frozen=True, slots=True)
class Grid:
    """Several badge cells on one sheet, filled left to right, top to bottom."""

    columns: int
    rows: int
    margin_left_mm: float
    margin_top_mm: float
    gap_x_mm: float
    gap_y_mm: float
    cut_guides: bool

    @property
    def per_page(self) -> int:
        return self.columns * self.rows


@dataclass(frozen=True, slots=True)
class TextElement:
    x_mm: float
    y_mm: float
    width_mm: float
    height_mm: float
    field: str | None  # bound badge field, or None for literal text
    text: str | None  # literal text (translated with gettext when ``translate`` is set)
    template: str | None  # "{event_date} · {venue}": fields in str.format braces
    translate: bool
    max_size: float
    min_size: float
    max_lines: int
    align: str
    valign: str
    bold: bool
    color: str
    uppercase: bool
    cjk_pair_spacing_em: float  # letter-spacing for two-character CJK names (王　芳)


@dataclass(frozen=True, slots=True)
class BandElement:
    x_mm: float
    y_mm: float
    width_mm: float
    height_mm: float
    label_size: float  # max font size of the category label, 0 = no label
    label_min_size: float
    label_color: str
    label_bold: bool
    bilingual: bool  # "学者  ACADEMIC" rather than the current language only
    align: str


@dataclass(frozen=True, slots=True)
class QrElement:
    x_mm: float
    y_mm: float
    size_mm: float  # including the 4-module quiet zone


@dataclass(frozen=True, slots=True)
class ImageElement:
    x_mm: float
    y_mm: float
    width_mm: float
    height_mm: float
    path: str  # relative to resources/


@dataclass(frozen=True, slots=True)
class RectElement:
    x_mm: float
    y_mm: float
    width_mm: float
    height_mm: float
    fill: str | None
    stroke: str | None
    stroke_width_mm: float
    radius_mm: float
    category_fill: bool  # fill with the guest's category colour instead of ``fill``


@dataclass(frozen=True, slots=True)
class LineElement:
    x1_mm: float
    y1_mm: float
    x2_mm: float
    y2_mm: float
    color: str
    width_mm: float
    category_color: bool


Element = TextElement | BandElement | QrElement | ImageElement | RectElement | LineElement


@dataclass(frozen=True, slots=True)
class Layout:
    name: str
    description: str
    page_width_mm: float  # the printed page (the sheet, for grids)
    page_height_mm: float
    badge_width_mm: float  # one badge (= the page unless there is a grid)
    badge_height_mm: float
    grid: Grid | None
    elements: tuple[Element, ...]
    category_colors: dict[str, str]
    source: str  # file the layout came from, for messages

    @property
    def per_page(self) -> int:
        return self.grid.per_page if self.grid else 1

    def cell_origins_mm(self) -> list[tuple[float, float]]:
        """Top-left corner of each badge cell on a page, in fill order."""
        if self.grid is None:
            return [(0.0, 0.0)]
        g = self.grid
        return [
            (
                g.margin_left_mm + column * (self.badge_width_mm + g.gap_x_mm),
                g.margin_top_mm + row * (self.badge_height_mm + g.gap_y_mm),
            )
            for row in range(g.rows)
            for column in range(g.columns)
        ]


@dataclass(frozen=True, slots=True)
class LayoutInfo:
    name: str
    width_mm: float  # the printed page
    height_mm: float
    per_page: int  # badges per printed page
    description: str = ""


def layouts_dir() -> Path:
    return resource("layouts")


def list_layouts() -> list[LayoutInfo]:
    """Every shipped layout, sorted by name. A broken file raises LayoutError naming it."""
    infos = []
    for path in sorted(layouts_dir().glob("*.json")):
        layout = load_layout(path)
        infos.append(
            LayoutInfo(layout.name, layout.page_width_mm, layout.page_height_mm, layout.per_page, layout.description)
        )
    return infos


def load_layout(name_or_path: str | Path) -> Layout:
    """A layout by name (``"badge-90x130"``) or by the path of a JSON file.

    Schema (all lengths in mm, from the top-left corner; font sizes in pt)::

        {"name": "badge-90x130", "description": "...",
         "page": {"width_mm": 90, "height_mm": 130},
         "badge": {"width_mm": .., "height_mm": ..},            # sheets only; defaults to the page
         "per_page": {"columns": 2, "rows": 4, "margin_left_mm": .., "margin_top_mm": ..,
                      "gap_x_mm": 0, "gap_y_mm": 0, "cut_guides": true},   # optional
         "category_colors": {"academic": "#1F5AA6", ...},     # optional overrides
         "elements": [
           {"type": "band", "x_mm", "y_mm", "width_mm", "height_mm",
            "label_size": 16, "label_min_size": 8, "label_color": "#FFFFFF", "bilingual": true},
           {"type": "text", "field": "name" | "text": "...", "x_mm", "y_mm", "width_mm", "height_mm",
            "max_size": 40, "min_size": 12, "max_lines": 2, "align": "center", "valign": "middle",
            "bold": true, "color": "#111111", "uppercase": false, "cjk_pair_spacing_em": 0.5},
           {"type": "qr", "x_mm", "y_mm", "size_mm"},
           {"type": "image", "path": "images/logo.png", "x_mm", "y_mm", "width_mm", "height_mm"},
           {"type": "rect", "x_mm", "y_mm", "width_mm", "height_mm", "fill": "#..", "stroke": "#..",
            "stroke_width_mm": 0.3, "radius_mm": 2, "category_fill": false},
           {"type": "line", "x1_mm", "y1_mm", "x2_mm", "y2_mm", "color": "#..", "width_mm": 0.3}]}
    """
    path = Path(name_or_path)
    if path.suffix != ".json":
        path = layouts_dir() / f"{name_or_path}.json"
    return _load_cached(path.resolve())


@cache
def _load_cached(path: Path) -> Layout:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        known = ", ".join(sorted(p.stem for p in layouts_dir().glob("*.json")))
        raise LayoutError(f"{path.name}: no such layout (known: {known})") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LayoutError(f"{path.name}: cannot read the layout: {exc}") from None
    return parse_layout(raw, source=path.name)


def parse_layout(raw: Any, *, source: str = "<layout>") -> Layout:
    """Validate a decoded JSON layout; every complaint names ``source`` and, for elements, which one."""
    if not isinstance(raw, dict):
        raise LayoutError(f"{source}: the layout must be a JSON object")
    top = _Fields(raw, source)
    page = _Fields(top.obj("page"), f"{source}: page")
    page_w = page.length("width_mm")
    page_h = page.length("height_mm")
    grid = None
    if "per_page" in raw:
        g = _Fields(top.obj("per_page"), f"{source}: per_page")
        grid = Grid(
            columns=g.count("columns"),
            rows=g.count("rows"),
            margin_left_mm=g.number("margin_left_mm", 0.0, minimum=0),
            margin_top_mm=g.number("margin_top_mm", 0.0, minimum=0),
            gap_x_mm=g.number("gap_x_mm", 0.0, minimum=0),
            gap_y_mm=g.number("gap_y_mm", 0.0, minimum=0),
            cut_guides=g.flag("cut_guides", True),
        )
        g.done()
        badge = _Fields(top.obj("badge"), f"{source}: badge")
        badge_w, badge_h = badge.length("width_mm"), badge.length("height_mm")
        badge.done()
        need_w = grid.margin_left_mm + grid.columns * badge_w + (grid.columns - 1) * grid.gap_x_mm
        need_h = grid.margin_top_mm + grid.rows * badge_h + (grid.rows - 1) * grid.gap_y_mm
        if need_w > page_w + _EPS or need_h > page_h + _EPS:
            raise LayoutError(
                f"{source}: per_page: {grid.columns}×{grid.rows} badges of {badge_w}×{badge_h} mm need "
                f"{need_w:g}×{need_h:g} mm, the page is {page_w:g}×{page_h:g} mm"
            )
    else:
        if "badge" in raw:
            raise LayoutError(f"{source}: 'badge' is only for sheet layouts with 'per_page'")
        badge_w, badge_h = page_w, page_h
    page.done()

    colors = dict(DEFAULT_CATEGORY_COLORS)
    if "category_colors" in raw:
        overrides = top.obj("category_colors")
        for key, value in overrides.items():
            if key not in CATEGORIES:
                raise LayoutError(
                    f"{source}: category_colors: unknown category {key!r} (known: {', '.join(CATEGORIES)})"
                )
            colors[key] = _color(value, f"{source}: category_colors.{key}")

    elements_raw = top.list("elements")
    elements = tuple(_parse_element(item, index, badge_w, badge_h, source) for index, item in enumerate(elements_raw))
    layout = Layout(
        name=top.text("name", Path(source).stem),
        description=top.text("description", ""),
        page_width_mm=page_w,
        page_height_mm=page_h,
        badge_width_mm=badge_w,
        badge_height_mm=badge_h,
        grid=grid,
        elements=elements,
        category_colors=colors,
        source=source,
    )
    top.done(extra=("page", "per_page", "badge", "category_colors", "elements"))
    return layout


def _parse_element(item: Any, index: int, badge_w: float, badge_h: float, source: str) -> Element:
    if not isinstance(item, dict):
        raise LayoutError(f"{source}: element {index}: must be a JSON object, not {type(item).__name__}")
    kind = item.get("type")
    where = f"{source}: element {index} ({kind})"
    if kind not in _PARSERS:
        raise LayoutError(f"{source}: element {index}: unknown type {kind!r} (known: {', '.join(sorted(_PARSERS))})")
    f = _Fields(item, where)
    element = _PARSERS[kind](f, where)
    f.done(extra=("type",))
    _check_on_badge(element, badge_w, badge_h, where)
    return element


def _parse_text(f: _Fields, where: str) -> TextElement:
    field = f.text("field", None)
    text = f.text("text", None)
    template = f.text("template", None)
    if sum(v is not None for v in (field, text, template)) != 1:
        raise LayoutError(
            f"{where}: give exactly one of 'field' (a badge field), 'text' (literal text) "
            "or 'template' (text with {field} placeholders)"
        )
    if field is not None and field not in FIELDS:
        raise LayoutError(f"{where}: unknown binding field {field!r} (known: {', '.join(FIELDS)})")
    if template is not None:
        try:
            names = [name for _lit, name, _spec, _conv in string.Formatter().parse(template) if name is not None]
        except ValueError as exc:
            raise LayoutError(f"{where}: bad template {template!r}: {exc}") from None
        for name in names:
            if name not in FIELDS:
                raise LayoutError(f"{where}: unknown binding field {name!r} in template (known: {', '.join(FIELDS)})")
    max_size = f.number("max_size", minimum=1)
    min_size = f.number("min_size", min(6.0, max_size), minimum=1)
    if min_size > max_size:
        raise LayoutError(f"{where}: min_size {min_size:g} is larger than max_size {max_size:g}")
    max_lines = f.count("max_lines", 1)
    if max_lines > 2:
        raise LayoutError(f"{where}: max_lines is {max_lines}; at most 2 lines are supported")
    return TextElement(
        *f.box(),
        field=field,
        text=text,
        template=template,
        translate=f.flag("translate", False),
        max_size=max_size,
        min_size=min_size,
        max_lines=max_lines,
        align=f.choice("align", ALIGNMENTS, "center"),
        valign=f.choice("valign", VALIGNMENTS, "middle"),
        bold=f.flag("bold", False),
        color=f.color("color", "#000000"),
        uppercase=f.flag("uppercase", False),
        cjk_pair_spacing_em=f.number("cjk_pair_spacing_em", 0.0, minimum=0),
    )


def _parse_band(f: _Fields, where: str) -> BandElement:
    label_size = f.number("label_size", 0.0, minimum=0)
    return BandElement(
        *f.box(),
        label_size=label_size,
        label_min_size=f.number("label_min_size", min(6.0, label_size), minimum=0),
        label_color=f.color("label_color", "#FFFFFF"),
        label_bold=f.flag("label_bold", True),
        bilingual=f.flag("bilingual", False),
        align=f.choice("align", ALIGNMENTS, "center"),
    )


def _parse_qr(f: _Fields, where: str) -> QrElement:
    return QrElement(f.number("x_mm"), f.number("y_mm"), f.length("size_mm"))


def _parse_image(f: _Fields, where: str) -> ImageElement:
    return ImageElement(*f.box(), path=f.text("path"))


def _parse_rect(f: _Fields, where: str) -> RectElement:
    return RectElement(
        *f.box(),
        fill=f.color("fill", None),
        stroke=f.color("stroke", None),
        stroke_width_mm=f.number("stroke_width_mm", 0.3, minimum=0),
        radius_mm=f.number("radius_mm", 0.0, minimum=0),
        category_fill=f.flag("category_fill", False),
    )


def _parse_line(f: _Fields, where: str) -> LineElement:
    return LineElement(
        f.number("x1_mm"),
        f.number("y1_mm"),
        f.number("x2_mm"),
        f.number("y2_mm"),
        color=f.color("color", "#000000"),
        width_mm=f.number("width_mm", 0.3, minimum=0),
        category_color=f.flag("category_color", False),
    )


_PARSERS = {
    "text": _parse_text,
    "band": _parse_band,
    "qr": _parse_qr,
    "image": _parse_image,
    "rect": _parse_rect,
    "line": _parse_line,
}


def _bounds(element: Element) -> tuple[float, float, float, float]:
    if isinstance(element, LineElement):
        return (
            min(element.x1_mm, element.x2_mm),
            min(element.y1_mm, element.y2_mm),
            max(element.x1_mm, element.x2_mm),
            max(element.y1_mm, element.y2_mm),
        )
    if isinstance(element, QrElement):
        return element.x_mm, element.y_mm, element.x_mm + element.size_mm, element.y_mm + element.size_mm
    return (element.x_mm, element.y_mm, element.x_mm + element.width_mm, element.y_mm + element.height_mm)


def _check_on_badge(element: Element, badge_w: float, badge_h: float, where: str) -> None:
    x0, y0, x1, y1 = _bounds(element)
    if x0 < -_EPS or y0 < -_EPS or x1 > badge_w + _EPS or y1 > badge_h + _EPS:
        raise LayoutError(
            f"{where}: element outside the badge: spans x {x0:g}–{x1:g} mm, y {y0:g}–{y1:g} mm; "
            f"the badge is {badge_w:g}×{badge_h:g} mm"
        )


def _color(value: Any, where: str) -> str:
    if not isinstance(value, str) or not _COLOR.match(value):
        raise LayoutError(f"{where}: bad colour {value!r} (expected #RRGGBB)")
    return value.upper()


_MISSING = object()


class _Fields:
    """Typed access to one JSON object, with messages that say where; ``done`` rejects unknown keys."""

    def __init__(self, raw: dict[str, Any], where: str) -> None:
        self.raw = raw
        self.where = where
        self.used: set[str] = set()

    def _get(self, key: str, default: Any) -> Any:
        self.used.add(key)
        if key in self.raw:
            return self.raw[key]
        if default is _MISSING:
            raise LayoutError(f"{self.where}: missing field {key!r}")
        return default

    def obj(self, key: str) -> dict[str, Any]:
        value = self._get(key, _MISSING)
        if not isinstance(value, dict):
            raise LayoutError(f"{self.where}: {key!r} must be an object")
        return value

    def list(self, key: str) -> list[Any]:
        value = self._get(key, _MISSING)
        if not isinstance(value, list):
            raise LayoutError(f"{self.where}: {key!r} must be a list")
        return value

    def number(self, key: str, default: Any = _MISSING, *, minimum: float | None = None) -> float:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise LayoutError(f"{self.where}: {key!r} must be a number, not {value!r}")
        if minimum is not None and value < minimum:
            raise LayoutError(f"{self.where}: {key!r} is {value!r}; it must be at least {minimum:g}")
        return float(value)

    def length(self, key: str) -> float:
        value = self.number(key)
        if value <= 0:
            raise LayoutError(f"{self.where}: {key!r} must be positive, not {value:g}")
        return value

    def count(self, key: str, default: Any = _MISSING) -> int:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise LayoutError(f"{self.where}: {key!r} must be a whole number ≥ 1, not {value!r}")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise LayoutError(f"{self.where}: {key!r} must be true or false, not {value!r}")
        return value

    def text(self, key: str, default: Any = _MISSING) -> Any:
        value = self._get(key, default)
        if value is not None and not isinstance(value, str):
            raise LayoutError(f"{self.where}: {key!r} must be a string, not {value!r}")
        return value

    def choice(self, key: str, options: tuple[str, ...], default: str) -> str:
        value = self._get(key, default)
        if value not in options:
            raise LayoutError(f"{self.where}: {key!r} is {value!r}; expected one of {', '.join(options)}")
        return value

    def color(self, key: str, default: Any = _MISSING) -> Any:
        value = self._get(key, default)
        if value is None and default is None:
            return None
        return _color(value, f"{self.where}: {key!r}")

    def box(self) -> tuple[float, float, float, float]:
        return self.number("x_mm"), self.number("y_mm"), self.length("width_mm"), self.length("height_mm")

    def done(self, extra: tuple[str, ...] = ()) -> None:
        unknown = set(self.raw) - self.used - set(extra)
        if unknown:
            raise LayoutError(f"{self.where}: unknown field(s) {', '.join(sorted(map(repr, unknown)))}")
