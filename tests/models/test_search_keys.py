"""Search keys: what the desk types must find the guest by prefix (GLOB 'q*'), and nothing more."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.models.search_keys import (
    RANK_CODE,
    RANK_GIVEN,
    RANK_INITIALS,
    RANK_NAME,
    RANK_NAME_PINYIN,
    RANK_ORGANISATION,
    RANK_PHONE,
    guest_keys,
    is_phone_tail,
    normalise,
    organisation_keys,
    pinyin_sort_key,
    query_key,
)

GLOB_META = set("*?[]")


def keys_of(name: str, **kw: str) -> dict[str, int]:
    pairs = guest_keys(name, **kw)
    keys = dict(pairs)
    assert len(keys) == len(pairs), "each key once"
    return keys


def pinyin_keys_in_order(name: str) -> list[str]:
    return [k for k, r in guest_keys(name) if r == RANK_NAME_PINYIN]


def finds(keys: dict[str, int] | list[str], query: str) -> bool:
    q = query_key(query)
    return bool(q) and any(k.startswith(q) for k in keys)


class Lookup:
    """The lead's lookup, in miniature: SQLite GLOB over the keys, best rank per guest."""

    def __init__(self) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE TABLE search_key(key TEXT, guest_id TEXT, rank INT)")
        self.db.execute("CREATE INDEX search_key_key_rank ON search_key(key, rank)")

    def add(self, guest_id: str, *args: str) -> None:
        self.db.executemany("INSERT INTO search_key VALUES (?, ?, ?)", [(k, guest_id, r) for k, r in guest_keys(*args)])

    def find(self, query: str) -> list[str]:
        q = query_key(query)
        if not q:
            return []
        rows = self.db.execute(
            "SELECT guest_id, MIN(key <> ?), MIN(rank) FROM search_key WHERE key GLOB ? "
            "GROUP BY guest_id ORDER BY 2, 3, 1",
            (q, q + "*"),
        )
        return [r[0] for r in rows]


# --- Chinese names ---------------------------------------------------------------------------------


def test_zhang_wei_by_name_pinyin_and_initials() -> None:
    keys = keys_of("张伟")
    assert keys["张伟"] == RANK_NAME
    assert keys["zhangwei"] == RANK_NAME_PINYIN
    assert keys["zw"] == RANK_INITIALS
    assert keys["伟"] == RANK_GIVEN
    assert keys["wei"] == RANK_GIVEN
    assert "zw".startswith(query_key("zw"))
    for query in ("zw", "zhangwei", "zhang wei", "ZHANG WEI", "zhangw", "张伟", "张", "张 伟", "ｚｈａｎｇ"):
        assert finds(keys, query), query


def test_two_character_name() -> None:
    keys = keys_of("王芳")
    assert keys["王芳"] == RANK_NAME
    assert keys["wangfang"] == RANK_NAME_PINYIN
    assert keys["wf"] == RANK_INITIALS
    assert keys["芳"] == RANK_GIVEN
    assert keys["fang"] == RANK_GIVEN


def test_polyphonic_surname_read_as_surname_first_other_readings_kept() -> None:
    readings = pinyin_keys_in_order("单雄")
    assert readings[0] == "shanxiong"
    assert "danxiong" in readings
    assert "chanxiong" in readings
    assert keys_of("单雄")["sx"] == RANK_INITIALS


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("曾国藩", "zengguofan"),
        ("解缙", "xiejin"),
        ("区志", "ouzhi"),
        ("仇英", "qiuying"),
        ("朴槿惠", "piaojinhui"),
        ("查良镛", "zhaliangyong"),
        ("盖聂", "genie"),
        ("乐嘉", "yuejia"),
        ("覃军", "qinjun"),
        ("尉缭", "yuliao"),
        ("繁钦", "poqin"),
        ("尉迟恭", "yuchigong"),
        ("万俟卨", "moqixie"),
        ("令狐冲", "linghuchong"),
        ("长孙无忌", "zhangsunwuji"),
        ("单于飞", "chanyufei"),
    ],
)
def test_surname_reading_comes_first(name: str, first: str) -> None:
    assert pinyin_keys_in_order(name)[0] == first


def test_zeng_also_as_ceng() -> None:
    keys = keys_of("曾国藩")
    assert keys["zengguofan"] == RANK_NAME_PINYIN
    assert "cengguofan" in keys
    assert keys["zgf"] == RANK_INITIALS


def test_compound_surname_given_name_is_what_follows() -> None:
    keys = keys_of("欧阳修")
    assert keys["ouyangxiu"] == RANK_NAME_PINYIN
    assert keys["oyx"] == RANK_INITIALS
    assert keys["修"] == RANK_GIVEN
    assert keys["xiu"] == RANK_GIVEN
    assert "阳修" not in keys
    assert keys_of("诸葛亮")["亮"] == RANK_GIVEN
    assert keys_of("司马相如")["相如"] == RANK_GIVEN


