"""MainWindow: signals from buttons, menus and keys; state shown in widgets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QSignalSpy, QTest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from gemini_desk.core.desk_state import SessionStatus
from gemini_desk.core.events import RetryWait, SessionState
from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.status import Status
from gemini_desk.core.transcript import Role, Turn
from gemini_desk.ui.main_window import MainWindow
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


def _silence() -> tuple[float, float, bool]:
    return float("-inf"), float("-inf"), False


@pytest.fixture
def window(qapp) -> Iterator[MainWindow]:  # noqa: F811
    win = MainWindow(_silence, _silence)
    win.show()
    win.activateWindow()
    assert QTest.qWaitForWindowActive(win)
    yield win
    win.close_now()
    win.deleteLater()


def test_defaults(window: MainWindow) -> None:
    assert window.windowTitle() == "Gemini Desk"
    room = window.screen().availableGeometry()
    assert window.width() >= min(800, room.width() - 8)
    assert window.height() >= min(560, room.height() - 40)
    assert window.frameGeometry().width() <= room.width()  # it fits the screen
    assert window.frameGeometry().height() <= room.height()
    assert window.minimumWidth() > 0 and window.minimumHeight() > 0
    assert window.connect_button.text() == "Connect"
    assert window.status.status is Status.OFFLINE
    assert window.state_label.text() == ""  # the pill says "Offline"; no repeat
    assert not window.text_box.isEnabled()
    # No stale "Connect to type" hint: Connect is said once, on its button.
    assert "Connect" not in window.text_box.placeholderText()
    assert window.transcript.placeholder_visible


def test_connect_button_follows_state(window: MainWindow) -> None:
    connect = QSignalSpy(window.connectRequested)
    disconnect = QSignalSpy(window.disconnectRequested)
    QTest.mouseClick(window.connect_button, Qt.MouseButton.LeftButton)
    assert connect.count() == 1 and disconnect.count() == 0

    window.set_session_state(SessionState.CONNECTING)
    assert window.connect_button.text() == "Connecting…"
    assert not window.connect_button.isEnabled()
    assert not window.connect_action.isEnabled()
    window.connect_action.trigger()
    assert connect.count() == 1 and disconnect.count() == 0

    window.set_session_state(SessionState.CONNECTED)
    assert window.connect_button.text() == "End"
    assert window.connect_button.accessibleName() == "End the conversation"
    assert window.connect_button.property("quiet") is True  # neutral, not red
    assert window.connect_button.isEnabled()
    assert window.text_box.isEnabled() and window.send_button.isEnabled()
    QTest.mouseClick(window.connect_button, Qt.MouseButton.LeftButton)
    assert disconnect.count() == 1

    window.set_session_state(SessionState.CLOSING)
    assert window.connect_button.text() == "Ending…"
    assert not window.connect_button.isEnabled()
    assert not window.text_box.isEnabled()

    window.set_session_state(SessionState.DISCONNECTED, message(MessageId.CONNECTION_LOST))
    assert window.connect_button.text() == "Connect"
    assert window.connect_button.property("quiet") is False
    assert window.state_label.text() == (
        "The connection to the Live service was lost. Connect again."
    )


def test_enter_sends_and_clears(window: MainWindow) -> None:
    spy = QSignalSpy(window.textSubmitted)
    window.set_session_state(SessionState.CONNECTED)
    window.text_box.setFocus()
    QTest.keyClicks(window.text_box, "  hello there ")
    QTest.keyClick(window.text_box, Qt.Key.Key_Return)
    assert spy.count() == 1
    assert spy.at(0) == ["hello there"]
    assert window.text_box.text() == ""

    QTest.keyClick(window.text_box, Qt.Key.Key_Return)
    QTest.keyClicks(window.text_box, "   ")
    QTest.keyClick(window.text_box, Qt.Key.Key_Enter)
    assert spy.count() == 1

    QTest.keyClicks(window.text_box, "by button")
    QTest.mouseClick(window.send_button, Qt.MouseButton.LeftButton)
    assert spy.count() == 2 and spy.at(1) == ["by button"]


def test_text_box_ignored_when_not_connected(window: MainWindow) -> None:
    spy = QSignalSpy(window.textSubmitted)
    window.text_box.setText("typed while offline")
    window.text_box.returnPressed.emit()
    assert spy.count() == 0


def test_menu_actions_emit_signals(window: MainWindow) -> None:
    cases = [
        (window.settings_action, window.settingsRequested),
        (window.api_key_action, window.apiKeyRequested),
        (window.quit_action, window.quitRequested),
    ]
    for action, signal in cases:
        spy = QSignalSpy(signal)
        action.trigger()
        assert spy.count() == 1, action.text()
    assert window.settings_action.shortcut().toString() == "Ctrl+,"
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"
    assert window.connect_action.shortcut().toString() == "Ctrl+Return"
    assert window.mute_action.shortcut().toString() == "Ctrl+M"
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == ["&File", "&Session", "Sh&are", "&Help"]
    mnemonics = [m[m.index("&") + 1].lower() for m in menus]
    assert len(set(mnemonics)) == len(mnemonics), "two menus share an Alt key"


def test_connect_shortcut(window: MainWindow) -> None:
    spy = QSignalSpy(window.connectRequested)
    QTest.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert spy.count() == 1
    window.set_session_state(SessionState.CONNECTED)
    assert window.connect_action.text() == "&End conversation"
    spy = QSignalSpy(window.disconnectRequested)
    window.text_box.setFocus()
    QTest.keyClick(window.text_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert spy.count() == 1


def test_the_pill_is_the_one_mic_toggle(window: MainWindow) -> None:
    spy = QSignalSpy(window.muteToggled)
    window.set_session_state(SessionState.CONNECTED)
    window.set_status(Status.LISTENING)
    pill = window.status.pill
    assert pill.accessibleName() == "Status: Listening"
    QTest.mouseClick(pill, Qt.MouseButton.LeftButton)
    assert spy.count() == 1 and spy.at(0) == [True]
    assert window.mute_action.isChecked()
    assert window.status.mic_meter.muted
    assert "unmute" in pill.accessibleDescription()

    QTest.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert spy.count() == 2 and spy.at(1) == [False]
    assert not window.status.mic_meter.muted
    pill.setFocus()
    QTest.keyClick(pill, Qt.Key.Key_Space)  # the keyboard works it too
    assert spy.count() == 3 and spy.at(2) == [True]

    window.set_muted(False)  # the app confirms a state: no signal
    assert spy.count() == 3
    assert not window.mute_action.isChecked() and not window.status.mic_meter.muted
    # One mute control: no separate button, flag or bar saying it again.
    texts = [b.text() for b in window.findChildren(QPushButton)]
    assert not any("mute" in t.lower() for t in texts), texts


def test_details_popover_has_the_figures(window: MainWindow) -> None:
    window.set_model("gemini-3.8-live")
    details = window.status.show_details()
    assert details.isVisible()
    assert window.status.details.model_label.text() == "Gemini 3.8 Live"
    assert window.status.details.model_id_label.text() == "gemini-3.8-live"
    assert window.status.details.latency_label.text() == "No answer yet"
    window.set_latency(612.4, 480.2)
    assert window.status.details.latency_label.text() == "612 ms"
    assert window.status.details.server_label.text() == "480 ms"
    details.close()
    # None of it on the main screen.
    shown = [w.text() for w in window.findChildren(QLabel) if w.isVisible()]
    assert not any("ms" in t or "gemini-3.8" in t for t in shown), shown
    assert window.demo_label.isHidden()
    window.set_demo_mode(True)
    assert window.demo_label.isVisible()
    assert window.demo_label.text() == "Demo mode (local server)"
    window.set_demo_mode(False)
    assert window.demo_label.isHidden()


@pytest.mark.parametrize(
    ("action", "signal_name", "label"),
    [
        ("api_key", "apiKeyRequested", "Enter API key…"),
        ("settings", "settingsRequested", "Open Settings…"),
        ("use_default_model", "useDefaultModelRequested", "Use Gemini 3.8 Live"),
    ],
)
def test_notices_action(window: MainWindow, action: str, signal_name: str, label: str) -> None:
    banner = window.notices
    assert banner.isHidden()
    spy = QSignalSpy(getattr(window, signal_name))
    window.show_error("Something failed.", action=action)
    process_events()
    assert banner.isVisible()
    assert banner.message == "Something failed."
    assert banner.rows[0].action_button.isVisible()
    assert banner.rows[0].action_button.text() == label
    QTest.mouseClick(banner.rows[0].action_button, Qt.MouseButton.LeftButton)
    assert spy.count() == 1
    window.clear_error()
    assert banner.isHidden()


def test_notices_without_action_and_dismiss(window: MainWindow) -> None:
    banner = window.notices
    window.show_error("No microphone found.")
    assert banner.isVisible()
    assert not banner.rows[0].action_button.isVisible()
    QTest.mouseClick(banner.rows[0].dismiss_button, Qt.MouseButton.LeftButton)
    assert banner.isHidden()
    with pytest.raises(ValueError):
        window.show_error("x", action="reboot")


def test_close_asks_the_app_instead(window: MainWindow) -> None:
    spy = QSignalSpy(window.quitRequested)
    assert not window.close()
    assert spy.count() == 1
    assert window.isVisible()


def test_show_turn_and_clear_transcript(window: MainWindow) -> None:
    window.show_turn(Turn(1, Role.USER, "hi"))
    assert window.transcript.turn_text(1) == "hi"
    window.clear_transcript()
    assert window.transcript.placeholder_visible


def test_about_opens_without_exec(window: MainWindow) -> None:
    window.about_action.trigger()
    process_events()
    about = window.about_box
    assert about is not None and about.isVisible()
    about.close()


def _tab_chain(start: QWidget) -> list[QWidget]:
    start.setFocus(Qt.FocusReason.TabFocusReason)
    seen: list[QWidget] = []
    for _ in range(30):
        current = QApplication.focusWidget()
        assert current is not None
        if current in seen:
            break
        seen.append(current)
        QTest.keyClick(current, Qt.Key.Key_Tab)
    return seen


def test_every_control_reachable_by_tab(window: MainWindow) -> None:
    """With the connection banner and two notices (one with an action) on show."""
    wait = message(MessageId.RETRY_REFUSED, 5)
    window.set_session_state(SessionState.RECONNECTING, wait)
    window.connection_banner.show_status(
        SessionStatus(SessionState.RECONNECTING, wait, RetryWait(5.0, 1))
    )
    window.show_error(message(MessageId.NO_CAMERA))
    window.show_error("Key refused.", action="api_key")
    window.show_turn(Turn(1, Role.MODEL, "hello"))
    window.talk_bar.set_state("idle")  # push-to-talk, connected: the talk button is live
    process_events()
    window.talk_bar.set_mode("push_to_talk")
    assert window.connection_banner.isVisible() and len(window.notices.rows) == 2
    chain = _tab_chain(window.status.pill)
    newest, older = window.notices.rows
    expected = [
        window.status.pill,
        window.status.details_button,
        window.connect_button,
        window.talk_bar.mode_combo,
        window.talk_bar.button,
        window.transcript.scroll_area(),
        window.connection_banner.retry_button,
        newest.action_button,
        newest.dismiss_button,
        older.dismiss_button,
        window.text_box,
        window.send_button,
    ]
    assert chain == expected, [w.objectName() for w in chain]
    # And nothing else in the window takes Tab focus that the walk missed.
    focusable = [
        w
        for w in window.findChildren(QWidget)
        if w.isVisible()
        and w.isEnabled()
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and w.window() is window
    ]
    assert set(focusable) <= set(chain), [w.objectName() or type(w).__name__ for w in focusable]
    # Tab after the last control wraps to the first.
    window.send_button.setFocus(Qt.FocusReason.TabFocusReason)
    QTest.keyClick(window.send_button, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is window.status.pill


def test_controls_have_accessible_names(window: MainWindow) -> None:
    window.show_error("Key refused.", action="api_key")
    for widget in (
        window.connect_button,
        window.status.pill,
        window.status.details_button,
        window.text_box,
        window.send_button,
        window.notices.rows[0].dismiss_button,
        window.status.mic_meter,
        window.transcript.scroll_area(),
    ):
        assert widget.accessibleName(), widget


def test_once_connected_typing_goes_to_the_text_box(window: MainWindow) -> None:
    """Connect from its button: while it connects the focus is nowhere Space mutes, and
    once connected the cursor is in the text box (typing does not go nowhere)."""
    muted = QSignalSpy(window.muteToggled)
    window.connect_button.setFocus(Qt.FocusReason.TabFocusReason)
    QTest.keyClick(window.connect_button, Qt.Key.Key_Space)
    window.set_session_state(SessionState.CONNECTING)
    process_events()
    assert QApplication.focusWidget() is not window.status.pill
    window.set_session_state(SessionState.CONNECTED)
    process_events()
    assert QApplication.focusWidget() is window.text_box
    QTest.keyClicks(QApplication.focusWidget(), "hi there")
    assert window.text_box.text() == "hi there" and muted.count() == 0


def test_the_first_run_ends_with_the_cursor_in_the_text_box(window: MainWindow) -> None:
    window.welcome.open()
    window.welcome.demo_button.setFocus(Qt.FocusReason.TabFocusReason)
    QTest.keyClick(window.welcome.demo_button, Qt.Key.Key_Space)  # "Try the demo"
    window.welcome.finish()
    window.set_session_state(SessionState.CONNECTING)
    process_events()
    assert QApplication.focusWidget() is not window.status.pill
    window.set_session_state(SessionState.CONNECTED)
    process_events()
    assert QApplication.focusWidget() is window.text_box


def test_a_control_chosen_while_connecting_keeps_the_focus(window: MainWindow) -> None:
    window.connect_button.setFocus(Qt.FocusReason.TabFocusReason)
    window.set_session_state(SessionState.CONNECTING)
    window.talk_bar.mode_combo.setFocus(Qt.FocusReason.MouseFocusReason)
    window.set_session_state(SessionState.CONNECTED)
    process_events()
    assert QApplication.focusWidget() is window.talk_bar.mode_combo


def test_a_reconnect_does_not_move_the_focus(window: MainWindow) -> None:
    window.set_session_state(SessionState.CONNECTED)
    window.talk_bar.mode_combo.setFocus(Qt.FocusReason.TabFocusReason)
    window.set_session_state(SessionState.RECONNECTING, message(MessageId.RETRY_LOST, 2))
    window.set_session_state(SessionState.CONNECTED)
    process_events()
    assert QApplication.focusWidget() is window.talk_bar.mode_combo


def test_the_empty_transcript_says_what_to_do_now(window: MainWindow) -> None:
    # Offline it asks to connect; once connected (or waiting to reconnect, when what
    # is said or typed is sent afterwards) it no longer does.
    assert "Connect" in window.transcript.placeholder_text
    for state in (SessionState.CONNECTED, SessionState.RECONNECTING):
        window.set_session_state(state)
        assert "Connect" not in window.transcript.placeholder_text
        assert window.transcript.placeholder_text
    window.set_session_state(SessionState.DISCONNECTED)
    assert "Connect" in window.transcript.placeholder_text
