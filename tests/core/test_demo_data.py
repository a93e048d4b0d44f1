"""The demo event: counts, speakers, determinism, unique phones, the date, and a clean import."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date

import pytest

from kiosk.categories import CATEGORIES
from kiosk.core.demo_data import (
    COMMON_NAMES,
    SPEAKERS,
    VIP_NOTE,
    category_counts,
    demo_event,
    next_june_30,
)
from kiosk.core.guest_file import read_guest_file

TODAY = date(2026, 3, 1)


@pytest.fixture(scope="module")
def event():
    return demo_event(TODAY)


def test_the_forum(event):
    assert event.name == "黄河三角洲高端油服产业技术创新发展论坛"
    assert "河口区" in event.venue
    assert event.timezone == "Asia/Shanghai"
    assert event.date == date(2026, 6, 30)
    assert len(event.guests) == 300


def test_sessions(event):
    main, expo = event.sessions
    assert (main.code, main.name, main.categories) == ("MAIN", "主论坛", CATEGORIES)
    assert (expo.code, expo.name) == ("EXPO", "成果交流会")
    assert set(expo.categories) == {"expert", "academic", "enterprise", "government", "media", "staff"}
    for session in event.sessions:
        assert session.starts < session.ends
        assert len(session.starts) == len(session.ends) == 5


@pytest.mark.parametrize(
    ("today", "forum"),
    [
        (date(2026, 1, 1), date(2026, 6, 30)),
        (date(2026, 6, 29), date(2026, 6, 30)),
        (date(2026, 6, 30), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2027, 6, 30)),
        (date(2026, 12, 31), date(2027, 6, 30)),
        (date(2028, 2, 29), date(2028, 6, 30)),
    ],
)
def test_the_date_is_the_next_30_june(today, forum):
    assert next_june_30(today) == forum
    assert demo_event(today, guests=10).date == forum


def test_counts_by_category(event):
    counts = Counter(guest.category for guest in event.guests)
    assert counts == category_counts(300)
    assert set(counts) == set(CATEGORIES)
    assert counts["enterprise"] == max(counts.values())
    assert counts["expert"] >= SPEAKERS


@pytest.mark.parametrize("guests", [10, 11, 13, 50, 300, 3000, 12_345])
def test_counts_always_add_up(guests):
    counts = category_counts(guests)
    assert sum(counts.values()) == guests
    assert counts["expert"] >= SPEAKERS
    assert all(count >= 0 for count in counts.values())
    if guests >= 50:
        assert all(counts[category] > 0 for category in CATEGORIES)


def test_seven_keynote_speakers(event):
    speakers = [guest for guest in event.guests if guest.note.startswith("主旨演讲嘉宾")]
    assert len(speakers) == SPEAKERS == 7
    assert speakers == list(event.guests[:SPEAKERS])
    assert all(guest.category == "expert" for guest in speakers)
    assert "主旨演讲嘉宾：请引导至前排就座" in {guest.note for guest in speakers}
    assert any(guest.name.isascii() for guest in speakers)  # an expert from abroad among them


def test_a_few_vips(event):
    vips = [guest for guest in event.guests if guest.note == VIP_NOTE]
    assert 1 <= len(vips) <= 30
    assert {guest.category for guest in vips} <= {"expert", "government", "enterprise", "academic", "guest"}


def test_deterministic_for_a_seed():
    assert demo_event(TODAY, guests=500, seed=7) == demo_event(TODAY, guests=500, seed=7)
    assert demo_event(TODAY, guests=500, seed=7) != demo_event(TODAY, guests=500, seed=8)


@pytest.mark.parametrize("guests", [10, 300, 20_000])
def test_phones_are_unique_chinese_mobiles(guests):
    phones = [guest.phone for guest in demo_event(TODAY, guests=guests).guests]
    assert len(set(phones)) == guests
    assert all(len(phone) == 11 and phone.isdigit() and phone.startswith("1") for phone in phones)


def test_guests_look_real():
    guests = demo_event(TODAY, guests=3000).guests
    names = Counter(guest.name for guest in guests)
    assert any(names[name] > 1 for name in COMMON_NAMES)  # namesakes the desk must tell apart
    assert len({(guest.name, guest.organisation) for guest in guests}) == len(guests)
    chinese = [name for name in names if not name.isascii()]
    assert {len(name) for name in chinese} >= {2, 3}
    assert {name[0] for name in chinese} & set("单曾解区仇查")  # surnames read unusually
    organisations = {guest.organisation for guest in guests}
    assert {"中国石油大学（华东）", "河口区人民政府", "东营日报"} <= organisations
    assert any("采油厂" in organisation for organisation in organisations)
    titles = {guest.category: set() for guest in guests}
    for guest in guests:
        titles[guest.category].add(guest.title)
    assert "记者" in titles["media"]
    assert "教授" in titles["academic"]
    emails = [guest.email for guest in guests if guest.email]
    assert 0.2 * len(guests) < len(emails) < 0.8 * len(guests)
    assert len(set(emails)) == len(emails)
    codes = [guest.plain_code for guest in guests if guest.plain_code]
    assert 0.1 * len(guests) < len(codes) < 0.6 * len(guests)
    assert len(set(codes)) == len(codes)
    assert not any(code.upper().startswith("FK") for code in codes)


def test_too_few_guests():
    with pytest.raises(ValueError):
        demo_event(TODAY, guests=9)


def test_the_demo_guests_import_cleanly(tmp_path):
    # Written as an organiser would send them, the demo guests pass every check of the reader.
    event = demo_event(TODAY, guests=2000, seed=3)
    path = tmp_path / "demo.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["姓名", "单位", "职务", "手机", "类别", "邮箱", "票号", "备注"])
        for guest in event.guests:
            writer.writerow(
                [guest.name, guest.organisation, guest.title, guest.phone, guest.category, guest.email,
                 guest.plain_code, guest.note]
            )  # fmt: skip
    parsed = read_guest_file(path)
    assert parsed.errors == []
    assert parsed.duplicates == []
    assert [(row.name, row.phone, row.category) for row in parsed.rows] == [
        (guest.name, guest.phone, guest.category) for guest in event.guests
    ]
