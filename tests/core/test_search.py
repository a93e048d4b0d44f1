"""Search at the desk: names (two characters too), pinyin, initials, organisation, phone tail, ranked."""

from __future__ import annotations

from kiosk.core.search import search
from tests.helpers.desks import add_guest


def names(query: str) -> list[str]:
    return [guest.name for guest in search(query)]


def test_search_finds_by_every_key(desk):
    add_guest(desk, name="张伟", organisation="胜利油田", phone="13811112222")
    add_guest(desk, name="张伟明", organisation="东营日报", phone="13811113333")
    add_guest(desk, name="周文", organisation="杰瑞股份", phone="13811114444")
    add_guest(desk, name="单雄", organisation="河口区人民政府", phone="13811115555")
    add_guest(desk, name="曾小明", organisation="中国石油大学（华东）", phone="13811116666")
    add_guest(desk, name="王芳", organisation="中国石油大学（华东）", phone="13811117777")
    add_guest(desk, name="Anna Fitzgerald-Montgomery", organisation="SLB", phone="13811118888")
    assert names("张伟")[0] == "张伟" and "张伟明" in names("张伟")  # exact first
    assert names("王芳") == ["王芳"]  # two characters
    assert set(names("zw")[:2]) == {"张伟", "周文"}
    assert names("zhangwei")[0] == "张伟"
    assert names("zhang wei")[0] == "张伟"
    assert names("shanxiong") == ["单雄"]  # 单 read as a surname
    assert names("zengxiaoming") == ["曾小明"]
    assert set(names("石油")) == {"曾小明", "王芳"}  # organisation substring
    assert names("7777") == ["王芳"]  # phone tail
    assert names("montgomery") == ["Anna Fitzgerald-Montgomery"]
    assert names("ＺＷ")[:2] == names("zw")[:2]  # full width from an IME


def test_hostile_queries_match_nothing_odd(desk):
    add_guest(desk, name="王芳")
    for query in ["*", "?", "[a-z]*", "' OR 1=1 --", "", "   ", "%", "\x00"]:
        assert names(query) in ([], ["王芳"]) and len(search(query)) <= 1
    assert names("*") == []
