"""Search keys for finding a guest at the desk: names, pinyin, initials, organisation, phone tail.

Pure functions, no database, no Qt. It lives in kiosk.models because the projection keeps the
search tables up to date as entries are applied (locally and from sync). The caller stores the keys of `guest_keys` in
`search_key(key, guest_id, rank)` and the keys of `organisation_keys` in `org_key(key, organisation)`,
and looks a query up by prefix: ``key GLOB query_key(q) || '*'``, best (lowest) rank per guest, exact
matches before prefix matches.

What a caller may rely on:

* every key and every non-empty `query_key` is produced by `normalise`, so it holds only letters and
  digits (`str.isalnum`, plus the combining marks of non-Latin scripts) — never whitespace,
  punctuation or a GLOB metacharacter (``* ? [ ]``);
* no key is empty; `guest_keys` gives each key once, with its best rank;
* none of these functions raises on any text.
"""

from __future__ import annotations

import heapq
import itertools
import re
import unicodedata
from functools import cache, lru_cache

from pypinyin import Style, lazy_pinyin, pinyin

RANK_NAME = 0  # the full name (normalised)
RANK_NAME_PINYIN = 1  # full pinyin of the whole name, every reading combination
RANK_INITIALS = 2  # pinyin initials of the whole name
RANK_GIVEN = 3  # the given name alone / western first names and other name words, and their pinyin
RANK_ORGANISATION = 4
RANK_PHONE = 5  # last four digits of the phone, and the full phone
RANK_CODE = 6  # the plain ticket code

MAX_READING_COMBINATIONS = 16  # per name (and per organisation for initials)
ORG_SUFFIX_MAX = 40  # org_key suffixes are cut here; a longer query should be cut to this length too
PHONE_TAIL = 4

# pypinyin (0.55) has no surname mode: its heteronym lists are ordered by everyday use, so 单 reads
# dan first, 曾 ceng, 解 jie. A surname has its own reading, which must come first (it is the one a
# guest spells out at the desk and the one the sign-in sheet sorts by). The other readings stay in
# the keys after it, because people do type them.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "单": ("shan",),
    "曾": ("zeng",),
    "解": ("xie",),
    "区": ("ou",),
    "仇": ("qiu",),
    "朴": ("piao",),
    "查": ("zha",),
    "盖": ("ge",),
    "乐": ("yue", "le"),
    "覃": ("qin",),
    "尉": ("yu",),
    "繁": ("po",),
    "翟": ("zhai",),
    "缪": ("miao",),
    "秘": ("bi",),
    "种": ("chong",),
    "重": ("chong",),
    "员": ("yun",),
    "祭": ("zhai",),
    "隗": ("wei",),
    "阚": ("kan",),
    "句": ("gou",),
    "都": ("du",),
    "能": ("nai",),
    "折": ("she",),
    "召": ("shao",),
    "薄": ("bo",),
    "洗": ("xian",),
    "长": ("chang",),
    "蕃": ("pi",),
    "角": ("jue",),
    "卜": ("bu",),
    "黑": ("he",),
}

# Two-character surnames: the given name is what follows. Readings given here are the surname
# readings (万俟 is moqi, not wansi); the per-character readings follow as alternatives.
COMPOUND_SURNAMES: dict[str, tuple[str, ...]] = {
    "欧阳": ("ou", "yang"),
    "司马": ("si", "ma"),
    "诸葛": ("zhu", "ge"),
    "上官": ("shang", "guan"),
    "司徒": ("si", "tu"),
    "东方": ("dong", "fang"),
    "皇甫": ("huang", "fu"),
    "尉迟": ("yu", "chi"),
    "公孙": ("gong", "sun"),
    "慕容": ("mu", "rong"),
    "长孙": ("zhang", "sun"),
    "宇文": ("yu", "wen"),
    "夏侯": ("xia", "hou"),
    "令狐": ("ling", "hu"),
    "万俟": ("mo", "qi"),
    "单于": ("chan", "yu"),
    "端木": ("duan", "mu"),
    "澹台": ("tan", "tai"),
    "公冶": ("gong", "ye"),
    "宗政": ("zong", "zheng"),
    "濮阳": ("pu", "yang"),
    "淳于": ("chun", "yu"),
    "太叔": ("tai", "shu"),
    "申屠": ("shen", "tu"),
    "轩辕": ("xuan", "yuan"),
    "钟离": ("zhong", "li"),
    "闾丘": ("lv", "qiu"),
    "呼延": ("hu", "yan"),
    "南宫": ("nan", "gong"),
    "西门": ("xi", "men"),
    "百里": ("bai", "li"),
    "拓跋": ("tuo", "ba"),
    "赫连": ("he", "lian"),
    "完颜": ("wan", "yan"),
}

