"""ApiKeyDialog and SettingsDialog."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QSignalSpy, QTest
from PySide6.QtWidgets import QDialog, QLineEdit

from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.models import FALLBACK_MODELS, VOICES
from gemini_desk.core.settings import Settings
from gemini_desk.ui.api_key_dialog import API_KEY_URL, ApiKeyDialog
from gemini_desk.ui.message_text import message_text
from gemini_desk.ui.settings_dialog import SettingsDialog
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


@pytest.fixture
def key_dialog(qapp) -> Iterator[ApiKeyDialog]:  # noqa: F811
    dialog = ApiKeyDialog()
    dialog.open()
    process_events()
    yield dialog
    dialog.close()
    dialog.deleteLater()
    process_events()  # deleted here, on this thread (not by a garbage collection elsewhere)


@pytest.mark.parametrize(
    ("text", "plausible"),
    [
        ("", False),
        ("   ", False),
        ("AIzaSyExample_123", True),
        ("ab cd", False),
        ("  AIzaPasted  ", True),
        ("tab\tinside", False),
    ],
)
def test_use_key_enabled_only_for_plausible_text(
    key_dialog: ApiKeyDialog, text: str, plausible: bool
) -> None:
    key_dialog.key_edit.setText(text)
    assert key_dialog.use_button.isEnabled() is plausible


def test_key_entered(key_dialog: ApiKeyDialog) -> None:
    spy = QSignalSpy(key_dialog.keyEntered)
    demo = QSignalSpy(key_dialog.demoChosen)
    QTest.keyClicks(key_dialog.key_edit, " AIzaKey123 ")
    QTest.mouseClick(key_dialog.use_button, Qt.MouseButton.LeftButton)
    assert spy.count() == 1 and spy.at(0) == ["AIzaKey123"]
    assert demo.count() == 0
    assert key_dialog.result() == QDialog.DialogCode.Accepted


def test_a_checked_key_is_used_only_once_the_check_says_it_works(
    key_dialog: ApiKeyDialog,
) -> None:
    """With a checker (File > API key in the app): "Checking your key…", then the
    service's reason and the field ready again, or the key used and the dialog closed."""
    key_dialog.checks_key = True
    submitted = QSignalSpy(key_dialog.keySubmitted)
    entered = QSignalSpy(key_dialog.keyEntered)
    QTest.keyClicks(key_dialog.key_edit, " wrong-key ")
    QTest.mouseClick(key_dialog.use_button, Qt.MouseButton.LeftButton)
    assert submitted.count() == 1 and submitted.at(0) == ["wrong-key"]
    assert entered.count() == 0 and key_dialog.isVisible()
    assert key_dialog.status.text() == "Checking your key…"
    assert key_dialog.key_edit.isReadOnly() and not key_dialog.use_button.isEnabled()
    QTest.keyClick(key_dialog.key_edit, Qt.Key.Key_Return)
    assert submitted.count() == 1, "no second check while one runs"
    assert key_dialog.isVisible(), "Enter pressed nothing else (Try the demo, Cancel)"
    key_dialog.key_checked(message(MessageId.BAD_KEY))
    assert key_dialog.status.text() == message_text(message(MessageId.BAD_KEY))
    assert key_dialog.status.accessibleName() == "Error"
    assert not key_dialog.key_edit.isReadOnly() and key_dialog.use_button.isEnabled()
    assert entered.count() == 0 and key_dialog.isVisible()
    key_dialog.key_edit.setText("right-key")
    QTest.keyClick(key_dialog.key_edit, Qt.Key.Key_Return)
    assert submitted.count() == 2 and submitted.at(1) == ["right-key"]
    key_dialog.key_checked(None)
    assert entered.count() == 1 and entered.at(0) == ["right-key"]
    assert key_dialog.result() == QDialog.DialogCode.Accepted


def test_enter_uses_the_key_only_when_plausible(key_dialog: ApiKeyDialog) -> None:
    spy = QSignalSpy(key_dialog.keyEntered)
    key_dialog.key_edit.setText("has space")
    QTest.keyClick(key_dialog.key_edit, Qt.Key.Key_Return)
    assert spy.count() == 0
    assert key_dialog.hint_label.text()  # says why
    key_dialog.key_edit.setText("AIzaKey")
    assert not key_dialog.hint_label.text()
    QTest.keyClick(key_dialog.key_edit, Qt.Key.Key_Return)
    assert spy.count() == 1


def test_demo_chosen(key_dialog: ApiKeyDialog) -> None:
    spy = QSignalSpy(key_dialog.demoChosen)
    keys = QSignalSpy(key_dialog.keyEntered)
    QTest.mouseClick(key_dialog.demo_button, Qt.MouseButton.LeftButton)
    assert spy.count() == 1 and keys.count() == 0
    assert key_dialog.result() == ApiKeyDialog.DEMO