def test_two_character_name_with_compound_surname_characters_is_surname_plus_given() -> None:
    # 东方 as a whole name is 东 + 方, not a surname with nothing after it.
    assert keys_of("东方")["方"] == RANK_GIVEN


def test_reading_combinations_are_capped() -> None:
    # Nine polyphonic characters would give thousands of combinations.
    readings = pinyin_keys_in_order("单曾解区仇朴查盖乐")
    assert 1 <= len(readings) <= 16
    assert readings[0].startswith("shan")


def test_name_typed_with_space_or_full_width_space() -> None:
    assert keys_of("张 伟") == keys_of("张伟")
    assert "zhangwei" in keys_of("张\u3000伟")


def test_u_umlaut_syllables_typed_as_v_or_u() -> None:
    keys = keys_of("吕布")
    assert "lvbu" in keys
    assert "lubu" in keys


def test_transliterated_name_with_middle_dot() -> None:
    keys = keys_of("迈克尔·杰克逊")
    assert keys["迈克尔杰克逊"] == RANK_NAME
    assert keys["杰克逊"] == RANK_GIVEN
    assert keys["jiekexun"] == RANK_GIVEN
    assert finds(keys, "迈克尔·杰克逊")
    assert finds(keys, "迈克尔•杰克逊")


# --- Latin and mixed names ----------------------------------------------------------------------------


def test_latin_name_words_and_whole() -> None:
    keys = keys_of("David Smith")
    assert keys["davidsmith"] == RANK_NAME
    assert keys["david"] == RANK_GIVEN
    assert keys["smith"] == RANK_GIVEN
    for query in ("david", "Smith", "david smith", "DAVID", "smi"):
        assert finds(keys, query), query


def test_hyphenated_name_whole_and_parts() -> None:
    keys = keys_of("Mary Fitzgerald-Montgomery")
    assert keys["maryfitzgeraldmontgomery"] == RANK_NAME
    assert keys["fitzgeraldmontgomery"] == RANK_GIVEN
    assert keys["fitzgerald"] == RANK_GIVEN
    assert keys["montgomery"] == RANK_GIVEN
    assert finds(keys, "Fitzgerald-Montgomery")
    assert finds(keys, "montgomery")


def test_apostrophes_and_diacritics() -> None:
    keys = keys_of("Seán O’Brien")
    assert finds(keys, "o'brien")
    assert finds(keys, "obrien")
    assert finds(keys, "Sean")
    assert finds(keys_of("José Müller"), "muller")


def test_romanised_chinese_name_by_initials() -> None:
    keys = keys_of("Zhang Wei")
    assert keys["zhangwei"] == RANK_NAME
    assert finds(keys, "zw")


def test_mixed_name() -> None:
    keys = keys_of("李 David")
    assert finds(keys, "李")
    assert finds(keys, "david")
    assert finds(keys, "li")


# --- phone, code, organisation ------------------------------------------------------------------------


def test_phone_tail_and_full_number() -> None:
    keys = keys_of("张伟", phone="+86 138-0013-8000")
    assert keys["8000"] == RANK_PHONE
    assert keys["8613800138000"] == RANK_PHONE
    assert keys["13800138000"] == RANK_PHONE
    assert finds(keys, "8000")
    assert finds(keys, "138 0013 8000")
    assert keys_of("张伟", phone="１３８００１３８０００")["8000"] == RANK_PHONE


def test_short_phone_gives_no_key() -> None:
    assert not [k for k, r in guest_keys("张伟", phone="12-3") if r == RANK_PHONE]


def test_is_phone_tail() -> None:
    assert is_phone_tail("8000")
    assert is_phone_tail("138-0013")
    assert is_phone_tail("８０００")
    assert not is_phone_tail("800")
    assert not is_phone_tail("zw8000")
    assert not is_phone_tail("")


def test_plain_code_and_organisation_in_guest_keys() -> None:
    keys = keys_of("张伟", organisation="中国石油大学（华东）", plain_code="AB-1234")
    assert keys["ab1234"] == RANK_CODE
    assert keys["中国石油大学华东"] == RANK_ORGANISATION
    # Substrings of organisations live in org_key, not here.
    assert "石油大学华东" not in keys


def test_organisation_substring_and_brackets_of_both_widths() -> None:
    keys = organisation_keys("中国石油大学（华东）")
    assert finds(keys, "石油")
    assert finds(keys, "石油大学(华东)")
    assert finds(keys, "华东")
    assert organisation_keys("中国石油大学(华东)") == keys
    assert all(len(k) <= 40 for k in keys)
    assert len(keys) == len(set(keys))