# Separators inside transliterated names (迈克尔·杰克逊, 阿沛·阿旺晋美): the parts are names in their
# own right and the first character is not a surname.
_TRANSLITERATION_DOTS = frozenset("·•‧・.")

_HAN_RE = re.compile(r"[\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_HAN_ONLY_RE = re.compile(r"[\u4e00-\u9fff]+")  # NFKC-stable, so such a name is already normalised
_RUN_RE = re.compile(f"(?:{_HAN_RE.pattern})+|(?:(?!{_HAN_RE.pattern}).)+")
_WORD_SPLIT_RE = re.compile(r"[^\w]+|_+")
_ASCII_DIGITS = frozenset("0123456789")
_NON_DIGIT_RE = re.compile(r"[^0-9]+")

# A Reading is (full pinyin, initials) of one unit: a character, or a compound surname.
Reading = tuple[str, str]


def _is_han(ch: str) -> bool:
    return _HAN_RE.match(ch) is not None


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """NFKC, case-folded, Latin diacritics dropped, only letters and digits kept.

    Whitespace, punctuation (·•.-'’, brackets of both widths, ...), symbols and GLOB metacharacters
    all go; CJK, letters and digits stay. Used for keys and queries alike.
    """
    if not isinstance(text, str) or not text:
        return ""
    # NFKC again after case folding, as Unicode's NFKC_Casefold does: folding can un-normalise (ΐ).
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    if text.isascii():
        return "".join(ch for ch in text if ch.isalnum())
    out: list[str] = []
    # NFD splits é into e + a combining accent; the accent is dropped only after a Latin base letter,
    # so Japanese voicing marks (が) and Hangul syllables survive the round trip through NFC.
    for ch in unicodedata.normalize("NFD", text):
        if ch.isalnum() or (out and unicodedata.combining(ch) and ord(out[-1]) >= 0x250):
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


@cache
def _char_readings(ch: str) -> tuple[str, ...]:
    """Every toneless reading of one Han character, commonest first; ü also spelt as both v and u."""
    try:
        found = pinyin(ch, style=Style.NORMAL, heteronym=True, errors="ignore")
    except Exception:  # pypinyin on a character it does not know: the character is its own key
        found = []
    readings: list[str] = []
    for group in found:
        for r in group:
            if r and r.isascii() and r.isalpha() and r not in readings:
                readings.append(r)
    for r in list(readings):
        if "v" in r and r.replace("v", "u") not in readings:
            readings.append(r.replace("v", "u"))  # 吕: people type lv and lu
    return tuple(readings) or (ch,)


@cache
def _char_units(ch: str) -> tuple[Reading, ...]:
    return tuple((r, r[0]) for r in _char_readings(ch))


@cache
def _surname_units(surname: str) -> tuple[Reading, ...]:
    """Readings of a surname (one or two characters), the surname reading first."""
    if len(surname) == 1:
        first = SURNAME_READINGS.get(surname, ())
        readings = list(first) + [r for r in _char_readings(surname) if r not in first]
        return tuple((r, r[0]) for r in readings)
    syllables = COMPOUND_SURNAMES[surname]
    units: list[Reading] = [("".join(syllables), "".join(s[0] for s in syllables))]
    for combo in itertools.islice(itertools.product(*(_char_units(c) for c in surname)), 8):
        unit = ("".join(u[0] for u in combo), "".join(u[1] for u in combo))
        if unit not in units:
            units.append(unit)
        if len(units) >= 4:
            break
    return tuple(units)


def _combinations(units: list[tuple[Reading, ...]], cap: int) -> list[Reading]:
    """Joined readings, at most `cap`, the all-first-readings combination first.

    When the full product is too big, combinations are taken best-first by the sum of reading
    indices, so every unit's likelier readings are covered before a rare one.
    """
    if not units:
        return []
    size = 1
    for u in units:
        size *= len(u)
    if size <= cap:
        return [("".join(r[0] for r in combo), "".join(r[1] for r in combo)) for combo in itertools.product(*units)]
    start = (0,) * len(units)
    heap = [(0, start)]
    seen = {start}
    result: list[Reading] = []
    while heap and len(result) < cap:
        total, idx = heapq.heappop(heap)
        result.append(
            (
                "".join(units[i][j][0] for i, j in enumerate(idx)),
                "".join(units[i][j][1] for i, j in enumerate(idx)),
            )
        )
        for i, j in enumerate(idx):
            if j + 1 < len(units[i]):
                nxt = (*idx[:i], j + 1, *idx[i + 1 :])
                if nxt not in seen:
                    seen.add(nxt)
                    heapq.heappush(heap, (total + 1, nxt))
    return result


def _split_surname(han: str) -> tuple[str, str]:
    """(surname, given name) of a Chinese name written without separators."""
    if len(han) >= 3 and han[:2] in COMPOUND_SURNAMES:
        return han[:2], han[2:]
    return han[:1], han[1:]


@lru_cache(maxsize=65536)
def _given_combinations(given: str) -> tuple[Reading, ...]:
    # Given names repeat far more often than whole names, so this cache still hits on a list of
    # mostly distinct guests.
    return tuple(_combinations([_char_units(c) for c in given], MAX_READING_COMBINATIONS))


@lru_cache(maxsize=16384)
def _chinese_name_keys(han: str) -> tuple[tuple[str, int], ...]:
    """Keys of a Chinese name (Han characters only, no separators), the name itself first.

    Each key once, with its best rank.
    """
    surname, given = _split_surname(han)
    surname_units = _surname_units(surname)
    # Ranks are added in increasing order, so setdefault keeps each key's best rank.
    keys: dict[str, int] = {han: RANK_NAME}
    if not given:
        for full, _ in surname_units:
            keys.setdefault(full, RANK_NAME_PINYIN)
        return tuple(keys.items())
    given_combos = _given_combinations(given)
    if len(surname_units) * len(given_combos) <= MAX_READING_COMBINATIONS:
        combos = [(sf + gf, si + gi) for sf, si in surname_units for gf, gi in given_combos]
    else:
        units = [surname_units] + [_char_units(c) for c in given]
        combos = _combinations(units, MAX_READING_COMBINATIONS)
    for full, _ in combos:
        keys.setdefault(full, RANK_NAME_PINYIN)
    for _, initials in combos:
        keys.setdefault(initials, RANK_INITIALS)
    keys.setdefault(given, RANK_GIVEN)
    # The given name alone in its commonest reading only: every reading is already in the full-name
    # keys above, and each extra key here costs every import (a 100,000-guest list has ~1.1 M keys).
    for full, initials in given_combos[:1]:
        keys.setdefault(full, RANK_GIVEN)
        if len(given) >= 2:
            keys.setdefault(initials, RANK_GIVEN)
    return tuple(keys.items())


def _han_word_keys(word: str) -> list[tuple[str, int]]:
    """Keys of one part of a transliterated name (杰克逊 of 迈克尔·杰克逊): no surname reading."""
    keys: list[tuple[str, int]] = [(word, RANK_GIVEN)]
    for full, initials in _combinations([_char_units(c) for c in word], MAX_READING_COMBINATIONS):
        keys.append((full, RANK_GIVEN))
        if len(word) >= 2:
            keys.append((initials, RANK_GIVEN))
    return keys


def _words(text: str) -> list[str]:
    """Name words: split at whitespace and punctuation, then normalised; empty words dropped."""
    text = unicodedata.normalize("NFKC", text)
    return [w for w in (normalise(p) for p in _WORD_SPLIT_RE.split(text)) if w]


def _name_keys(name: str, keys: dict[str, int]) -> None:
    whole = normalise(name)
    if not whole:
        return
    _add(keys, whole, RANK_NAME)
    if all(_is_han(ch) for ch in whole) and not any(ch in _TRANSLITERATION_DOTS for ch in name):
        # The common case: a Chinese name, perhaps typed with a space (张 伟).
        for key, rank in _chinese_name_keys(whole[:32]):
            _add(keys, key, rank)
        return
    transliterated = any(ch in _TRANSLITERATION_DOTS for ch in name) and any(_is_han(ch) for ch in whole)
    latin_words: list[str] = []
    han_words: list[str] = []
    for word in _words(name)[:16]:
        # A word may mix scripts (李David): its Han and non-Han runs are handled apart.
        runs = _RUN_RE.findall(word)
        for run in runs:
            (han_words if _is_han(run[0]) else latin_words).append(run)
        if len(runs) > 1:
            _add(keys, word, RANK_GIVEN)
    if han_words:
        if transliterated:
            units = [_char_units(c) for c in "".join(han_words)[:32]]
            for full, initials in _combinations(units, MAX_READING_COMBINATIONS):
                _add(keys, full, RANK_NAME_PINYIN)
                _add(keys, initials, RANK_INITIALS)
            for word in han_words:
                for key, rank in _han_word_keys(word[:32]):
                    _add(keys, key, rank)
        else:
            chinese = "".join(han_words)[:32]
            _add(keys, chinese, RANK_NAME)
            for key, rank in _chinese_name_keys(chinese):
                _add(keys, key, rank)
    if latin_words:
        for word in latin_words:
            _add(keys, word, RANK_GIVEN)
        # Each word start (ronaldsmith of John Ronald Smith), the hyphenated whole
        # (fitzgeraldmontgomery of Mary Fitzgerald-Montgomery), and the initials (zw of Zhang Wei).
        for part in name.split():
            _add(keys, normalise(part), RANK_GIVEN)
        for i in range(1, len(latin_words)):
            _add(keys, "".join(latin_words[i:]), RANK_GIVEN)
        if 2 <= len(latin_words) <= 6:
            _add(keys, "".join(w[0] for w in latin_words), RANK_INITIALS)


def _add(keys: dict[str, int], key: str, rank: int) -> None:
    if key and (key not in keys or rank < keys[key]):
        keys[key] = rank


def phone_digits(phone: str) -> str:
    """The ASCII digits of a phone number (full-width digits count), in order."""
    if not isinstance(phone, str) or not phone:
        return ""
    if not phone.isascii():
        phone = unicodedata.normalize("NFKC", phone)
    return _NON_DIGIT_RE.sub("", phone)


def guest_keys(name: str, organisation: str = "", phone: str = "", plain_code: str = "") -> list[tuple[str, int]]:
    """(key, rank) pairs for one guest: each key once, with its best rank; no empty key.

    The organisation contributes its whole normalised text (RANK_ORGANISATION) so a prefix finds it
    here too; substrings of organisations are served by `organisation_keys` instead.
    """
    keys: dict[str, int] = {}
    try:
        if name and 2 <= len(name) <= 4 and _HAN_ONLY_RE.fullmatch(name):
            keys = dict(_chinese_name_keys(name))  # the usual case: a plain Chinese name
        elif name:
            _name_keys(name, keys)
        if organisation:
            _add(keys, normalise(organisation)[:ORG_SUFFIX_MAX], RANK_ORGANISATION)
        if phone:
            digits = phone_digits(phone)
            if len(digits) >= PHONE_TAIL:
                _add(keys, digits[-PHONE_TAIL:], RANK_PHONE)
                _add(keys, digits, RANK_PHONE)
                # +86 138…, 0086 138…: the number as it is dialled at home is found as well.
                for prefix in ("0086", "86"):
                    if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
                        _add(keys, digits[len(prefix) :], RANK_PHONE)
                        break
        if plain_code:
            _add(keys, normalise(plain_code), RANK_CODE)
    except Exception:  # a key generator must never stop an import; a guest with fewer keys still imports
        pass
    return list(keys.items())


def organisation_keys(organisation: str) -> list[str]:
    """Keys of one organisation for `org_key`: every suffix, and every suffix of its pinyin initials.

    A prefix lookup on these finds any substring of the normalised organisation (石油 in
    中国石油大学（华东）) and any run of its initials (sydx). Suffixes are cut at ORG_SUFFIX_MAX
    characters. Initials cover at most MAX_READING_COMBINATIONS reading combinations.
    """
    try:
        org = normalise(organisation)
        if not org:
            return []
        keys: dict[str, None] = {}
        for i in range(len(org)):
            keys[org[i : i + ORG_SUFFIX_MAX]] = None
        if any(_is_han(ch) for ch in org):
            # Han characters give their initials; other letters and digits stand for themselves.
            units = [_char_units(ch) if _is_han(ch) else ((ch, ch),) for ch in org[:64]]
            for _, initials in _combinations(units, MAX_READING_COMBINATIONS):
                for i in range(len(initials)):
                    keys[initials[i : i + ORG_SUFFIX_MAX]] = None
        return [k for k in keys if k]
    except Exception:
        return []


def query_key(query: str) -> str:
    """The query as a key prefix, safe to put in front of ``*`` in a GLOB pattern.

    Normalised exactly like the keys, so only letters and digits remain: GLOB metacharacters
    (``* ? [ ]``), quotes and SQL punctuation are gone. "" when nothing searchable is left —
    the caller must then search nothing, not everything.
    """
    try:
        key = normalise(query)[:128]
    except Exception:
        return ""
    # normalise keeps only str.isalnum characters; this guard keeps the GLOB promise if it ever changes.
    return key.translate(_GLOB_DELETE)


_GLOB_DELETE = str.maketrans("", "", "*?[]")


def is_phone_tail(query: str) -> bool:
    """True for a query of four or more digits (spaces and dashes allowed), e.g. 8000 or 138-0013."""
    if not isinstance(query, str):
        return False
    key = normalise(query)
    return len(key) >= PHONE_TAIL and all(ch in _ASCII_DIGITS for ch in key)


def pinyin_sort_key(name: str) -> str:
    """Sort key for lists ordered by pinyin: 曾 under z, 单 under s, 阿 before 张, Anna near 阿.

    The surname is read as a surname; syllables are separated by spaces so 张 Wei sorts syllable by
    syllable; the normalised name breaks ties between names that read alike.
    """
    try:
        whole = normalise(name)
        if not whole:
            return ""
        if all(_is_han(ch) for ch in whole) and not any(ch in _TRANSLITERATION_DOTS for ch in name):
            surname, given = _split_surname(whole)
            syllables = list(COMPOUND_SURNAMES[surname]) if len(surname) == 2 else [_surname_units(surname)[0][0]]
            if given:
                syllables += lazy_pinyin(given, style=Style.NORMAL, errors="default")
        else:
            syllables = []
            for word in _words(name):
                run = ""
                for ch in word:
                    if _is_han(ch):
                        if run:
                            syllables.append(run)
                            run = ""
                        syllables.append(_char_readings(ch)[0])
                    else:
                        run += ch
                if run:
                    syllables.append(run)
        return " ".join(syllables) + "\t" + whole
    except Exception:
        return normalise(name) if isinstance(name, str) else ""
