"""MainWindow while a connection is replaced: still usable, says why, opens history."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QSignalSpy, QTest

from gemini_desk.core.events import SessionState
from gemini_desk.core.messages import MessageId, message
from gemini_desk.ui.main_window import MainWindow
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


def _silence() -> tuple[float, float, bool]:
    return float("-inf"), float("-inf"), False


@pytest.fixture
def window(qapp) -> Iterator[MainWindow]:  # noqa: F811
    win = MainWindow(_silence, _silence)
    win.show()
    yield win
    win.close_now()
    win.deleteLater()


def test_reconnecting_keeps_typing_and_disconnect_available(window: MainWindow) -> None:
    window.set_session_state(SessionState.RECONNECTING, message(MessageId.RETRY_NETWORK, 4))
    process_events()
    # The connection banner says why, counting down: the status bar does not repeat it
    # with a number that stands still.
    assert window.state_label.text() == ""
    assert window.connect_button.text() == "End" and window.connect_button.isEnabled()
    assert window.text_box.isEnabled(), "typed messages wait for the new connection"
    disconnect = QSignalSpy(window.disconnectRequested)
    QTest.mouseClick(window.connect_button, Qt.MouseButton.LeftButton)
    assert disconnect.count() == 1


def test_history_action_has_a_shortcut_and_emits(window: MainWindow) -> None:
    spy = QSignalSpy(window.historyRequested)
    assert window.history_action.shortcut().toString() == "Ctrl+H"
    window.history_action.trigger()
    assert spy.count() == 1
