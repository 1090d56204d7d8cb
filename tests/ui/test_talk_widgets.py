"""Talk button, talk bar, "press the keys" field, in-window hotkeys, talk settings rows."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QSignalSpy, QTest
from PySide6.QtWidgets import QApplication, QFormLayout, QWidget

from gemini_desk.core.desk_state import TalkState
from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.desktop.talk_wiring import TalkWiring, WindowHotkeys
from gemini_desk.hotkeys.combo import KeyCombo
from gemini_desk.platform.paths import AppPaths
from gemini_desk.session.conversation import Conversation
from gemini_desk.ui.hotkey_edit import HotkeyEdit
from gemini_desk.ui.main_window import MainWindow
from gemini_desk.ui.settings_dialog import SettingsDialog
from gemini_desk.ui.talk_bar import TalkBar
from gemini_desk.ui.talk_button import TalkButton
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401

CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


def test_talk_button_states_text_and_enabled(qapp) -> None:  # noqa: F811
    button = TalkButton()
    button.set_key_label("Ctrl+Alt+Space", toggle=False)
    seen = {}
    for state in TalkState:
        button.set_state(state)
        seen[state] = (button.text(), button.isEnabled(), button.property("talkState"))
    assert not seen[TalkState.OFFLINE][1] and not seen[TalkState.HANDS_FREE][1]
    assert seen[TalkState.IDLE] == ("Hold to talk", True, "idle")
    assert seen[TalkState.LISTENING][0].startswith("Listening")
    assert "interrupt" in seen[TalkState.SPEAKING][0] and seen[TalkState.SPEAKING][1]
    # Offline and muted: the same words, greyed; Connect and mute are said elsewhere once.
    assert seen[TalkState.OFFLINE][0] == seen[TalkState.MUTED][0] == "Hold to talk"
    assert seen[TalkState.MUTED][2] == "muted"
    button.set_key_label("F8", toggle=True)
    button.set_state(TalkState.IDLE)
    assert button.text() == "Click to talk"
    heights = set()
    for state in TalkState:  # one height in every state: nothing below it moves
        button.set_state(state)
        heights.add((button.minimumHeight(), button.maximumHeight(), button.sizeHint().height()))
    assert len(heights) == 1, heights


def test_talk_button_reports_mouse_and_space_edges(qapp) -> None:  # noqa: F811
    button = TalkButton()
    button.set_state(TalkState.IDLE)
    button.show()
    pressed, released = QSignalSpy(button.talkPressed), QSignalSpy(button.talkReleased)
    QTest.mousePress(button, Qt.MouseButton.LeftButton)
    assert (pressed.count(), released.count()) == (1, 0), "hold: press first, release later"
    QTest.mouseRelease(button, Qt.MouseButton.LeftButton)
    assert (pressed.count(), released.count()) == (1, 1)
    button.setFocus()
    QTest.keyPress(button, Qt.Key.Key_Space)
    QTest.keyRelease(button, Qt.Key.Key_Space)
    assert (pressed.count(), released.count()) == (2, 2), "keyboard users can talk too"
    button.close()


def test_talk_bar_mode_switch(qapp) -> None:  # noqa: F811
    bar = TalkBar()
    bar.show()
    spy = QSignalSpy(bar.talkModeChanged)
    height = bar.row.height()
    bar.set_mode("push_to_talk")
    assert spy.count() == 0 and bar.mode == "push_to_talk", "set_mode does not echo"
    assert bar.button.isVisible()
    bar.mode_combo.setCurrentIndex(bar.mode_combo.findData("hands_free"))
    assert spy.count() == 1 and spy.at(0) == ["hands_free"]
    bar.set_mode("hands_free")
    assert bar.button.isHidden(), "hands-free: nothing to press"
    process_events()
    assert bar.row.height() == height, "the row keeps its height in either mode"
    bar.set_state(TalkState.SPEAKING)
    assert bar.button.state is TalkState.SPEAKING
    bar.close()


def _floor() -> tuple[float, float, bool]:
    return (-90.0, -90.0, False)


def test_talk_bar_follows_the_talk_state_and_the_settings(qapp, tmp_path: Path) -> None:  # noqa: F811
    """The talk bar shows the conversation's talk state and the talk settings as they
    change (nothing polls); its mode switch writes the settings, and the conversation
    follows them."""
    window = MainWindow(_floor, _floor)
    saved: list[Settings] = []
    model = SettingsModel(Settings(), save=saved.append)
    conv = Conversation(window, model, tmp_path / "conversations", None, None)
    paths = AppPaths(tmp_path / "config", tmp_path / "data", tmp_path / "log")
    bar = window.talk_bar

    async def scenario() -> None:
        wiring = TalkWiring(window, conv, paths, model)
        assert not [t for t in wiring.findChildren(QTimer) if t.isActive()], "nothing polls"
        assert bar.button.state is TalkState.OFFLINE and bar.mode == "hands_free"
        conv.talk.set_connected(True)
        assert bar.button.state is TalkState.HANDS_FREE
        assert bar.hint.text() == "" and bar.hint.isHidden(), "hands-free: no hint repeating"
        assert "Ctrl+Alt+M" in window.status.pill.accessibleDescription()  # the mute key

        bar.mode_combo.setCurrentIndex(bar.mode_combo.findData("push_to_talk"))  # the user
        assert [s.talk_mode for s in saved] == ["push_to_talk"]
        assert conv.talk.push_to_talk and bar.button.state is TalkState.IDLE
        conv.set_muted(True)
        assert bar.button.state is TalkState.MUTED
        conv.set_muted(False)
        assert bar.button.state is TalkState.IDLE

        model.update(talk_mode="hands_free", ptt_hotkey="f8")  # e.g. the Settings dialog
        assert bar.mode == "hands_free" and bar.button.state is TalkState.HANDS_FREE
        model.update(talk_mode="push_to_talk")
        assert bar.button.text() == "Hold to talk"
        assert "F8" in bar.hint.text() and bar.button.text() not in bar.hint.text()
        wiring.stop()
        conv.talk.set_connected(False)
        assert bar.button.state is TalkState.IDLE, "stopped: no longer follows"

    asyncio.run(scenario())
    window.close_now()
    window.deleteLater()


def test_hotkey_edit_captures_a_combination(qapp) -> None:  # noqa: F811
    edit = HotkeyEdit("ctrl+alt+space", "ctrl+alt+space")
    edit.show()
    edit.setFocus()
    spy = QSignalSpy(edit.comboChanged)
    assert edit.text() == "Ctrl+Alt+Space"
    QTest.keyPress(edit, Qt.Key.Key_Control, Qt.KeyboardModifier.ControlModifier)
    assert edit.text() == "Ctrl+…", "modifiers alone are shown, not taken"
    QTest.keyPress(edit, Qt.Key.Key_F8, Qt.KeyboardModifier.ControlModifier)
    assert spy.count() == 1 and spy.at(0) == ["ctrl+f8"] and edit.text() == "Ctrl+F8"
    QTest.keyPress(edit, Qt.Key.Key_Backspace)
    assert edit.combo == KeyCombo.parse("ctrl+alt+space"), "Backspace restores the default"
    edit.close()


def test_hotkey_edit_lets_tab_leave(qapp) -> None:  # noqa: F811
    host = QWidget()
    form = QFormLayout(host)
    first, second = HotkeyEdit("f8", "f8"), HotkeyEdit("f9", "f9")
    form.addRow("a", first)
    form.addRow("b", second)
    host.show()
    host.activateWindow()
    first.setFocus()
    process_events()
    QTest.keyClick(first, Qt.Key.Key_Tab)
    process_events()
    assert second.hasFocus() and first.combo.text == "f8"
    host.close()


def test_window_hotkeys_report_combo_edges_and_focus_loss(qapp) -> None:  # noqa: F811
    combos = {"talk": KeyCombo.parse("ctrl+alt+space"), "mute": KeyCombo.parse("ctrl+alt+m")}
    keys = WindowHotkeys(qapp, combos)
    target = QWidget()
    edges: list[tuple[str, bool]] = []
    keys.edge.connect(lambda name, down: edges.append((name, down)))

    def send(kind: QEvent.Type, key: Qt.Key, mods: Qt.KeyboardModifier, repeat: bool = False):
        QApplication.sendEvent(target, QKeyEvent(kind, key, mods, "", repeat))

    press, release = QEvent.Type.KeyPress, QEvent.Type.KeyRelease
    send(press, Qt.Key.Key_Control, Qt.KeyboardModifier.ControlModifier)
    send(press, Qt.Key.Key_Alt, CTRL_ALT)
    send(press, Qt.Key.Key_Space, CTRL_ALT)
    send(press, Qt.Key.Key_Space, CTRL_ALT, repeat=True)
    assert edges == [("talk", True)]
    send(release, Qt.Key.Key_Space, CTRL_ALT)
    assert edges == [("talk", True), ("talk", False)]
    send(press, Qt.Key.Key_Space, CTRL_ALT)
    order: list[str] = []
    keys.focusLost.connect(lambda: order.append("focus_lost"))
    keys.edge.connect(lambda name, down: order.append(f"{name}:{down}"))
    qapp.applicationStateChanged.emit(Qt.ApplicationState.ApplicationInactive)  # as Qt tells it
    assert edges[-1] == ("talk", False), "focus loss lets go of held keys"
    assert order == ["focus_lost", "talk:False"], "reported as focus loss first"
    qapp.removeEventFilter(keys)
    keys.deleteLater()


def test_settings_dialog_edits_talk_settings(qapp) -> None:  # noqa: F811
    dialog = SettingsDialog(Settings(), [], [], message(MessageId.KEY_IN_KEYRING))
    talk = dialog.talk
    talk.mode_combo.setCurrentIndex(talk.mode_combo.findData("push_to_talk"))
    talk.behaviour_combo.setCurrentIndex(talk.behaviour_combo.findData("toggle"))
    talk.talk_key.show()
    talk.talk_key.setFocus()
    QTest.keyPress(talk.talk_key, Qt.Key.Key_F9)
    edited = dialog.edited_settings()
    assert (edited.talk_mode, edited.ptt_behaviour, edited.ptt_hotkey) == (
        "push_to_talk",
        "toggle",
        "f9",
    )
    assert edited.mute_hotkey == "ctrl+alt+m"
    dialog.close()
