"""The columns of an organiser's guest list: heading aliases, category words, and per-cell checks.

Everything here is pure and fast (one precompiled pattern per check), because a guest list can hold
100,000 rows. ``kiosk.core.guest_file`` reads the file and calls these per row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from kiosk.categories import CATEGORIES, category_label
from kiosk.i18n import N_, _

# Control characters other than tab/newline/CR (those are whitespace and are folded), plus the
# bidirectional overrides that can make a badge show something other than what was typed.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb]")
# Invisible characters that spreadsheets and web pages leave behind; dropped silently.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff]")


# --- the fields -------------------------------------------------------------------------------------

FIELDS: tuple[str, ...] = (
    "name",
    "organisation",
    "title",
    "phone",
    "category",
    "email",
    "plain_code",
    "note",
)

# How a field is named inside a sentence ("Row 7: the {field} ...").
FIELD_LABELS: dict[str, str] = {
    "name": N_("name"),
    "organisation": N_("organisation"),
    "title": N_("title"),
    "phone": N_("phone"),
    "category": N_("category"),
    "email": N_("e-mail"),
    "plain_code": N_("ticket code"),
    "note": N_("note"),
}

NAME_MAX = 50
ORGANISATION_MAX = 100
TITLE_MAX = 100
NOTE_MAX = 200
CODE_MAX = 64
PHONE_MIN_DIGITS = 5
PHONE_MAX_DIGITS = 15
MOBILE_DIGITS = 11

_HEADING_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "name", "嘉宾姓名", "full name"),
    "organisation": ("单位", "工作单位", "organisation", "organization", "company", "单位名称"),
    "title": ("职务", "职称", "title", "职位"),
    "phone": ("手机", "手机号", "手机号码", "电话", "联系电话", "phone", "mobile", "mobile phone"),
    "category": ("类别", "嘉宾类别", "身份", "category"),
    "email": ("邮箱", "电子邮箱", "e-mail", "email", "邮件"),
    "plain_code": ("票号", "编号", "二维码", "code", "ticket code"),
    "note": ("备注", "note", "notes"),
}


def heading_key(text: str) -> str:
    """A heading as compared: NFKC (full-width → half-width), trimmed, case-folded, inner spaces
    folded, and a trailing required-marker ``*`` or colon dropped (templates write “姓名*”)."""
    key = " ".join(unicodedata.normalize("NFKC", text).split()).casefold()
    return key.rstrip("*:： ").strip()


HEADINGS: dict[str, str] = {
    heading_key(alias): field for field, aliases in _HEADING_ALIASES.items() for alias in aliases
}


def field_for_heading(text: str) -> str | None:
    """The field a column heading names, or None for a column we do not read."""
    return HEADINGS.get(heading_key(text))


# --- categories -------------------------------------------------------------------------------------

_CATEGORY_WORDS: dict[str, tuple[str, ...]] = {
    "expert": ("专家", "expert", "experts", "speaker"),
    "academic": ("学者", "高校", "教授", "academic", "academia", "university"),
    "enterprise": ("企业", "enterprise", "company", "business"),
    "government": ("政府", "领导", "government", "official"),
    "media": ("媒体", "记者", "media", "press", "journalist"),
    "staff": ("工作人员", "会务", "staff", "organiser", "organizer"),
    "guest": ("嘉宾", "来宾", "guest", "visitor"),
}
CATEGORY_WORDS: dict[str, str] = {
    unicodedata.normalize("NFKC", word).casefold(): code
    for code, words in _CATEGORY_WORDS.items()
    for word in (code, *words)
}
assert set(CATEGORY_WORDS.values()) == set(CATEGORIES)


@lru_cache(maxsize=512)  # a list repeats a handful of words 100,000 times
def category_for(text: str) -> str | None:
    """The canonical category code for a cell (blank → "guest"), or None if the word is not known."""
    key = " ".join(_INVISIBLE.sub("", unicodedata.normalize("NFKC", text)).split()).casefold()
    if not key:
        return "guest"
    return CATEGORY_WORDS.get(key)


def accepted_categories() -> str:
    """The category words a row may use, for an error message, in the current language."""
    # The list separator is translated too: "、" in Chinese, ", " in English.
    return _(", ").join(category_label(code) for code in CATEGORIES)


# --- text cells -------------------------------------------------------------------------------------


def has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None


def looks_binary(text: str) -> bool:
    """True when the start of a decoded file is full of control characters: not a text file."""
    sample = text[:8192]
    return "\x00" in sample or len(_CONTROL.findall(sample)) > 8 + len(sample) // 100


def has_invisible(text: str) -> bool:
    return _INVISIBLE.search(text) is not None


def clean_text(text: str, invisible: bool = True) -> str:
    """NFC, invisible characters removed, trimmed, every run of whitespace folded to one space.

    Call ``has_control`` on the raw text first: folding would hide control characters that are
    also whitespace in Python (U+001C–U+001F). ``invisible=False`` skips looking for zero-width
    characters (the caller has checked the whole row at once).
    """
    if not text:
        return text
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        if invisible:
            text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


def clean_token(text: str, invisible: bool = True) -> str:
    """Like ``clean_text`` but NFKC, so full-width digits and letters typed with a Chinese IME
    (１３８, ＠, ＦＫ) become ASCII. For phones, e-mails and codes."""
    if not text:
        return text
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        if invisible:
            text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


def shorten(value: str, limit: int = 24) -> str:
    """A cell value as quoted in a message: long values cut with an ellipsis."""
    return value if len(value) <= limit else value[: limit - 1] + "…"


# --- phones -----------------------------------------------------------------------------------------

_PHONE_SEPARATORS = str.maketrans("", "", " -()\u2010\u2011\u2012\u2013\u2014\u2212.")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
_FLOAT_ZERO = re.compile(r"^(\d+)\.0+$")
_DIGITS = re.compile(r"^[0-9]+\Z")


def normalise_phone(raw: str) -> tuple[str, Callable[[int], str] | None]:
    """``(digits, None)`` for a usable phone, ``("", None)`` for an empty cell, or
    ``("", problem)`` where ``problem(row)`` is the translated message for that row.

    Spaces, dashes, dots and parentheses go; a +86/0086 (or a bare 86 before 11 digits) in front of a
    Chinese mobile number goes. A number that starts with 1 is taken as a mobile and must have 11
    digits; any other must have 5–15.
    """
    text = clean_token(raw)
    if not text:
        return "", None
    if len(text) == MOBILE_DIGITS and text[0] == "1" and text.isascii() and text.isdigit():
        return text, None  # the common case, 11 plain digits: no pattern needed
    shown = shorten(text)
    if _SCIENTIFIC.match(text):
        return "", lambda row: _(
            "Row {row}: phone “{value}” was turned into a number in scientific notation by the "
            "spreadsheet, so its digits are lost; format the phone column as text, retype the number "
            "and import again"
        ).format(row=row, value=shown)
    zero = _FLOAT_ZERO.match(text)  # 13800138000.0, as some exports write whole numbers
    digits = zero.group(1) if zero else text.translate(_PHONE_SEPARATORS)
    plus = digits.startswith("+")
    if plus:
        digits = digits[1:]
    if not _DIGITS.match(digits):
        return "", lambda row: _(
            "Row {row}: phone “{value}” contains characters other than digits; enter only the number "
            "(spaces and dashes are fine) and import again"
        ).format(row=row, value=shown)
    china = False
    if digits.startswith("0086"):
        digits, china = digits[4:], True
    elif plus and digits.startswith("86"):
        digits, china = digits[2:], True
    elif not plus and len(digits) == MOBILE_DIGITS + 2 and digits.startswith("861"):
        digits, china = digits[2:], True  # 86 typed without the +
    if china:
        plus = False
        if digits and not digits.startswith(("1", "0")):
            digits = "0" + digits  # a landline after +86 gets its trunk 0 back: +86 546 … → 0546…
    if digits.startswith("1") and not plus and len(digits) != MOBILE_DIGITS:
        return "", lambda row: _(
            "Row {row}: phone “{value}” has the wrong number of digits (a mobile number has 11); "
            "correct it and import again"
        ).format(row=row, value=shown)
    if not PHONE_MIN_DIGITS <= len(digits) <= PHONE_MAX_DIGITS:
        return "", lambda row: _(
            "Row {row}: phone “{value}” should have 5 to 15 digits; correct it and import again"
        ).format(row=row, value=shown)
    return digits, None


# --- e-mail and codes -------------------------------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s\"<>,;]+@[^@\s\"<>,;]+\.[^@\s\"<>,;.]{2,}$")
_OUR_PREFIX = re.compile(r"^FK[A-Z]", re.IGNORECASE)


def email_ok(email: str) -> bool:
    return _EMAIL.match(email) is not None and ".." not in email


def is_our_prefix(code: str) -> bool:
    """True for text that carries the prefix of our own signed credentials (never a plain code)."""
    return _OUR_PREFIX.match(code) is not None
