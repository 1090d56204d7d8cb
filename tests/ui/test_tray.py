"""The tray icon: state mapping, distinct icons, following the state models, menu actions
driving the real window."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QIcon, QImage
from PySide6.QtTest import QSignalSpy, QTest
from PySide6.QtWidgets import QAbstractButton, QSystemTrayIcon
from pytestqt.qtbot import QtBot

from gemini_desk.core.desk_state import DeskState, SessionStatus, Shared, ShareKind, TalkState
from gemini_desk.core.events import SessionState
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.core.tools import ApprovalRequest
from gemini_desk.desktop.tray_wiring import DesktopWiring
from gemini_desk.platform.assets import APP_ICON, resource_path
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
        (TalkState.OFFLINE, True, TrayState.DISCONNECTED),
        (TalkState.MUTED, True, TrayState.MUTED),
        (TalkState.SPEAKING, True, TrayState.SPEAKING),
        (TalkState.HANDS_FREE, True, TrayState.SHARING),
        (TalkState.IDLE, True, TrayState.SHARING),
        (TalkState.HANDS_FREE, False, TrayState.LISTENING),
        (TalkState.LISTENING, False, TrayState.LISTENING),
        (TalkState.IDLE, False, TrayState.IDLE),
    ],
)
def test_state_mapping(talk: TalkState, sharing: bool, expected: TrayState) -> None:
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
    app_icon = QIcon(str(resource_path(APP_ICON)))
    muted = paint_state_icon(app_icon, TrayState.MUTED, 64).toImage()
    listening = paint_state_icon(app_icon, TrayState.LISTENING, 64).toImage()
    assert muted.pixelColor(52, 44).red() > 180 and muted.pixelColor(52, 44).green() < 90
    assert listening.pixelColor(50, 56).green() > 120 > listening.pixelColor(50, 56).red()


def test_view_drives_menu_and_tooltip(qapp) -> None:  # noqa: F811
    tray = TrayIcon()
    tray.set_view(TrayView(talk=TalkState.OFFLINE))
    assert tray.connect_action.text() == "Connect"
    assert not tray.stop_sharing_action.isEnabled()
    assert "Disconnected" in tray.icon.toolTip()
    tray.set_view(
        TrayView(
            talk=TalkState.HANDS_FREE,
            sharing=True,
            connected=True,
            muted=True,
            talk_mode="push_to_talk",
            window_visible=False,
        )
    )
    assert tray.connect_action.text() == "Disconnect"
    assert tray.mute_action.isChecked()
    assert tray.talk_actions["push_to_talk"].isChecked()
    assert not tray.talk_actions["hands_free"].isChecked()
    assert tray.stop_sharing_action.isEnabled()
    assert tray.show_action.text() == "Show window"
    assert "Sharing" in tray.icon.toolTip()
    tray.set_view(TrayView(talk=TalkState.IDLE, connected=True, busy=True))
    assert not tray.connect_action.isEnabled()


class Wired:
    """The window and the tray over one set of state models, bound as the app binds
    them: the window follows the session, mute and sharing models (the conversation
    and screen sharing bind it), and muting in the window changes the mute model (as
    the conversation does)."""

    def __init__(self, log_dir: Path) -> None:
        self.window = MainWindow(_floor, _floor)
        self.state = DeskState()
        self.saved: list[Settings] = []
        self.settings = SettingsModel(Settings(), save=self.saved.append)
        window = self.window
        self.state.session.subscribe(lambda _o, new: window.set_session_state(new.state))
        self.state.muted.subscribe(lambda _o, muted: window.set_muted(muted))
        self.state.sharing.subscribe(lambda _o, what: window.share_bar.set_sharing(what))
        window.muteToggled.connect(self.state.muted.set)
        self.desk = DesktopWiring(window, self.state, self.settings, log_dir)


@pytest.fixture
def wired(qapp, tmp_path: Path):  # noqa: F811
    rig = Wired(tmp_path / "log")
    rig.window.show()
    process_events()
    yield rig
    rig.desk.stop()
    rig.window.close_now()
    rig.window.deleteLater()
    process_events()


def test_tray_follows_the_models_not_the_widgets(wired: Wired) -> None:
    """Each change of a model reaches the tray by itself: no timer, no refresh call."""
    desk, state, tray = wired.desk, wired.state, wired.desk.tray
    assert not [t for t in desk.findChildren(QTimer) if t.isActive()], "nothing polls"
    assert tray.view.state is TrayState.DISCONNECTED and not tray.view.connected
    wired.window.set_session_state(SessionState.CONNECTED)  # the widget alone
    assert not tray.view.connected, "the window's widgets are not the tray's source"

    state.session.set(SessionStatus(SessionState.CONNECTING))
    assert tray.view.busy and not tray.connect_action.isEnabled()
    state.session.set(SessionStatus(SessionState.CONNECTED))
    state.talk.set(TalkState.HANDS_FREE)
    assert tray.view.connected and tray.connect_action.text() == "Disconnect"
    assert tray.view.state is TrayState.LISTENING
    state.talk.set(TalkState.SPEAKING)
    assert tray.view.state is TrayState.SPEAKING
    state.sharing.set(Shared(ShareKind.REGION, 100, 100))
    state.talk.set(TalkState.HANDS_FREE)
    assert tray.view.state is TrayState.SHARING and tray.stop_sharing_action.isEnabled()
    state.muted.set(True)
    state.talk.set(TalkState.MUTED)
    assert tray.view.state is TrayState.MUTED and tray.mute_action.isChecked()
    wired.settings.update(talk_mode="push_to_talk")
    assert tray.talk_actions["push_to_talk"].isChecked()
    assert "Microphone muted" in tray.icon.toolTip() and "Sharing" in tray.icon.toolTip()
    state.session.set(SessionStatus(SessionState.DISCONNECTED))
    state.talk.set(TalkState.OFFLINE)
    state.sharing.set(None)
    assert tray.view.state is TrayState.DISCONNECTED and tray.connect_action.text() == "Connect"
    assert not tray.stop_sharing_action.isEnabled()

    desk.stop()
    state.talk.set(TalkState.SPEAKING)
    assert tray.view.state is TrayState.DISCONNECTED, "stopped: no longer follows"
    wired.window.hide()
    wired.window.show_approval(ApprovalRequest("c9", "get_time", {}))
    assert tray.last_message is None, "stopped: approvals are not announced"


def test_tray_actions_drive_the_window(wired: Wired) -> None:
    window, desk, state = wired.window, wired.desk, wired.state
    tray = desk.tray
    connect = QSignalSpy(window.connectRequested)
    disconnect = QSignalSpy(window.disconnectRequested)
    mute = QSignalSpy(window.muteToggled)
    quit_ = QSignalSpy(window.quitRequested)
    stop = QSignalSpy(window.share_bar.stopRequested)

    tray.connect_action.trigger()
    assert connect.count() == 1 and disconnect.count() == 0
    state.session.set(SessionStatus(SessionState.CONNECTED))
    assert tray.connect_action.text() == "Disconnect"
    tray.connect_action.trigger()
    assert disconnect.count() == 1

    tray.mute_action.trigger()
    assert mute.count() == 1 and mute.at(0) == [True]
    assert state.muted.value and tray.mute_action.isChecked()
    assert window.mute_action.isChecked() and window.status.mic_meter.muted
    window.mute_action.trigger()  # unmuted in the window: the tray follows the model
    assert not state.muted.value and not tray.mute_action.isChecked()

    tray.talk_actions["push_to_talk"].trigger()
    assert wired.settings.current.talk_mode == "push_to_talk"
    assert [s.talk_mode for s in wired.saved] == ["push_to_talk"], "written once, and saved"

    state.sharing.set(Shared(ShareKind.REGION, 100, 100))
    tray.stop_sharing_action.trigger()
    assert stop.count() == 1

    tray.show_action.trigger()
    assert not window.isVisible()
    assert tray.show_action.text() == "Show window"
    tray.show_action.trigger()
    assert window.isVisible() and tray.show_action.text() == "Hide window"
    window.showMinimized()
    assert tray.show_action.text() == "Show window", "minimised counts as hidden"
    tray.show_action.trigger()
    assert tray.show_action.text() == "Hide window"

    tray.quit_action.trigger()
    assert quit_.count() == 1
    assert desk.quitting, "after Quit, closing the window must not hide it to the tray"
    assert not desk.on_window_close()


def test_a_refused_mute_click_leaves_the_tick_as_the_model_says(wired: Wired) -> None:
    """The tray's tick shows the mute model, not the click, when nothing came of it."""
    window, tray = wired.window, wired.desk.tray
    window.muteToggled.disconnect()  # nothing listens: the click changes no model
    tray.mute_action.trigger()
    assert not wired.state.muted.value and not tray.mute_action.isChecked()


