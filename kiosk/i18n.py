"""gettext for every layer: core messages, PDFs and (bridged by kiosk.ui) the window.

The catalogues are the ``.po`` files under ``resources/locale/<locale>/LC_MESSAGES/``, one file per
area of the product (core.po, printing.po, ui.po, ...), merged and compiled in memory on first use, so
no generated ``.mo`` file lives in the repository.
"""

from __future__ import annotations

import gettext
import io
import threading
from functools import cache

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from kiosk.paths import resource

DOMAIN = "kiosk"
LANGUAGES: dict[str, str] = {"zh": "zh_CN", "en": "en"}
DEFAULT_LANGUAGE = "zh"

_lock = threading.Lock()
_language = DEFAULT_LANGUAGE


class UnknownLanguage(ValueError):
    pass


@cache
def catalogue(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``language`` ("zh" or "en")."""
    try:
        locale = LANGUAGES[language]
    except KeyError:
        raise UnknownLanguage(language) from None
    folder = resource("locale", locale, "LC_MESSAGES")
    merged = Catalog(locale=locale, domain=DOMAIN)
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as po:
            for message in read_po(po, locale=locale):
                if message.id and message.string:
                    merged[message.id] = message
    buffer = io.BytesIO()
    write_mo(buffer, merged)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def set_language(language: str) -> None:
    """Switch every later translation to ``language``; raises UnknownLanguage for anything else."""
    global _language
    catalogue(language)
    with _lock:
        _language = language


def language() -> str:
    return _language


def _(message: str) -> str:
    """Translate ``message`` into the current language."""
    return catalogue(_language).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalogue(_language).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now (translate with ``_`` later)."""
    return message


def translate(message: str, language_code: str) -> str:
    """Translate into a given language without switching the current one (bilingual PDFs)."""
    return catalogue(language_code).gettext(message)
