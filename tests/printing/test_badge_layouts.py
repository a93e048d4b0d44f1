"""Layout files: every complaint names the file, the element (index and type) and what is wrong."""

from __future__ import annotations

import copy
import json

import pytest

from kiosk.printing.layout import LayoutError, layouts_dir, load_layout, parse_layout

GOOD = {
    "name": "t",
    "page": {"width_mm": 90, "height_mm": 130},
    "elements": [
        {"type": "band", "x_mm": 0, "y_mm": 114, "width_mm": 90, "height_mm": 16, "label_size": 18},
        {"type": "qr", "x_mm": 29, "y_mm": 79, "size_mm": 32},
        {
            "type": "text",
            "field": "name",
            "x_mm": 5,
            "y_mm": 31,
            "width_mm": 80,
            "height_mm": 24,
            "max_size": 40,
            "min_size": 14,
            "max_lines": 2,
            "bold": True,
            "color": "#111111",
        },
    ],
}


def broken(change) -> dict:
    raw = copy.deepcopy(GOOD)
    change(raw)
    return raw


def test_the_good_layout_parses():
    layout = parse_layout(GOOD, source="t.json")
    assert layout.per_page == 1 and len(layout.elements) == 3


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda r: r["elements"][2].pop("max_size"), r"t\.json: element 2 \(text\): missing field 'max_size'"),
        (lambda r: r["elements"][2].update(field="nickname"), r"element 2 \(text\): unknown binding field 'nickname'"),
        (lambda r: r["elements"][2].update(color="red"), r"element 2 \(text\): 'color': bad colour 'red'"),
        (lambda r: r["elements"][1].update(x_mm=70), r"element 1 \(qr\): element outside the badge"),
        (lambda r: r["elements"][0].update(height_mm=20), r"element 0 \(band\): element outside the badge"),
        (lambda r: r["elements"][2].update(min_size=50), r"element 2 \(text\): min_size 50 is larger"),
        (lambda r: r["elements"][2].update(max_lines=3), r"element 2 \(text\): max_lines is 3"),
        (lambda r: r["elements"][2].update(text="x"), r"element 2 \(text\): give exactly one of"),
        (lambda r: r["elements"][2].update(align="justify"), r"element 2 \(text\): 'align' is 'justify'"),
        (lambda r: r["elements"][2].update(font="Arial"), r"element 2 \(text\): unknown field\(s\) 'font'"),
        (lambda r: r["elements"].append({"type": "barcode"}), r"element 3: unknown type 'barcode'"),
        (
            lambda r: r["elements"].append(
                {
                    "type": "text",
                    "template": "{name} {age}",
                    "x_mm": 0,
                    "y_mm": 0,
                    "width_mm": 10,
                    "height_mm": 10,
                    "max_size": 10,
                }
            ),
            r"element 3 \(text\): unknown binding field 'age' in template",
        ),
        (lambda r: r["page"].update(width_mm=-5), r"t\.json: page: 'width_mm' must be positive"),
        (lambda r: r.update(category_colors={"vip": "#000000"}), r"category_colors: unknown category 'vip'"),
        (
            lambda r: r.update(per_page={"columns": 3, "rows": 1}, badge={"width_mm": 40, "height_mm": 130}),
            r"per_page: 3×1 badges of 40.0×130.0 mm need 120×130 mm",
        ),
    ],
)
def test_errors_name_the_element_and_the_problem(change, expected):
    with pytest.raises(LayoutError, match=expected):
        parse_layout(broken(change), source="t.json")


def test_a_broken_file_is_named(tmp_path):
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(broken(lambda r: r["elements"][1].update(size_mm=0))), encoding="utf-8")
    with pytest.raises(LayoutError, match=r"mine\.json: element 1 \(qr\): 'size_mm' must be positive"):
        load_layout(path)
    with pytest.raises(LayoutError, match=r"bad\.json: cannot read the layout"):
        bad = tmp_path / "bad.json"
        bad.write_text("{not json", encoding="utf-8")
        load_layout(bad)


def test_unknown_layout_name_lists_the_known_ones():
    with pytest.raises(LayoutError, match=r"no such layout \(known: .*badge-90x130"):
        load_layout("badge-1x1")


def test_shipped_files_have_qr_codes_of_a_scannable_size():
    for path in layouts_dir().glob("*.json"):
        layout = load_layout(path)
        qrs = [e for e in layout.elements if type(e).__name__ == "QrElement"]
        assert len(qrs) == 1, path.name
        assert qrs[0].size_mm >= 22, path.name