def test_close_without_a_tray_quits(wired: Wired) -> None:
    window, desk = wired.window, wired.desk
    quit_ = QSignalSpy(window.quitRequested)
    assert not desk.start(), "offscreen has no tray host"
    assert not window.close()
    assert quit_.count() == 1
    assert window.isVisible()


def test_close_with_a_tray_hides_and_says_so_once(wired: Wired) -> None:
    window, desk = wired.window, wired.desk
    quit_ = QSignalSpy(window.quitRequested)
    desk.tray_shown = True  # as if start() had found a tray (offscreen has none)
    window.close()
    assert quit_.count() == 0 and not window.isVisible()
    assert [s.tray_notice_shown for s in wired.saved] == [True]
    assert desk.tray.last_message is not None
    assert "still running" in desk.tray.last_message[0]
    assert desk.tray.show_action.text() == "Show window"
    desk.toggle_window()
    assert window.isVisible()
    window.close()
    assert len(wired.saved) == 1, "the note is shown once"
    assert not window.isVisible() and quit_.count() == 0


def test_shortcuts_dialog_lists_every_action_shortcut(wired: Wired) -> None:
    window, desk = wired.window, wired.desk
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
    wired.settings.update(ptt_hotkey="f8")  # the global keys come from the settings
    rows = dict(desk.open_shortcuts().rows())
    assert rows["Talk (push-to-talk; hold, also in other apps)"] == "F8"
    assert rows["Mute or unmute the microphone (also in other apps)"] == "Ctrl+Alt+M"
    assert rows["Allow a tool once (on its approval card)"] == "Enter"
    assert rows["Deny a tool (on its approval card)"] == "Esc"
    desk.shortcuts_dialog.close()


