"""Settings: the sound-cue switch on the Talk & keys page, remembered between runs."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.settings import Settings, SettingsStore
from gemini_desk.ui.settings_dialog import SettingsDialog
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


def _dialog(settings: Settings) -> SettingsDialog:
    return SettingsDialog(settings, [], [], message(MessageId.NO_KEY_YET))


def test_cues_on_by_default_and_turned_off_in_talk_page(qapp, tmp_path: Path) -> None:  # noqa: F811
    assert Settings().sound_cues is True
    dialog = _dialog(Settings())
    try:
        check = dialog.talk.cues_check
        dialog.tabs.setCurrentIndex(3)  # Talk & keys
        dialog.open()
        process_events()
        assert check.isVisible() and check.isChecked()
        QTest.mouseClick(check, Qt.MouseButton.LeftButton)
        edited = dialog.edited_settings()
        assert edited.sound_cues is False
        store = SettingsStore(tmp_path / "settings.json")
        store.save(edited)
        assert store.load().sound_cues is False  # remembered between runs
    finally:
        dialog.close()
        dialog.deleteLater()
        process_events()
    again = _dialog(Settings(sound_cues=False))
    try:
        assert not again.talk.cues_check.isChecked()
    finally:
        again.deleteLater()
        process_events()