def test_cancel_emits_nothing(key_dialog: ApiKeyDialog) -> None:
    spies = [QSignalSpy(key_dialog.keyEntered), QSignalSpy(key_dialog.demoChosen)]
    QTest.mouseClick(key_dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert [s.count() for s in spies] == [0, 0]
    assert key_dialog.result() == QDialog.DialogCode.Rejected


def test_key_hidden_by_default_and_toggle(key_dialog: ApiKeyDialog) -> None:
    assert key_dialog.key_edit.echoMode() == QLineEdit.EchoMode.Password
    key_dialog.show_key.setChecked(True)
    assert key_dialog.key_edit.echoMode() == QLineEdit.EchoMode.Normal
    key_dialog.show_key.setChecked(False)
    assert key_dialog.key_edit.echoMode() == QLineEdit.EchoMode.Password


def test_explains_and_says_where_the_key_goes(key_dialog: ApiKeyDialog) -> None:
    from PySide6.QtWidgets import QLabel

    texts = " ".join(label.text() for label in key_dialog.findChildren(QLabel))
    assert API_KEY_URL in texts
    assert "Nothing leaves the machine" in texts
    assert key_dialog.storage_label.isHidden()
    key_dialog.set_storage_note(message(MessageId.KEY_IN_MEMORY))
    assert key_dialog.storage_label.isVisible()
    assert key_dialog.storage_label.text().startswith("No system keyring is available")


# --- settings --------------------------------------------------------------------------
INPUTS = ["Built-in Microphone", "USB Headset"]
OUTPUTS = ["Speakers", "USB Headset"]


@pytest.fixture
def original() -> Settings:
    return Settings(
        model=FALLBACK_MODELS[1].id,
        voice="Kore",
        system_instruction="Be brief.",
        custom_instruction=True,  # typed by the user (the default follows the UI language)
        input_device="USB Headset",
        output_device="",
        demo_chosen=True,
        window_geometry="abc",
    )


def make_settings_dialog(settings: Settings) -> SettingsDialog:
    dialog = SettingsDialog(settings, INPUTS, OUTPUTS, message(MessageId.KEY_IN_KEYRING))
    dialog.open()
    process_events()
    return dialog


def test_settings_round_trip_unchanged(qapp, original: Settings) -> None:  # noqa: F811
    dialog = make_settings_dialog(original)
    spy = QSignalSpy(dialog.settingsAccepted)
    assert dialog.input_combo.currentText() == "USB Headset"
    assert dialog.output_combo.currentText() == "System default"
    QTest.mouseClick(
        dialog.buttons.button(dialog.buttons.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert spy.count() == 1
    result = spy.at(0)[0]
    assert result == original
    assert result is not original
    assert dialog.result() == QDialog.DialogCode.Accepted
    dialog.deleteLater()


def test_settings_edits_and_system_default(qapp, original: Settings) -> None:  # noqa: F811
    dialog = make_settings_dialog(original)
    spy = QSignalSpy(dialog.settingsAccepted)
    dialog.model_combo.setEditText("  my-custom-model ")
    dialog.voice_combo.setCurrentIndex(dialog.voice_combo.findData(VOICES[-1]))
    dialog.instruction_edit.setPlainText("Talk like a pirate.")
    dialog.input_combo.setCurrentIndex(0)
    assert dialog.input_combo.currentText() == "System default"
    dialog.output_combo.setCurrentText("Speakers")
    dialog.buttons.accepted.emit()
    result = spy.at(0)[0]
    assert result == dataclasses.replace(
        original,
        model="my-custom-model",
        voice=VOICES[-1],
        system_instruction="Talk like a pirate.",
        input_device="",
        output_device="Speakers",
    )
    assert original.voice == "Kore"  # the input was not touched
    dialog.deleteLater()


def test_settings_cancel_and_key_button(qapp, original: Settings) -> None:  # noqa: F811
    dialog = make_settings_dialog(original)
    spy = QSignalSpy(dialog.settingsAccepted)
    key = QSignalSpy(dialog.apiKeyRequested)
    assert dialog.key_status_label.text() == "Your key is stored in the system keyring."
    QTest.mouseClick(dialog.change_key_button, Qt.MouseButton.LeftButton)
    assert key.count() == 1
    dialog.set_key_status(message(MessageId.KEY_FROM_ENV, "GEMINI_API_KEY"))
    assert dialog.key_status_label.text() == (
        "Using the key from the GEMINI_API_KEY environment variable."
    )
    dialog.buttons.rejected.emit()
    assert spy.count() == 0
    assert dialog.result() == QDialog.DialogCode.Rejected
    dialog.deleteLater()


def test_settings_keeps_an_unplugged_device(qapp) -> None:  # noqa: F811
    settings = Settings(input_device="Old Headset")
    dialog = make_settings_dialog(settings)
    assert "Old Headset" in dialog.input_combo.currentText()
    assert "not connected" in dialog.input_combo.currentText()
    assert dialog.edited_settings().input_device == "Old Headset"
    dialog.deleteLater()


def test_settings_tab_reaches_every_field(qapp, original: Settings) -> None:  # noqa: F811
    from PySide6.QtWidgets import QApplication

    dialog = make_settings_dialog(original)
    dialog.activateWindow()
    assert QTest.qWaitForWindowActive(dialog)
    dialog.tabs.tabBar().setFocus(Qt.FocusReason.TabFocusReason)
    seen = []
    for page in range(dialog.tabs.count() - 1):  # every page but Tools (its own test)
        dialog.tabs.setCurrentIndex(page)
        dialog.tabs.tabBar().setFocus(Qt.FocusReason.TabFocusReason)
        on_page: list[object] = []
        for _ in range(20):
            current = QApplication.focusWidget()
            if current in on_page:
                break
            on_page.append(current)
            QTest.keyClick(current, Qt.Key.Key_Tab)
        seen += on_page
    for widget in (
        dialog.voice_combo,
        dialog.instruction_edit,
        dialog.input_combo,
        dialog.output_combo,
        dialog.change_key_button,
        dialog.talk.mode_combo,
        dialog.voice.headphones,
    ):
        assert widget in seen, widget.objectName()
    dialog.close()
    dialog.deleteLater()


def test_settings_pages_and_options_that_do_not_apply(qapp, original: Settings) -> None:  # noqa: F811
    from PySide6.QtWidgets import QAbstractButton

    dialog = make_settings_dialog(dataclasses.replace(original, talk_mode="hands_free"))
    tabs = [
        dialog.tabs.tabText(i).replace("&&", "\0").replace("&", "").replace("\0", "&")
        for i in range(dialog.tabs.count())
    ]
    assert tabs == ["General", "Voice & model", "Audio", "Talk & keys", "Privacy", "Tools"]
    assert dialog.tabs.currentIndex() == 1, "it opens on Voice & model"
    talk = dialog.talk
    assert not talk.behaviour_combo.isEnabled() and not talk.talk_key.isEnabled()
    assert talk.behaviour_combo.toolTip() == "Only used in push-to-talk."
    talk.mode_combo.setCurrentIndex(talk.mode_combo.findData("push_to_talk"))
    assert talk.behaviour_combo.isEnabled() and talk.talk_key.isEnabled()
    assert talk.behaviour_combo.toolTip() == ""
    assert "microphone" in dialog.privacy_label.text()
    assert all(b.icon().isNull() for b in dialog.buttons.findChildren(QAbstractButton))
    dialog.close()
    dialog.deleteLater()


def test_the_hotkey_field_says_press_the_keys(qapp, original: Settings) -> None:  # noqa: F811
    dialog = make_settings_dialog(original)
    dialog.open()
    dialog.activateWindow()
    assert QTest.qWaitForWindowActive(dialog)
    dialog.tabs.setCurrentIndex(3)
    key = dialog.talk.mute_key
    key.setFocus(Qt.FocusReason.TabFocusReason)
    assert key.text() == "" and key.placeholderText() == "Press the keys… (now: Ctrl+Alt+M)"
    QTest.keyClick(key, Qt.Key.Key_F7, Qt.KeyboardModifier.ControlModifier)
    assert key.text() == "Ctrl+F7"
    dialog.output_combo.setFocus()
    assert key.text() == "Ctrl+F7" and dialog.edited_settings().mute_hotkey == "ctrl+f7"
    dialog.close()
    dialog.deleteLater()


def test_the_key_dialog_shows_every_line_of_its_text(key_dialog: ApiKeyDialog) -> None:
    """Wrapped labels get the height their lines need, also once a check's answer shows,
    and the buttons carry no clip-art."""
    from PySide6.QtWidgets import QLabel

    layout = key_dialog.layout()
    assert layout is not None
    key_dialog.resize(520, layout.totalHeightForWidth(520))  # as tight as it opens
    process_events()
    key_dialog.checks_key = True
    key_dialog.key_edit.setText("some-key")
    key_dialog.use_button.click()
    key_dialog.key_checked(message(MessageId.BAD_KEY))
    process_events()
    for label in key_dialog.findChildren(QLabel):
        if label.isVisible() and label.wordWrap():
            needs = label.heightForWidth(label.width())
            assert label.height() >= needs, (label.text()[:40], label.height(), needs)
    for button in key_dialog.buttons.buttons():
        assert button.icon().isNull(), button.text()