def test_shortcuts_read_as_grouped_actions_not_menu_paths(wired: Wired) -> None:
    from PySide6.QtWidgets import QLabel, QTableWidget

    dialog = wired.desk.open_shortcuts()
    process_events()
    titles = [title for title, _rows in dialog.groups()]
    assert titles[:2] == ["File", "Session"]
    assert titles[-2:] == ["Everywhere, also in other apps", "Typing and tools"]
    assert "In the window" in titles
    assert not any(">" in what for what, _keys in dialog.rows()), "no menu paths"
    assert ("Settings", "Ctrl+,") in dict(dialog.groups())["File"]
    assert not dialog.findChildren(QTableWidget), "a list, not a spreadsheet"
    caps = [c.text() for c in dialog.findChildren(QLabel, "keycap")]
    talk = caps.index("Space")
    assert caps[talk - 2 : talk + 1] == ["Ctrl", "Alt", "Space"], "one cap per key"
    assert "Ctrl" in caps and "," in caps, "Ctrl+, splits into Ctrl and ,"
    assert all(b.icon().isNull() for b in dialog.findChildren(QAbstractButton))
    dialog.close()


def test_help_menu_has_shortcuts_and_log_folder(wired: Wired) -> None:
    window = wired.window
    texts = [plain(a.text()) for a in window.menuBar().actions()[-1].menu().actions()]
    assert "Keyboard shortcuts" in texts and "Open log folder" in texts
    spy = QSignalSpy(window.shortcutsRequested)
    window.shortcuts_action.trigger()
    assert spy.count() == 1
    assert window.shortcuts_action.shortcut().toString() == "F1"
    assert window.log_folder_action.isEnabled()


