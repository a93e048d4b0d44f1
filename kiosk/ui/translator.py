"""gettext for Qt: one QTranslator that answers from kiosk.i18n, plus Qt's own qtbase catalogue.

Installing (or replacing) the translators sends every widget a LanguageChange event; our widgets
retranslate in ``changeEvent``, so switching language is live.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

from kiosk.i18n import LANGUAGES, catalogue, set_language


class GettextTranslator(QTranslator):
    """Qt's ``tr()`` lookups answered by the gettext catalogue of one language."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language
        self._catalogue = catalogue(language)

    def translate(self, context, source_text, disambiguation=None, n=-1):
        # None (a null QString) means "not translated here"; "" would translate to the empty string.
        if not source_text:
            return None
        translated = self._catalogue.gettext(source_text)
        return translated if translated != source_text else None

    def isEmpty(self) -> bool:
        return False


_installed: list[QTranslator] = []


def apply_language(language: str) -> None:
    """Switch gettext and Qt to ``language`` ("zh" or "en")."""
    set_language(language)
    app = QCoreApplication.instance()
    if app is None:
        return
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    qt_locale = LANGUAGES[language]
    QLocale.setDefault(QLocale(qt_locale))
    if language != "en":
        qtbase = QTranslator()
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qtbase.load(f"qtbase_{qt_locale}", folder):
            app.installTranslator(qtbase)
            _installed.append(qtbase)
    ours = GettextTranslator(language)
    app.installTranslator(ours)
    _installed.append(ours)
    # Installing posts LanguageChange to every widget; deliver them now so the switch is immediate.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
