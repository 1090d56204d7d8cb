"""The tray icon: state mapping, distinct icons, menu actions driving the real window."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QSignalSpy

from gemini_desk.core.events import SessionState
from gemini_desk.desktop.tray_wiring import DesktopWiring
from gemini_desk.ui.main_window import MainWindow
from gemini_desk.ui.shortcuts_dialog import collect_shortcuts, plain
from gemini_desk.ui.tray import (
    TrayIcon,
    TrayState,
    TrayView,
    close_hides_to_tray,
    paint_state_icon,
    tray_state,
)
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


def _floor() -> tuple[float, float, bool]:
    return (-90.0, -90.0, False)


@pytest.mark.parametrize(
    ("talk", "sharing", "expected"),
    [
        ("offline", True, TrayState.DISCONNECTED),
        ("muted", True, TrayState.MUTED),
        ("speaking", True, TrayState.SPEAKING),
        ("hands_free", True, TrayState.SHARING),
        ("idle", True, TrayState.SHARING),
        ("hands_free", False, TrayState.LISTENING),
        ("listening", False, TrayState.LISTENING),
        ("idle", False, TrayState.IDLE),
    ],
)
def test_state_mapping(talk: str, sharing: bool, expected: TrayState) -> None:
    assert tray_state(talk, sharing) is expected


def test_close_decision() -> None:
    assert close_hides_to_tray(tray_available=True) is True
    assert close_hides_to_tray(tray_available=False) is False
    assert close_hides_to_tray(tray_available=True, quitting=True) is False


def test_every_state_has_its_own_icon(qapp) -> None:  # noqa: F811
    tray = TrayIcon()
    images: dict[TrayState, QImage] = {}
    for state in TrayState:
        pixmap = tray.icon_for(state).pixmap(32, 32)
        assert not pixmap.isNull()
        images[state] = pixmap.toImage()
    states = list(TrayState)
    for i, a in enumerate(states):
        for b in states[i + 1 :]:
            assert images[a] != images[b], f"{a} and {b} look the same"
    # The badge sits in the lower right: its centre pixel has the state's colour.
    muted = paint_state_icon(tray._base, TrayState.MUTED, 64).toImage()
    listening = paint_state_icon(tray._base, TrayState.LISTENING, 64).toImage()
    assert muted.pixelColor(52, 44).red() > 180 and muted.pixelColor(52, 44).green() < 90
    assert listening.pixelColor(50, 56).green() > 120 > listening.pixelColor(50, 56).red()


def test_view_drives_menu_and_tooltip(qapp) -> None:  # noqa: F811
    tray = TrayIcon()
    tray.set_view(TrayView(talk="offline"))
    assert tray.connect_action.text() == "Connect"
    assert not tray.stop_sharing_action.isEnabled()
    assert "Disconnected" in tray.icon.toolTip()
    tray.set_view(
        TrayView(talk="hands_free", sharing=True, connected=True, muted=True,
                 talk_mode="push_to_talk", window_visible=False)
    )  # fmt: skip
    assert tray.connect_action.text() == "Disconnect"
    assert tray.mute_action.isChecked()
    assert tray.talk_actions["push_to_talk"].isChecked()
    assert not tray.talk_actions["hands_free"].isChecked()
    assert tray.stop_sharing_action.isEnabled()
    assert tray.show_action.text() == "Show window"
    assert "Sharing" in tray.icon.toolTip()
    tray.set_view(TrayView(talk="idle", connected=True, busy=True))
    assert not tray.connect_action.isEnabled()


@pytest.fixture
def wired(qapp, tmp_path: Path):  # noqa: F811
    window = MainWindow(_floor, _floor)
    state = {"talk": "offline", "sharing": False, "notice": False}
    saved: list[bool] = []

    def remember() -> None:
        state["notice"] = True
        saved.append(True)

    desk = DesktopWiring(
        window, lambda: str(state["talk"]), lambda: bool(state["sharing"]), tmp_path / "log",
        lambda: bool(state["notice"]), remember, lambda: ("Ctrl+Alt+Space", "Ctrl+Alt+M"),
    )  # fmt: skip
    window.show()
    process_events()
    yield window, desk, state, saved
    desk.stop()
    window.close_now()
    window.deleteLater()
    process_events()


def test_tray_actions_drive_the_window(wired) -> None:
    window, desk, state, _ = wired
    tray = desk.tray
    connect = QSignalSpy(window.connectRequested)
    disconnect = QSignalSpy(window.disconnectRequested)
    mute = QSignalSpy(window.muteToggled)
    quit_ = QSignalSpy(window.quitRequested)
    stop = QSignalSpy(window.share_bar.stopRequested)
    modes = QSignalSpy(window.talk_bar.talkModeChanged)

    desk.refresh()
    tray.connect_action.trigger()
    assert connect.count() == 1 and disconnect.count() == 0
    window.set_session_state(SessionState.CONNECTED)
    state["talk"] = "hands_free"
    desk.refresh()
    assert tray.connect_action.text() == "Disconnect"
    assert tray.view.state is TrayState.LISTENING
    tray.connect_action.trigger()
    assert disconnect.count() == 1

    tray.mute_action.trigger()
    assert mute.count() == 1 and mute.at(0) == [True]
    assert window.mute_action.isChecked() and window.mute_button.text() == "Unmute"
    window.mute_action.trigger()  # unmuted in the window: the tray follows
    desk.refresh()
    assert not tray.mute_action.isChecked()

    tray.talk_actions["push_to_talk"].trigger()
    assert modes.count() == 1 and modes.at(0) == ["push_to_talk"]
    assert window.talk_bar.mode == "push_to_talk"

    state["sharing"] = True
    window.share_bar.set_sharing("a 100 x 100 region")  # as the app does when sharing starts
    desk.refresh()
    assert tray.stop_sharing_action.isEnabled()
    assert tray.view.state is TrayState.SHARING
    tray.stop_sharing_action.trigger()
    assert stop.count() == 1

    tray.show_action.trigger()
    assert not window.isVisible()
    assert tray.show_action.text() == "Show window"
    tray.show_action.trigger()
    assert window.isVisible()

    tray.quit_action.trigger()
    assert quit_.count() == 1
    assert desk.quitting, "after Quit, closing the window must not hide it to the tray"
    assert not desk.on_window_close()


def test_close_without_a_tray_quits(wired) -> None:
    window, desk, _, _ = wired
    quit_ = QSignalSpy(window.quitRequested)
    assert not desk.start(), "offscreen has no tray host"
    assert not window.close()
    assert quit_.count() == 1
    assert window.isVisible()


def test_close_with_a_tray_hides_and_says_so_once(wired) -> None:
    window, desk, state, saved = wired
    quit_ = QSignalSpy(window.quitRequested)
    desk.tray_shown = True  # as if start() had found a tray (offscreen has none)
    window.close()
    assert quit_.count() == 0 and not window.isVisible()
    assert saved == [True] and state["notice"]
    assert desk.tray.last_message is not None
    assert "still running" in desk.tray.last_message[0]
    desk.toggle_window()
    assert window.isVisible()
    window.close()
    assert saved == [True], "the note is shown once"
    assert not window.isVisible() and quit_.count() == 0


def test_shortcuts_dialog_lists_every_action_shortcut(wired) -> None:
    window, desk, _, _ = wired
    dialog = desk.open_shortcuts()
    process_events()
    rows = dict(dialog.rows())
    actions = [
        a for a in window.findChildren(type(window.quit_action)) if not a.shortcut().isEmpty()
    ]
    assert actions
    shown_keys = set(rows.values())
    for action in actions:
        from PySide6.QtGui import QKeySequence

        key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        assert key in shown_keys, (action.text(), key)
        assert any(k.endswith(plain(action.text())) for k in rows), action.text()
    assert rows["Talk (push-to-talk; hold, also in other apps)"] == "Ctrl+Alt+Space"
    assert "Alt+T" in shown_keys, "label mnemonics are listed too (Talk: Alt+T)"
    assert collect_shortcuts(window) == [
        r for r in dialog.rows() if r[0] in dict(collect_shortcuts(window))
    ]
    dialog.close()


def test_help_menu_has_shortcuts_and_log_folder(wired) -> None:
    window, _, _, _ = wired
    texts = [plain(a.text()) for a in window.menuBar().actions()[-1].menu().actions()]
    assert "Keyboard shortcuts" in texts and "Open log folder" in texts
    spy = QSignalSpy(window.shortcutsRequested)
    window.shortcuts_action.trigger()
    assert spy.count() == 1
    assert window.shortcuts_action.shortcut().toString() == "F1"
    assert window.log_folder_action.isEnabled()


def test_clicking_the_icon_toggles_the_window(wired) -> None:
    window, desk, _, _ = wired
    from PySide6.QtWidgets import QSystemTrayIcon

    desk.tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    assert not window.isVisible()
    desk.tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    assert window.isVisible()
    desk.tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Context)
    assert window.isVisible(), "the context menu does not toggle"
    assert window.windowState() & Qt.WindowState.WindowMinimized == Qt.WindowState.WindowNoState


def test_plain_menu_text() -> None:
    assert plain("&Settings…") == "Settings"
    assert plain("Rock && Roll") == "Rock & Roll"
    assert plain("\u8bbe\u7f6e(&S)\u2026") == "\u8bbe\u7f6e"  # CJK: the letter in brackets
    assert plain("\u8bf4\u8bdd(&T)\uff1a") == "\u8bf4\u8bdd"
