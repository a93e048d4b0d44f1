"""Reports open in the tools the organiser uses and their figures match the database."""

from __future__ import annotations

import csv
import subprocess

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from kiosk.core import reports, stats
from kiosk.core.agreements import AgreementService
from kiosk.core.checkin import CheckinService
from kiosk.core.guests import GuestService
from kiosk.core.issuing import IssuingService
from kiosk.models.database import db
from kiosk.models.search_keys import pinyin_sort_key


@pytest.fixture
def event_day(demo_desk):
    """The demo event after the day: 40 of 60 guests checked in, one undone, two walk-ins, agreements."""
    desk = demo_desk
    desk.station = "签到台 1"
    service = CheckinService(desk)
    codes = IssuingService(desk).all_current()
    verdicts = [service.scan(c.text, session="MAIN") for c in codes[:40]]
    service.undo(verdicts[0].checkin_id)
    service.scan(codes[1].text, session="MAIN")  # a re-entry
    guests = GuestService(desk)
    for name in ("欧阳明远", "Anna Schmidt"):
        walk_in = guests.create({"name": name, "organisation": "河口区商会", "category": "guest"}, walk_in=True)
        service.check_in_guest(walk_in.id, session="MAIN")
    return desk


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True, timeout=60).stdout.decode()


def test_attendance_totals_match_the_database(event_day, tmp_path):
    figures = stats.compute()
    data = reports.attendance(event_day)
    assert (data.expected, data.arrived, data.walk_ins) == (figures.expected, figures.arrived, 2)
    assert data.arrived == 41 and data.no_shows == figures.expected - 41
    assert sum(n for _h, n in data.by_hour) == data.arrived
    assert sum(a for _e, a, _w in data.by_category.values()) == data.arrived
    reports.write_report(event_day, "attendance", tmp_path / "a.xlsx")
    book = load_workbook(tmp_path / "a.xlsx")
    sheet = book[book.sheetnames[1]]  # arrivals by category
    rows = list(sheet.iter_rows(min_row=6, values_only=True))
    total = rows[-1]
    assert total[1:] == (figures.expected, figures.arrived, figures.expected - figures.arrived, 2)
    assert sum(r[2] for r in rows[:-1]) == figures.arrived
    assert event_day.require_event().name in [c.value for c in book[book.sheetnames[0]]["A"]]
    no_shows = book[next(n for n in book.sheetnames if "未到" in n or "No-shows" in n)]
    assert no_shows.max_row - 5 == data.no_shows

    reports.write_report(event_day, "attendance", tmp_path / "a.pdf")
    reader = PdfReader(tmp_path / "a.pdf")
    assert len(reader.pages) >= 1
    text = _pdf_text(tmp_path / "a.pdf")
    assert event_day.require_event().name in text and "签到台 1" in text
    assert f"共{len(reader.pages)}页" in text.replace(" ", "")


def test_the_sign_in_sheet_lists_everyone_by_pinyin_with_a_header_on_every_page(event_day, tmp_path):
    rows = reports.sign_in_rows(event_day)
    count = db.connection().execute("SELECT COUNT(*) FROM guest WHERE state != 'cancelled' AND stub = 0").fetchone()[0]
    assert len(rows) == count
    keys = [pinyin_sort_key(name) for name, *_rest in rows]
    assert keys == sorted(keys)
    reports.write_report(event_day, "sign-in", tmp_path / "s.pdf")
    reader = PdfReader(tmp_path / "s.pdf")
    assert len(reader.pages) >= 2
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4 portrait
    pages = _pdf_text(tmp_path / "s.pdf").split("\f")
    for number, page in enumerate(pages[: len(reader.pages)], 1):
        assert "签字" in page and "单位" in page, number  # the header row repeats
        assert f"第{number}页/共{len(reader.pages)}页" in page.replace(" ", "")
    text = "".join(pages)
    assert all(name in text for name, *_rest in rows if name.isascii() is False)
    reports.write_report(event_day, "sign-in", tmp_path / "s.xlsx")
    sheet = load_workbook(tmp_path / "s.xlsx").worksheets[-1]
    assert sheet.max_row - 5 == count
    assert sheet.print_title_rows == "$5:$5"


def test_the_agreement_register_matches(event_day, tmp_path):
    service = AgreementService(event_day)
    views = service.list()
    reports.write_report(event_day, "agreements", tmp_path / "r.xlsx")
    sheet = load_workbook(tmp_path / "r.xlsx").worksheets[-1]
    numbers = [row[0] for row in sheet.iter_rows(min_row=6, values_only=True)]
    assert numbers == [v.number for v in views] and len(numbers) == 19
    reports.write_report(event_day, "agreements", tmp_path / "r.pdf")
    reader = PdfReader(tmp_path / "r.pdf")
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    text = _pdf_text(tmp_path / "r.pdf").replace(" ", "")
    for view in views:
        assert view.number in text
    assert "原件已收回" in text


def test_the_check_in_export(event_day, tmp_path):
    live = db.connection().execute("SELECT COUNT(*) FROM checkin WHERE undone = 0").fetchone()[0]
    assert reports.export_checkins(event_day, tmp_path / "c.csv") == live
    with (tmp_path / "c.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == live and tuple(rows[0]) == reports.CHECKIN_COLUMNS
    assert sum(r["kind"] == "reentry" for r in rows) == 1
    assert sum(r["walk_in"] == "1" for r in rows) == 2
    assert rows[0]["checked_in_at"].endswith("+08:00")
    assert reports.export_checkins(event_day, tmp_path / "c.xlsx") == live
    sheet = load_workbook(tmp_path / "c.xlsx").active
    assert sheet.max_row == live + 1
    with pytest.raises(reports.UnsupportedFormat):
        reports.export_checkins(event_day, tmp_path / "c.json")