def test_clicking_the_icon_toggles_the_window(wired: Wired) -> None:
    window, desk = wired.window, wired.desk
    desk.tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    assert not window.isVisible()
    desk.tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    assert window.isVisible()
    desk.tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Context)
    assert window.isVisible(), "the context menu does not toggle"
    assert window.windowState() & Qt.WindowState.WindowMinimized == Qt.WindowState.WindowNoState


# --- approvals while the window is out of sight ------------------------------------------
def _closed_to_tray(wired: Wired) -> None:
    wired.desk.tray_shown = True  # as if start() had found a tray (offscreen has none)
    wired.window.close()
    assert not wired.window.isVisible()
    wired.desk.tray.last_message = None  # the "still running" note


def test_an_approval_in_the_tray_is_announced_once_and_the_click_brings_the_card(
    wired: Wired, qtbot: QtBot
) -> None:
    window, tray, card = wired.window, wired.desk.tray, wired.window.approval_card
    _closed_to_tray(wired)
    tray.icon.messageClicked.emit()  # the "still running" note: nothing to answer
    assert not window.isVisible()

    decided = QSignalSpy(window.approvalDecided)
    request = ApprovalRequest("c1", "open_url", {"url": "https://example.com/"}, timeout_s=60)
    window.show_approval(request)
    assert tray.last_message == (
        "Gemini wants to use open_url",
        "Click here to open the window and allow or deny it. "
        "Without an answer it is denied in 60 s.",
    )
    tray.last_message = None
    window.show_approval(dataclasses.replace(request, args={"url": "https://example.org/"}))
    assert card.current() is not None and card.current().args["url"] == "https://example.org/"
    assert tray.last_message is None, "once per request, also when it is replaced"

    tray.icon.messageClicked.emit()
    assert window.isVisible() and not window.isMinimized()
    assert window.focusWidget() is card.once_button
    assert tray.show_action.text() == "Hide window"
    QTest.keyClick(card.once_button, Qt.Key.Key_Return)
    assert decided.count() == 0, "keys count only a moment after the card came into sight"
    qtbot.waitUntil(card.ready)
    QTest.keyClick(card.once_button, Qt.Key.Key_Return)
    assert decided.count() == 1 and decided.at(0) == ["c1", "once"]
    assert card.current() is None


def test_a_minimised_window_announces_each_request_as_it_comes_up(wired: Wired) -> None:
    window, tray, card = wired.window, wired.desk.tray, wired.window.approval_card
    window.showMinimized()
    window.show_approval(ApprovalRequest("c1", "read_clipboard", {}))
    assert tray.last_message is not None and "read_clipboard" in tray.last_message[0]
    tray.last_message = None
    window.show_approval(ApprovalRequest("c2", "write_clipboard", {"text": "hi"}))
    assert card.pending() == ["c1", "c2"]
    assert tray.last_message is None, "queued behind the first: not up yet"
    window.withdraw_approval("c1")  # timed out: the next one comes up
    assert tray.last_message is not None and "write_clipboard" in tray.last_message[0]

    tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)  # the icon
    assert window.isVisible() and not window.isMinimized()
    assert window.focusWidget() is card.once_button
    tray.last_message = None
    window.show_approval(ApprovalRequest("c3", "open_url", {"url": "https://a.example/"}))
    assert tray.last_message is None, "in sight: the card speaks for itself"
    assert card.pending() == ["c2", "c3"]


def test_a_notification_whose_request_timed_out_still_opens_the_window(wired: Wired) -> None:
    window, tray = wired.window, wired.desk.tray
    _closed_to_tray(wired)
    window.show_approval(ApprovalRequest("c1", "open_url", {"url": "https://a.example/"}))
    window.withdraw_approval("c1")
    tray.icon.messageClicked.emit()
    assert window.isVisible()
    assert window.approval_card.current() is None


def test_plain_menu_text() -> None:
    assert plain("&Settings…") == "Settings"
    assert plain("Rock && Roll") == "Rock & Roll"
    assert plain("\u8bbe\u7f6e(&S)\u2026") == "\u8bbe\u7f6e"  # CJK: the letter in brackets
    assert plain("\u8bf4\u8bdd(&T)\uff1a") == "\u8bf4\u8bdd"
