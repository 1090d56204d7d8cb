"""Settings: the sound-cue switch (Talk & keys), remembered between runs; devices by
the names people know (Audio)."""

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


def test_devices_show_their_names_and_store_their_ids(qapp) -> None:  # noqa: F811
    builtin = "pulse:alsa_output.pci-0000_00_1f.3.analog-stereo"
    outputs = [(builtin, "Built-in Audio Analog Stereo")]
    inputs = [("pulse:usb_mic", "USB Microphone"), ("pulse:alsa_input.analog", "Built-in Mic")]
    settings = Settings(
        input_device="pulse:usb_mic",
        output_device="pulse:gone_headset",
        device_names={"pulse:gone_headset": "H390 Headset", "pulse:usb_mic": "USB Microphone"},
    )
    dialog = SettingsDialog(settings, inputs, outputs, message(MessageId.NO_KEY_YET))
    try:
        assert dialog.input_combo.currentText() == "USB Microphone"
        labels = [dialog.output_combo.itemText(i) for i in range(dialog.output_combo.count())]
        # A stored device that is not there now is kept, under the name it had.
        assert labels == [
            "System default",
            "Built-in Audio Analog Stereo",
            "H390 Headset (not connected)",
        ]
        assert dialog.output_combo.currentText() == "H390 Headset (not connected)"
        kept = dialog.edited_settings()  # OK as is: the unplugged one stays, named
        assert kept.output_device == "pulse:gone_headset"
        assert kept.device_names["pulse:gone_headset"] == "H390 Headset"
        dialog.output_combo.setCurrentIndex(1)
        dialog.input_combo.setCurrentIndex(2)
        edited = dialog.edited_settings()
        assert edited.output_device == builtin and edited.input_device == "pulse:alsa_input.analog"
        # The names of the devices chosen, and only those, are remembered.
        assert edited.device_names == {
            builtin: "Built-in Audio Analog Stereo",
            "pulse:alsa_input.analog": "Built-in Mic",
        }
    finally:
        dialog.deleteLater()
        process_events()
    unknown = Settings(output_device="pulse:never_named")
    dialog = SettingsDialog(unknown, [], [], message(MessageId.NO_KEY_YET))
    try:
        assert dialog.output_combo.currentText() == "never_named (not connected)"
        assert dialog.edited_settings().device_names == {}
    finally:
        dialog.deleteLater()
        process_events()
