"""gettext bridged to Qt, and the desk settings file."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from kiosk.i18n import _, language
from kiosk.ui.settings import DeskSettings
from kiosk.ui.settings import config_dir as settings_dir
from kiosk.ui.translator import GettextTranslator, apply_language


def test_qt_lookups_answer_from_gettext(qapp):
    before = language()
    try:
        apply_language("zh")
        assert _("Ready to scan") == "准备扫码"
        assert QCoreApplication.translate("Any", "Ready to scan") == "准备扫码"
        assert GettextTranslator("zh").translate("Any", "not a catalogue string") == "not a catalogue string"
        # Qt's own strings come from qtbase_zh_CN when it is installed with PySide6.
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") in {"取消", "Cancel"}
        apply_language("en")
        assert QCoreApplication.translate("Any", "Ready to scan") == "Ready to scan"
    finally:
        apply_language(before)


def test_settings_round_trip_in_the_configured_folder(config_dir):
    assert settings_dir() == config_dir
    settings = DeskSettings(station="Desk 3", session="MAIN", operator="韩梅梅", language="en", muted=True)
    settings.save()
    assert DeskSettings.load() == settings


def test_broken_settings_file_gives_defaults(config_dir):
    config_dir.mkdir(parents=True)
    (config_dir / "desk-window.json").write_text('{"station": 5, "language": "fr", "muted": "yes"}')
    loaded = DeskSettings.load()
    assert loaded.station == "" and loaded.language == "zh" and loaded.muted is False
    (config_dir / "desk-window.json").write_text("not json")
    assert DeskSettings.load() == DeskSettings()
