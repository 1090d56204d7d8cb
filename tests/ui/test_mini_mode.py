"""Mini mode: the always-on-top pill follows the desk, talks, mutes and remembers where
it was left."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QSignalSpy, QTest

from gemini_desk.core.desk_state import DeskState, SessionStatus, Shared, ShareKind, TalkState
from gemini_desk.core.events import SessionState
from gemini_desk.core.ptt import KeySource
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.core.status import Status
from gemini_desk.core.transcript import Role, Turn
from gemini_desk.desktop.mini_wiring import MiniWiring, parse_position
from gemini_desk.desktop.status_wiring import StatusWiring
from gemini_desk.ui.main_window import MainWindow
from gemini_desk.ui.tray import TrayIcon
from gemini_desk.vision.encode import make_frame
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


def _silent() -> tuple[float, float, bool]:
    return float("-inf"), float("-inf"), False


class Talk:
    """Records the talk edges the pill's button gives (as TalkController takes them)."""

    def __init__(self) -> None:
        self.edges: list[tuple[str, KeySource]] = []

    def press(self, source: KeySource) -> None:
        self.edges.append(("press", source))

    def release(self, source: KeySource) -> None:
        self.edges.append(("release", source))


class Rig:
    def __init__(self) -> None:
        self.window = MainWindow(_silent, _silent)
        self.state = DeskState()
        self.status = StatusWiring(self.state)
        self.saved: list[Settings] = []
        self.settings = SettingsModel(Settings(), save=self.saved.append)
        self.talk = Talk()
        self.tray = TrayIcon()
        self.wiring = MiniWiring(
            self.window,
            self.state,
            self.status,
            self.settings,
            self.talk,  # type: ignore[arg-type]
            _silent,
            self.tray,
        )
        # The window's mute goes to the desk's state, as the conversation does.
        self.window.muteToggled.connect(self.state.muted.set)


@pytest.fixture
def rig(qapp, tmp_path: Path) -> Iterator[Rig]:  # noqa: F811
    r = Rig()
    r.window.show()
    yield r
    r.wiring.stop()
    r.window.close_now()
    r.window.deleteLater()
    r.wiring.mini.deleteLater()
    process_events()


def test_ctrl_shift_m_swaps_the_window_for_the_pill_and_back(rig: Rig) -> None:
    assert rig.window.mini_action.shortcut().toString() == "Ctrl+Shift+M"
    rig.window.mini_action.trigger()
    mini = rig.wiring.mini
    assert mini.isVisible() and not rig.window.isVisible()
    assert mini.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert mini.windowFlags() & Qt.WindowType.FramelessWindowHint
    rig.tray.mini_action.trigger()  # the tray's item toggles it too
    assert not mini.isVisible() and rig.window.isVisible()
    rig.tray.mini_action.trigger()
    assert mini.isVisible()
    QTest.mouseClick(mini.expand_button, Qt.MouseButton.LeftButton)
    assert not mini.isVisible() and rig.window.isVisible()


def test_the_pill_follows_the_desk_and_mutes(rig: Rig) -> None:
    rig.wiring.enter()
    mini = rig.wiring.mini
    assert mini.pill.status is Status.OFFLINE
    rig.state.session.set(SessionStatus(SessionState.CONNECTED))
    rig.state.talk.set(TalkState.HANDS_FREE)
    assert mini.pill.status is Status.LISTENING
    rig.state.thinking.set(True)
    assert mini.pill.status is Status.THINKING
    rig.state.talk.set(TalkState.SPEAKING)
    assert mini.pill.status is Status.SPEAKING
    assert mini.pill.accessibleName() == "Status: Speaking"
    muted = QSignalSpy(rig.window.muteToggled)
    QTest.mouseClick(mini.pill, Qt.MouseButton.LeftButton)
    assert muted.count() == 1 and muted.at(0) == [True]
    assert rig.state.muted.value and rig.window.mute_action.isChecked()
    assert mini.pill.status is Status.MUTED


def test_captions_of_both_sides_and_the_sharing_indicator(rig: Rig) -> None:
    rig.wiring.enter()
    mini = rig.wiring.mini
    rig.window.show_turn(Turn(1, Role.USER, "", 0.0, False, interim="what is on my"))
    assert mini.you.text() == "You: what is on my"
    rig.window.show_turn(Turn(1, Role.USER, "What is on my screen?", 0.0, True))
    rig.window.show_turn(Turn(2, Role.MODEL, "A chart with " + "five bars " * 20))
    assert mini.you.text() == "You: What is on my screen?"
    assert mini.gemini.text().startswith("Gemini: …") and mini.gemini.text().endswith("bars")
    assert mini.sharing.isHidden()
    rig.state.sharing.set(Shared(ShareKind.REGION, 640, 400))
    assert mini.sharing.isVisible()
    image = QImage(320, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366cc"))
    rig.window.share_bar.preview.show_frame(make_frame(image, 1024, False, 80))
    assert mini.last_frame().cacheKey() == rig.window.share_bar.preview.image.pixmap().cacheKey()
    rig.state.sharing.set(None)
    assert mini.sharing.isHidden()


def test_push_to_talk_button_and_remembered_position(rig: Rig) -> None:
    mini = rig.wiring.mini
    assert mini.talk_button.isHidden()
    rig.settings.update(talk_mode="push_to_talk")
    rig.wiring.enter()
    assert mini.talk_button.isVisible()
    QTest.mousePress(mini.talk_button, Qt.MouseButton.LeftButton)
    QTest.mouseRelease(mini.talk_button, Qt.MouseButton.LeftButton)
    assert rig.talk.edges == [("press", KeySource.BUTTON), ("release", KeySource.BUTTON)]
    # Dragged by its background and dropped: the place is saved.
    where = QPoint(5, mini.height() // 2)
    QTest.mousePress(mini, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where)
    mini.move(40, 50)
    QTest.mouseRelease(mini, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where)
    assert rig.settings.current.mini_position == "40,50"
    rig.wiring.leave()
    rig.wiring.enter()
    assert mini.pos() == QPoint(40, 50)


def test_a_position_off_every_screen_is_brought_back(rig: Rig) -> None:
    rig.settings.update(mini_position="-5000,-5000")
    rig.wiring.enter()
    screen = rig.window.screen().availableGeometry()
    assert screen.contains(rig.wiring.mini.frameGeometry())
    assert parse_position("12,34") == QPoint(12, 34)
    assert parse_position("") is None and parse_position("a,b") is None