def test_organisation_initials_find_a_run_of_initials() -> None:
    keys = organisation_keys("中国石油大学（华东）")
    assert "zgsydxhd" in keys
    assert finds(keys, "sydx")
    assert "sydx" in [k[:4] for k in organisation_keys("石油大学")]


def test_long_organisation_suffixes_are_capped() -> None:
    org = "中华人民共和国国家发展和改革委员会能源研究所" * 3
    keys = organisation_keys(org)
    assert all(0 < len(k) <= 40 for k in keys)
    assert finds(keys, "能源研究所")


def test_organisation_without_searchable_text() -> None:
    assert organisation_keys("") == []
    assert organisation_keys("（）·- ") == []


# --- queries ------------------------------------------------------------------------------------------


def test_normalise_width_case_whitespace_punctuation() -> None:
    assert normalise("ＡＢＣ　１２３") == "abc123"
    assert normalise("Zhang·Wei") == "zhangwei"
    assert normalise("中国石油大学（华东）") == normalise("中国石油大学(华东)") == "中国石油大学华东"
    assert normalise("O’Brien-Smith") == "obriensmith"
    assert normalise("  ") == ""


@pytest.mark.parametrize("query", ["*", "?", "[a-z]", "[", "]", "***", "[]", "?*", " ", "", "·—（）"])
def test_glob_metacharacters_never_match_everything(query: str) -> None:
    q = query_key(query)
    assert not (GLOB_META & set(q))
    assert q in ("", "az")


def test_sql_looking_input_is_harmless_text() -> None:
    q = query_key("' OR 1=1 --")
    assert q == "or11"
    assert query_key("张'; DROP TABLE guest; --") == "张droptableguest"


def test_lookup_through_sqlite_glob() -> None:
    lookup = Lookup()
    lookup.add("g1", "张伟", "中国石油大学（华东）", "13800138000")
    lookup.add("g2", "张伟民", "清华大学", "13900139000")
    lookup.add("g3", "曾国藩", "", "")
    lookup.add("g4", "David Smith", "", "")
    assert lookup.find("张伟") == ["g1", "g2"]  # the exact match first
    assert lookup.find("zw") == ["g1", "g2"]
    assert lookup.find("zwm") == ["g2"]
    assert lookup.find("zeng") == ["g3"]
    assert lookup.find("8000") == ["g1"]
    assert lookup.find("smith") == ["g4"]
    for hostile in ("*", "?", "[a-z]", "' OR 1=1 --", "%", "_"):
        assert lookup.find(hostile) == [], hostile


# --- sort key -----------------------------------------------------------------------------------------


def test_pinyin_sort_key_reads_surnames_as_surnames() -> None:
    assert pinyin_sort_key("曾国藩").startswith("z")
    assert pinyin_sort_key("单雄信").startswith("s")
    assert pinyin_sort_key("阿强") < pinyin_sort_key("张伟")


def test_sign_in_sheet_order() -> None:
    names = ["张伟", "曾国藩", "单雄信", "阿强", "Bob", "欧阳修", "吴敏", "Anna", "李明"]
    ordered = sorted(names, key=pinyin_sort_key)
    assert ordered == ["阿强", "Anna", "Bob", "李明", "欧阳修", "单雄信", "吴敏", "曾国藩", "张伟"]


def test_pinyin_sort_key_breaks_ties_between_homophones() -> None:
    assert pinyin_sort_key("张伟") != pinyin_sort_key("章伟")


# --- never raise, never a hostile key -----------------------------------------------------------------

_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from("*?[]^-·•.'’（）() 　张王单曾欧阳修尉迟万俟ＡＢ１２éü吕"),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(name=_TEXT, organisation=_TEXT, phone=_TEXT, code=_TEXT)
def test_guest_keys_never_raise_and_keys_are_glob_safe(name: str, organisation: str, phone: str, code: str) -> None:
    pairs = guest_keys(name, organisation, phone, code)
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys))
    for key, rank in pairs:
        assert key
        assert not (GLOB_META & set(key))
        assert not any(ch.isspace() for ch in key)
        assert RANK_NAME <= rank <= RANK_CODE
        assert normalise(key) == key  # a query equal to the key finds it


@settings(max_examples=300, deadline=None)
@given(text=_TEXT)
def test_query_key_and_organisation_keys_never_raise(text: str) -> None:
    q = query_key(text)
    assert not (GLOB_META & set(q))
    assert query_key(q) == q
    for key in organisation_keys(text):
        assert key
        assert not (GLOB_META & set(key))
    pinyin_sort_key(text)
    is_phone_tail(text)


@settings(max_examples=200, deadline=None)
@given(name=_TEXT)
def test_a_guest_is_found_by_their_own_name(name: str) -> None:
    keys = keys_of(name)
    if query_key(name):
        assert finds(keys, name)
