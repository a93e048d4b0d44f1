"""Reading an organiser's guest list: encodings, headings, row checks, duplicates, hostile files."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.core import guest_file
from kiosk.core.guest_file import Duplicate, GuestFileError, GuestRow, ParsedGuestFile, read_guest_file
from kiosk.i18n import set_language

ZH_HEADINGS = ["姓名", "单位", "职务", "手机", "类别", "邮箱", "票号", "备注"]
EN_HEADINGS = ["Name", "Organisation", "Title", "Phone", "Category", "E-mail", "Code", "Note"]

GUESTS = [
    ["张伟", "中国石油大学（华东）", "教授", "138-0013-8000", "学者", "ZhangWei@UPC.edu.cn", "HK-0001", ""],
    ["单丽", "胜利油田河口采油厂", "总工程师", "+86 139 0013 9000", "企业", "", "", "需要停车位"],
    ["曾国强", "河口区人民政府", "副区长", "0086 13700137000", "政府", "", "", "VIP：请专人陪同至贵宾室"],
    ["区海波", "东营日报", "记者", "15900159000", "媒体", "ouhb@163.com", "88", ""],
    ["David Miller", "Heriot-Watt University", "Professor", "", "Expert", "d.miller@example.com", "", ""],
    ["查明", "", "", "", "", "", "", ""],
]
EXPECTED = [
    GuestRow(
        2, "张伟", "中国石油大学（华东）", "教授", "academic", "13800138000", "zhangwei@upc.edu.cn", "HK-0001", ""
    ),
    GuestRow(3, "单丽", "胜利油田河口采油厂", "总工程师", "enterprise", "13900139000", "", "", "需要停车位"),
    GuestRow(4, "曾国强", "河口区人民政府", "副区长", "government", "13700137000", "", "", "VIP：请专人陪同至贵宾室"),
    GuestRow(5, "区海波", "东营日报", "记者", "media", "15900159000", "ouhb@163.com", "88", ""),
    GuestRow(6, "David Miller", "Heriot-Watt University", "Professor", "expert", "", "d.miller@example.com", "", ""),
    GuestRow(7, "查明", "", "", "guest", "", "", "", ""),
]


@pytest.fixture(autouse=True)
def _chinese_desk():
    set_language("zh")
    yield
    set_language("zh")


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",") -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def read(path: Path) -> ParsedGuestFile:
    return read_guest_file(path)


def messages(parsed: ParsedGuestFile) -> list[tuple[int, str]]:
    return [(problem.row, problem.message) for problem in parsed.errors]


# --- encodings and formats --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "reported"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("gb18030", "gb18030"),
        ("gbk", "gb18030"),
        ("utf-16", "utf-16"),  # Python writes a BOM in the machine's byte order
    ],
)
def test_every_csv_encoding_reads_the_same_guests(tmp_path, encoding, reported):
    path = write_csv(tmp_path / "guests.csv", [ZH_HEADINGS, *GUESTS], encoding)
    parsed = read(path)
    assert parsed.errors == []
    assert parsed.duplicates == []
    assert parsed.rows == EXPECTED
    assert parsed.encoding == reported


def test_utf16_big_endian_with_bom(tmp_path):
    text = io.StringIO(newline="")
    csv.writer(text).writerows([ZH_HEADINGS, *GUESTS])
    path = tmp_path / "guests.csv"
    path.write_bytes(b"\xfe\xff" + text.getvalue().encode("utf-16-be"))
    parsed = read(path)
    assert parsed.rows == EXPECTED
    assert parsed.encoding == "utf-16"


def test_utf16_without_bom_is_recognised(tmp_path):
    text = io.StringIO(newline="")
    csv.writer(text).writerows([ZH_HEADINGS, *GUESTS * 3])
    path = tmp_path / "guests.csv"
    path.write_bytes(text.getvalue().encode("utf-16-le"))
    parsed = read(path)
    assert parsed.rows == EXPECTED
    assert parsed.encoding.startswith("utf-16")


def test_a_short_gbk_file_is_read_as_gb18030(tmp_path):
    path = write_csv(tmp_path / "guests.csv", [["姓名", "单位"], ["张伟", "河口区科学技术局"]], "gbk")
    parsed = read(path)
    assert [(g.name, g.organisation) for g in parsed.rows] == [("张伟", "河口区科学技术局")]
    assert parsed.encoding == "gb18030"


def test_xlsx_reads_the_same_guests(tmp_path):
    path = write_xlsx(tmp_path / "guests.xlsx", [ZH_HEADINGS, *GUESTS])
    parsed = read(path)
    assert parsed.errors == []
    assert parsed.rows == EXPECTED
    assert parsed.encoding == "xlsx"


def test_xlsx_numbers_are_rendered_as_the_digits_the_organiser_typed(tmp_path):
    rows = [
        ["姓名", "手机", "票号"],
        ["张伟", 13800138000, 20260001],
        ["王芳", 13900139000.0, 1234567890123.0],
        ["李娜", None, 12.5],
    ]
    parsed = read(write_xlsx(tmp_path / "guests.xlsx", rows))
    assert parsed.errors == []
    assert [(g.phone, g.plain_code) for g in parsed.rows] == [
        ("13800138000", "20260001"),
        ("13900139000", "1234567890123"),
        ("", "12.5"),
    ]


def test_xlsx_keeps_spreadsheet_row_numbers_across_blank_rows(tmp_path):
    path = tmp_path / "guests.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"], sheet["B1"] = "姓名", "手机"
    sheet["A2"], sheet["B2"] = "张伟", "13800138000"
    sheet["A5"], sheet["B5"] = "王芳", "138-0013"
    workbook.save(path)
    parsed = read(path)
    assert [g.row for g in parsed.rows] == [2]
    assert [problem.row for problem in parsed.errors] == [5]


def test_xlsx_reads_the_first_sheet_only(tmp_path):
    path = tmp_path / "guests.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["姓名"])
    workbook.active.append(["张伟"])
    other = workbook.create_sheet("说明")
    other.append(["这不是名单"])
    workbook.active = 1
    workbook.save(path)
    assert [g.name for g in read(path).rows] == ["张伟"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_sniffed(tmp_path, delimiter):
    path = write_csv(tmp_path / "guests.csv", [ZH_HEADINGS, *GUESTS], delimiter=delimiter)
    assert read(path).rows == EXPECTED


# --- headings ---------------------------------------------------------------------------------------


def test_english_headings_any_case_and_spacing(tmp_path):
    headings = ["  NAME ", "organization", "TITLE", "mobile", "category", "email", "code", "Notes"]
    path = write_csv(tmp_path / "guests.csv", [headings, *GUESTS])
    assert read(path).rows == EXPECTED


def test_chinese_heading_aliases_and_full_width_headings(tmp_path):
    headings = ["姓名*", "工作单位", "职称", "联系电话", "嘉宾类别", "电子邮箱", "编号", "备注"]
    assert read(write_csv(tmp_path / "a.csv", [headings, *GUESTS])).rows == EXPECTED
    full_width = ["ＮＡＭＥ", "Ｃｏｍｐａｎｙ", "职务", "手机号", "身份", "Ｅ－ｍａｉｌ", "二维码", "Note"]
    assert read(write_csv(tmp_path / "b.csv", [full_width, *GUESTS])).rows == EXPECTED


def test_only_the_name_column_is_required_and_unknown_columns_are_ignored(tmp_path):
    path = write_csv(tmp_path / "guests.csv", [["序号", "姓名", "座位"], ["1", "张伟", "A-01"], ["2", "王芳", ""]])
    parsed = read(path)
    assert [(g.row, g.name, g.category, g.phone) for g in parsed.rows] == [
        (2, "张伟", "guest", ""),
        (3, "王芳", "guest", ""),
    ]


def test_blank_lines_before_the_headings_are_skipped(tmp_path):
    path = write_csv(tmp_path / "guests.csv", [[], ["", ""], ["姓名", "手机"], ["张伟", "13800138000"]])
    assert [(g.row, g.name) for g in read(path).rows] == [(4, "张伟")]


def test_two_columns_for_one_field_name_both(tmp_path):
    path = write_csv(tmp_path / "guests.csv", [["姓名", "手机", "联系电话"], ["张伟", "1", "2"]])
    with pytest.raises(GuestFileError) as raised:
        read(path)
    message = str(raised.value)
    assert "“手机”（B 列）" in message
    assert "“联系电话”（C 列）" in message
    assert "手机号" in message


def test_no_name_column_says_what_the_first_row_holds(tmp_path):
    path = write_csv(tmp_path / "guests.csv", [["Vorname", "Firma"], ["Hans", "SLB"]])
    with pytest.raises(GuestFileError, match="没有姓名列") as raised:
        read(path)
    assert "“Vorname”" in str(raised.value)


# --- row checks -------------------------------------------------------------------------------------

BROKEN = [
    ["姓名", "单位", "手机", "类别", "邮箱", "票号", "备注"],
    ["张伟", "东营日报", "13800138000", "媒体", "", "", ""],  # 2: fine
    ["", "东营日报", "", "", "", "", ""],  # 3: no name
    ["王芳", "", "138-0013", "", "", "", ""],  # 4: phone too short
    ["李娜", "", "", "VIP", "not-an-address", "", ""],  # 5: category, e-mail
    ["", "", "", "", "", "", ""],  # 6: blank, skipped silently
    ["刘洋", "", "", "", "", "FKA2X7", ""],  # 7: our prefix
    ["名" * 51, "单" * 101, "", "", "", "x" * 65, "备" * 201],  # 8: four lengths
    ["张\x07敏", "", "", "", "", "", ""],  # 9: control character
    ["赵强", "", "1.38001E+10", "", "", "", ""],  # 10: Excel's scientific notation
    ["孙丽", "", "138 0013 80x0", "", "", "", ""],  # 11: a letter in the phone
]


def test_a_broken_file_reports_every_bad_row_with_its_row_number(tmp_path):
    parsed = read(write_csv(tmp_path / "guests.csv", BROKEN))
    assert [g.row for g in parsed.rows] == [2]
    rows = [problem.row for problem in parsed.errors]
    assert rows == [3, 4, 5, 5, 7, 8, 8, 8, 8, 9, 10, 11]
    assert rows == sorted(rows)
    assert ("第 4 行：手机号“138-0013”位数不对（应为 11 位手机号），请更正后重新导入") in [
        message for _row, message in messages(parsed)
    ]
    for row, message in messages(parsed):
        assert message.startswith(f"第 {row} 行：")
        assert "导入" in message  # every message says what to do next


def test_row_messages_in_english(tmp_path):
    set_language("en")
    parsed = read(write_csv(tmp_path / "guests.csv", BROKEN))
    texts = [message for _row, message in messages(parsed)]
    assert (
        "Row 4: phone “138-0013” has the wrong number of digits (a mobile number has 11); correct it and import again"
    ) in texts
    assert any(t.startswith("Row 5: category “VIP” is not known; use one of: Expert, Academic,") for t in texts)
    assert any(t.startswith("Row 7: ticket code “FKA2X7” starts with “FK” and a letter") for t in texts)
    assert any("Row 8: the name" in t and "longer than 50 characters" in t for t in texts)
    assert any("Row 8: the organisation" in t and "longer than 100" in t for t in texts)
    assert any("Row 8: the note" in t and "longer than 200" in t for t in texts)
    assert any(t.startswith("Row 8: ticket code") and "longer than 64" in t for t in texts)
    assert any(t.startswith("Row 9: the name contains invisible control characters") for t in texts)
    assert any(t.startswith("Row 10: phone “1.38001E+10” was turned into a number in scientific") for t in texts)
    assert any(t.startswith("Row 11: phone “138 0013 80x0” contains characters other than digits") for t in texts)


def test_unknown_category_lists_the_accepted_words(tmp_path):
    parsed = read(write_csv(tmp_path / "guests.csv", [["姓名", "类别"], ["张伟", "贵宾"]]))
    assert messages(parsed) == [
        (2, "第 2 行：类别“贵宾”无法识别；请填写以下之一：专家、学者、企业、政府、媒体、工作人员、嘉宾，然后重新导入")
    ]


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("专家", "expert"), ("expert", "expert"), ("Expert", "expert"),
        ("学者", "academic"), ("高校", "academic"), ("教授", "academic"), ("Academic", "academic"),
        ("企业", "enterprise"), ("ENTERPRISE", "enterprise"),
        ("政府", "government"), ("领导", "government"), ("Government", "government"),
        ("媒体", "media"), ("记者", "media"), ("Media", "media"),
        ("工作人员", "staff"), ("会务", "staff"), ("Staff", "staff"),
        ("嘉宾", "guest"), ("来宾", "guest"), ("guest", "guest"), ("", "guest"), ("  ", "guest"),
        (" 专 家 ", None), ("ｍｅｄｉａ", "media"),
    ],
)  # fmt: skip
def test_category_words(tmp_path, word, code):
    parsed = read(write_csv(tmp_path / "guests.csv", [["姓名", "类别"], ["张伟", word]]))
    if code is None:
        assert parsed.rows == [] and len(parsed.errors) == 1
    else:
        assert [g.category for g in parsed.rows] == [code]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13800138000", "13800138000"),
        ("138-0013-8000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("(138) 0013 8000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("+86-13800138000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("１３８００１３８０００", "13800138000"),  # full-width digits from a Chinese IME
        ("13800138000.0", "13800138000"),
        ("0546-8765432", "05468765432"),
        ("+86 546 8765432", "05468765432"),
        ("+44 20 7946 0958", "442079460958"),
        ("12345", None),  # starts with 1, so a mobile, and too short
        ("138-0013", None),
        ("1234", None),
        ("0123456789012345", None),
        ("1.38001E+10", None),
        ("call me", None),
    ],
)
def test_phone_normalisation(tmp_path, typed, stored):
    parsed = read(write_csv(tmp_path / "guests.csv", [["姓名", "手机"], ["张伟", typed]]))
    if stored is None:
        assert parsed.rows == [] and [p.row for p in parsed.errors] == [2]
    else:
        assert parsed.errors == []
        assert parsed.rows[0].phone == stored


@pytest.mark.parametrize(
    ("code", "ok"),
    [("FK123", True), ("HK2026-000001", True), ("FKA", False), ("fkz9", False), ("ＦＫＢ１", False)],
)
def test_codes_with_our_credential_prefix_are_refused(tmp_path, code, ok):
    parsed = read(write_csv(tmp_path / "guests.csv", [["姓名", "票号"], ["张伟", code]]))
    assert bool(parsed.rows) is ok
    if not ok:
        assert "FK" in parsed.errors[0].message and "签发" in parsed.errors[0].message


def test_text_is_trimmed_folded_and_nfc_normalised(tmp_path):
    rows = [
        ["姓名", "单位", "邮箱", "备注"],
        ["  张\u3000 伟 ", "胜利油田\u00a0\u00a0河口采油厂", " ZW@Example.COM ", "第一行\n第二行"],
        ["Jose\u0301 Garci\u0301a", "ab\u200bc", "", ""],
    ]
    parsed = read(write_csv(tmp_path / "guests.csv", rows))
    assert parsed.errors == []
    first, second = parsed.rows
    assert (first.name, first.organisation, first.email, first.note) == (
        "张 伟",
        "胜利油田 河口采油厂",
        "zw@example.com",
        "第一行 第二行",
    )
    assert second.name == "José García"
    assert second.organisation == "abc"


def test_length_limits_count_characters_after_folding(tmp_path):
    name = "名" * 50
    parsed = read(write_csv(tmp_path / "guests.csv", [["姓名"], [f"  {name}   "]]))
    assert [g.name for g in parsed.rows] == [name]


def test_bidirectional_override_is_refused(tmp_path):
    parsed = read(write_csv(tmp_path / "guests.csv", [["姓名", "单位"], ["张伟", "\u202e司公油"]]))
    assert parsed.rows == []
    assert "单位中含有不可见的控制字符" in parsed.errors[0].message


def test_embedded_newlines_quotes_and_formulas_are_plain_text(tmp_path):
    rows = [
        ["姓名", "单位", "备注"],
        ['王"大"明', "A, B 与 C\n联合体", "=cmd|' /C calc'!A0"],
        ['=HYPERLINK("http://x")', "+SUM(1,2)", "@import"],
    ]
    parsed = read(write_csv(tmp_path / "guests.csv", rows))
    assert parsed.errors == []
    assert [(g.row, g.name, g.organisation, g.note) for g in parsed.rows] == [
        (2, '王"大"明', "A, B 与 C 联合体", "=cmd|' /C calc'!A0"),
        (3, '=HYPERLINK("http://x")', "+SUM(1,2)", "@import"),
    ]


def test_short_rows_and_long_rows(tmp_path):
    path = tmp_path / "guests.csv"
    path.write_text("姓名,单位,手机\n张伟\n王芳,东营日报,13800138000,多余,再多\n", encoding="utf-8")
    parsed = read(path)
    assert [(g.name, g.organisation, g.phone) for g in parsed.rows] == [
        ("张伟", "", ""),
        ("王芳", "东营日报", "13800138000"),
    ]


# --- duplicates -------------------------------------------------------------------------------------


def test_duplicates_keep_the_first_row(tmp_path):
    rows = [
        ["姓名", "单位", "手机"],
        ["张伟", "东营日报", "138-0013-8000"],  # 2
        ["张伟", "大众日报", "13900139000"],  # 3: same name, other organisation: another person
        ["张伟", "东营日报 ", ""],  # 4: same name and organisation as row 2
        ["王芳", "东营电视台", "+86 13800138000"],  # 5: the phone of row 2
        ["王  芳", "东营电视台", ""],  # 6: same as 5 after folding — but 5 was left out, so kept
        ["李娜", "胜利油田", "13700137000"],  # 7
        ["李娜", "胜利油田", "13600136000"],  # 8: namesakes in one organisation, told apart by phone
    ]
    parsed = read(write_csv(tmp_path / "guests.csv", rows))
    assert parsed.errors == []
    assert [g.row for g in parsed.rows] == [2, 3, 6, 7, 8]
    assert parsed.duplicates == [
        Duplicate(4, 2, "name_organisation", "张伟"),
        Duplicate(5, 2, "phone", "王芳"),
    ]


def test_rows_with_errors_take_no_part_in_duplicates(tmp_path):
    rows = [["姓名", "手机", "邮箱"], ["张伟", "13800138000", "bad"], ["张伟", "13800138000", ""]]
    parsed = read(write_csv(tmp_path / "guests.csv", rows))
    assert [p.row for p in parsed.errors] == [2]
    assert [g.row for g in parsed.rows] == [3]
    assert parsed.duplicates == []


# --- whole-file problems and hostile input ----------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"", b"   \r\n\r\n", b"\xef\xbb\xbf", "姓名,单位\n".encode(), "姓名\n\n,\n".encode()],
)
def test_empty_files(tmp_path, content):
    path = tmp_path / "guests.csv"
    path.write_bytes(content)
    with pytest.raises(GuestFileError, match="没有嘉宾"):
        read(path)


def test_missing_file(tmp_path):
    with pytest.raises(GuestFileError, match="无法读取"):
        read(tmp_path / "nowhere.csv")


def test_a_folder_is_not_a_file(tmp_path):
    with pytest.raises(GuestFileError):
        read(tmp_path)


def test_a_huge_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.write("姓名\n".encode())
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(GuestFileError, match="太大"):
        read(path)


def test_too_many_rows(tmp_path, monkeypatch):
    monkeypatch.setattr(guest_file, "MAX_ROWS", 5)
    path = write_csv(tmp_path / "guests.csv", [["姓名"], *[[f"张{i}"] for i in range(6)]])
    with pytest.raises(GuestFileError, match="超过 5 行"):
        read(path)


def test_an_old_xls_file(tmp_path):
    path = tmp_path / "guests.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000))
    with pytest.raises(GuestFileError, match=r"\.xls"):
        read(path)


def test_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "guests.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(GuestFileError, match="Excel"):
        read(path)


def test_a_damaged_workbook(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", [ZH_HEADINGS, *GUESTS]).read_bytes()
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(good[: len(good) // 2])
    with pytest.raises(GuestFileError):
        read(damaged)
    with zipfile.ZipFile(tmp_path / "junk.xlsx", "w") as archive:
        archive.writestr("xl/workbook.xml", "<not really a workbook")
    with pytest.raises(GuestFileError):
        read(tmp_path / "junk.xlsx")


def test_binary_garbage(tmp_path):
    import random

    path = tmp_path / "guests.csv"
    path.write_bytes(random.Random(7).randbytes(200_000))
    with pytest.raises(GuestFileError, match="既不是 CSV 文件"):
        read(path)
    pdf = tmp_path / "guests.pdf"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + random.Random(8).randbytes(5000))
    with pytest.raises(GuestFileError, match="既不是 CSV 文件"):
        read(pdf)


def test_a_cell_bigger_than_any_guest_needs(tmp_path):
    path = tmp_path / "guests.csv"
    path.write_text('姓名,备注\n张伟,"' + "x" * 300_000 + '"\n', encoding="utf-8")
    with pytest.raises(GuestFileError, match="CSV"):
        read(path)


def test_progress_reaches_the_end(tmp_path):
    seen: list[tuple[int, int]] = []
    path = write_csv(tmp_path / "guests.csv", [["姓名"], *[[f"嘉宾{i}"] for i in range(5000)]])
    read_guest_file(path, progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 5000)
    assert seen[-1] == (5000, 5000)
    assert [done for done, _total in seen] == sorted(done for done, _total in seen)


def test_workbook_progress_uses_the_size_the_sheet_declares(tmp_path):
    seen: list[tuple[int, int]] = []
    path = write_xlsx(tmp_path / "guests.xlsx", [["姓名"], *[[f"嘉宾{i}"] for i in range(4500)]])
    parsed = read_guest_file(path, progress=lambda done, total: seen.append((done, total)))
    assert len(parsed.rows) == 4500
    assert seen == [(0, 4500), (2000, 4500), (4000, 4500), (4500, 4500)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.one_of(
    st.binary(max_size=2000),
    st.binary(max_size=2000).map(lambda b: b"PK\x03\x04" + b),
    st.binary(max_size=2000).map(lambda b: "姓名,手机,类别\n".encode() + b),
    st.binary(max_size=2000).map(lambda b: b"\xff\xfe" + b),
    st.text(max_size=500).map(lambda t: ("姓名,单位,手机,票号,邮箱\n" + t).encode("utf-8")),
))  # fmt: skip
def test_arbitrary_bytes_never_raise_anything_but_guest_file_error(tmp_path, content):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(content)
    try:
        parsed = read_guest_file(path)
    except GuestFileError as error:
        assert str(error)
    else:
        assert all(problem.message for problem in parsed.errors)
        assert all(row.name for row in parsed.rows)


_cells = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), max_size=80),
    st.integers(min_value=-(10**18), max_value=10**18),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(_cells, max_size=10), max_size=12))
def test_arbitrary_workbook_cells_never_raise_anything_but_guest_file_error(tmp_path, rows):
    path = write_xlsx(tmp_path / "fuzz.xlsx", [ZH_HEADINGS, *rows])
    try:
        parsed = read_guest_file(path)
    except GuestFileError as error:
        assert str(error)
    else:
        assert all(problem.message for problem in parsed.errors)
        assert all("e+" not in row.phone and "e+" not in row.plain_code for row in parsed.rows)


# --- the catalogues ---------------------------------------------------------------------------------


def _marked_messages() -> set[str]:
    import ast

    import kiosk.core.demo_data
    import kiosk.core.guest_fields

    found = set()
    for module in (guest_file, kiosk.core.guest_fields, kiosk.core.demo_data):
        for node in ast.walk(ast.parse(Path(module.__file__).read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "N_")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.add(node.args[0].value)
    return found


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_message_is_in_the_import_catalogue(locale):
    import string

    from babel.messages.pofile import read_po

    from kiosk.paths import resource

    with resource("locale", locale, "LC_MESSAGES", "import.po").open("rb") as po:
        catalogue = {message.id: message.string for message in read_po(po, locale=locale) if message.id}
    marked = _marked_messages()
    assert marked <= set(catalogue)
    for message in marked:
        assert catalogue[message]
        fields = {name for _text, name, _spec, _conv in string.Formatter().parse(message) if name}
        assert {name for _text, name, _spec, _conv in string.Formatter().parse(catalogue[message]) if name} == fields
        if locale == "en":
            assert catalogue[message] == message


def test_the_content_decides_not_the_file_name(tmp_path):
    csv_named_xlsx = write_csv(tmp_path / "名单.xlsx", [ZH_HEADINGS, *GUESTS])
    assert read(csv_named_xlsx).rows == EXPECTED
    workbook_named_csv = write_xlsx(tmp_path / "guests.xlsx", [ZH_HEADINGS, *GUESTS]).rename(tmp_path / "guests.csv")
    assert read(workbook_named_csv).encoding == "xlsx"
