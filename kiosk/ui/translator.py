"""gettext for Qt: one QTranslator that answers from kiosk.i18n, plus Qt's own qtbase catalogue.

Installing (or replacing) the translators sends every widget a LanguageChange event; our widgets
retranslate in ``changeEvent``, so switching language is live.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

from kiosk.i18n import LANGUAGES, catalogue, set_language


class GettextTranslator(QTranslator):
    """Qt's ``tr()`` lookups answered by the gettext catalogue of one language, then by Qt's own
    qtbase catalogue (for Qt's dialogs and context menus)."""

    def __init__(self, language: str, qtbase: QTranslator | None = None) -> None:
        super().__init__()
        self.language = language
        self._catalogue = catalogue(language)
        self._qtbase = qtbase

    def translate(self, context, source_text, disambiguation=None, n=-1):
        # Always a str: returning None from this override corrupts None's refcount in PySide6 on
        # Python 3.11 (the process dies after many lookups). The source text itself is a correct
        # "translation" of a message nobody translated.
        if not source_text:
            return source_text or ""
        translated = self._catalogue.gettext(source_text)
        if translated != source_text:
            return translated
        if self._qtbase is not None:
            from_qt = self._qtbase.translate(context, source_text, disambiguation, n)
            if from_qt:
                return from_qt
        return source_text

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
    qtbase: QTranslator | None = None
    if language != "en":
        qtbase = QTranslator()
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if not qtbase.load(f"qtbase_{qt_locale}", folder):
            qtbase = None
    ours = GettextTranslator(language, qtbase)
    app.installTranslator(ours)
    _installed.append(ours)
    # Installing posts LanguageChange to every widget; deliver them now so the switch is immediate.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LanguageChange)
