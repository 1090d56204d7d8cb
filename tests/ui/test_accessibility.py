"""Keyboard and screen readers: every control has a name a screen reader can say, and
every control of each dialog is reachable with Tab."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from gemini_desk.core.desk_state import DeskState, TalkState
from gemini_desk.core.events import SessionState
from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.core.transcript import Role, Turn
from gemini_desk.desktop.tray_wiring import DesktopWiring
from gemini_desk.ui.api_key_dialog import ApiKeyDialog
from gemini_desk.ui.history_dialog import HistoryDialog
from gemini_desk.ui.main_window import MainWindow
from gemini_desk.ui.settings_dialog import SettingsDialog
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


def _floor() -> tuple[float, float, bool]:
    return (-90.0, -90.0, False)


def _interactive(top: QWidget) -> list[QWidget]:
    return [
        w
        for w in [top, *top.findChildren(QWidget)]
        if w.isVisible()
        and w.isEnabled()
        and w.window() is top
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and w.focusProxy() is None
    ]


def _spoken_name(widget: QWidget) -> str:
    """What a screen reader announces for ``widget`` (its accessible interface's name)."""
    iface = QAccessible.queryAccessibleInterface(widget)
    assert iface is not None, widget
    return iface.text(QAccessible.Text.Name).strip()


def _tab_walk(top: QWidget) -> list[QWidget]:
    # Start where the window puts the focus when it opens (its first field).
    first = top.focusWidget() or _interactive(top)[0]
    first.setFocus(Qt.FocusReason.TabFocusReason)
    seen: list[QWidget] = []
    for _ in range(60):
        current = QApplication.focusWidget()
        assert current is not None
        if current in seen and current is not seen[-1]:
            break  # round once (a label with links keeps Tab while it walks its links)
        if current not in seen:
            seen.append(current)
        QTest.keyClick(current, Qt.Key.Key_Tab)
    return seen


@pytest.fixture
def windows(qapp: QApplication, qtbot: QtBot, tmp_path: Path):  # noqa: F811
    window = MainWindow(_floor, _floor)
    state = DeskState()
    state.talk.set(TalkState.IDLE)
    desk = DesktopWiring(window, state, SettingsModel(Settings(tray_notice_shown=True)), tmp_path)
    window.set_session_state(SessionState.CONNECTED)
    window.talk_bar.set_state("idle")
    window.show_turn(Turn(1, Role.USER, "hello", finished=True))
    window.show_error("Something happened.", action="settings")
    window.show()
    dialogs = [
        SettingsDialog(Settings(), ["Mic A"], ["Speaker A"], message(MessageId.KEY_IN_KEYRING)),
        ApiKeyDialog(),
        HistoryDialog(tmp_path),
        desk.open_shortcuts(),
    ]
    for dialog in dialogs:
        dialog.show()
    for shown in (window, *dialogs):
        qtbot.waitExposed(shown)
    yield window, dialogs
    # Delete the windows here, not whenever the garbage collector gets to them.
    for dialog in dialogs:
        dialog.close()
        dialog.deleteLater()
    desk.stop()
    window.close_now()
    window.deleteLater()
    process_events()


def test_every_control_has_a_spoken_name(windows) -> None:
    window, dialogs = windows
    nameless = [
        f"{top.objectName()}: {w.objectName() or type(w).__name__}"
        for top in (window, *dialogs)
        for w in _interactive(top)
        if not _spoken_name(w)
    ]
    assert not nameless, nameless


def test_every_dialog_control_is_reachable_by_tab(windows, qtbot: QtBot) -> None:
    _, dialogs = windows
    for dialog in dialogs:
        dialog.activateWindow()
        qtbot.waitUntil(dialog.isActiveWindow)
        chain = _tab_walk(dialog)
        missing = set(_interactive(dialog)) - set(chain)
        assert not missing, (
            dialog.objectName(),
            [m.objectName() or type(m).__name__ for m in missing],
        )
        if isinstance(dialog, SettingsDialog):  # OK and Cancel come after every field
            fields = [w for w in chain if w is not dialog.tabs.tabBar()]  # the page tabs
            assert fields[-2:] == dialog.buttons.buttons(), [w.objectName() for w in chain]


def test_focus_is_visible_on_custom_styled_buttons(windows, qtbot: QtBot) -> None:
    """The custom-styled buttons draw a different frame when they have the focus."""
    window, _ = windows
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.talk_bar.set_mode("push_to_talk")
    for button in (window.connect_button, window.talk_bar.button, window.status.pill):
        window.text_box.setFocus()
        qtbot.waitUntil(window.text_box.hasFocus)
        before = button.grab().toImage()
        button.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(button.hasFocus)
        after = button.grab().toImage()
        assert before != after, button.objectName()
