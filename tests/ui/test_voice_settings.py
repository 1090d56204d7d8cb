"""The settings dialog's voice processing rows: headphones, noise suppression, gain."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QSignalSpy, QTest
from PySide6.QtWidgets import QApplication

from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.settings import Settings, SettingsStore
from gemini_desk.ui.settings_dialog import SettingsDialog
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def test_echo_cancellation_is_on_by_default_and_remembered(tmp_path: Path) -> None:
    assert Settings().headphones is False  # no headphones assumed: echo cancellation on
    store = SettingsStore(tmp_path / "settings.json")
    store.save(dataclasses.replace(Settings(), headphones=True, noise_suppression=True))
    loaded = store.load()
    assert loaded.headphones and loaded.noise_suppression and not loaded.auto_gain_control


def test_headphones_checkbox_by_keyboard(qapp, qtbot, qt_warnings_fatal) -> None:  # noqa: F811
    dialog = SettingsDialog(Settings(), ["Mic"], ["Speakers"], message(MessageId.KEY_IN_MEMORY))
    dialog.open()
    dialog.activateWindow()
    assert QTest.qWaitForWindowActive(dialog)
    spy = QSignalSpy(dialog.settingsAccepted)
    assert not dialog.voice.headphones.isChecked()
    QTest.keyClick(dialog, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)  # the "A&udio" page
    QTest.keyClick(dialog, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)  # "I use &headphones"
    QTest.keyClick(dialog, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # "background &noise"
    # A mnemonic "animates" its click: the toggle lands ~100 ms later.
    voice = dialog.voice
    qtbot.waitUntil(lambda: voice.headphones.isChecked() and voice.noise.isChecked())
    assert QApplication.focusWidget() is dialog.voice.noise
    ARTIFACTS.mkdir(exist_ok=True)
    dialog.grab().save(str(ARTIFACTS / "settings-voice-processing.png"))
    dialog.buttons.accepted.emit()
    result = spy.at(0)[0]
    assert result == dataclasses.replace(Settings(), headphones=True, noise_suppression=True)
    dialog.deleteLater()


def test_diagnostics_show_the_cost_of_echo_cancellation(qapp, qt_warnings_fatal) -> None:  # noqa: F811
    import asyncio

    import numpy as np

    from gemini_desk.audio.capture import MicCapture
    from gemini_desk.audio.echo import MicProcessor
    from gemini_desk.ui.diagnostics_dialog import DiagnosticsDialog

    loop = asyncio.new_event_loop()
    try:
        mic = MicCapture(loop, lambda chunk: None)
        assert mic.stats()["echo_cpu_us"] is None  # headphones: no processing
        mic.processor = MicProcessor(lambda: None)
        mic.processor.process(np.zeros(1600, np.float32), 0.0)
        assert mic.stats()["echo_cpu_us"] > 0.0
        dialog = DiagnosticsDialog(mic.stats, lambda: None)
        dialog.show()
        process_events()
        text = dialog.mic_labels["echo_cpu_us"].text()
        assert text.endswith("µs per 10 ms frame") and float(text.split()[0]) > 0
        assert "Echo cancellation CPU" in dialog.as_text()
        ARTIFACTS.mkdir(exist_ok=True)
        dialog.grab().save(str(ARTIFACTS / "diagnostics-echo.png"))
        dialog.close()
        dialog.deleteLater()
    finally:
        loop.close()
