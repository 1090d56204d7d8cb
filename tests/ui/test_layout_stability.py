"""Nothing in the window changes size when the state changes: the status element walks
through every state with a populated transcript, in both talk modes, and the
transcript's geometry and the window's size stay exactly the same."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtGui import QColor, QImage

from gemini_desk.core.desk_state import Shared, ShareKind, TalkState
from gemini_desk.core.events import SessionState
from gemini_desk.core.status import Status
from gemini_desk.core.transcript import Role, Turn
from gemini_desk.ui.main_window import MainWindow
from gemini_desk.vision.encode import make_frame
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


def _level() -> tuple[float, float, bool]:
    return (-18.0, -6.0, False)


@pytest.fixture
def window(qapp) -> Iterator[MainWindow]:  # noqa: F811
    win = MainWindow(_level, _level)
    win.resize(760, 560)
    win.show()
    for i in range(1, 9):
        role = Role.USER if i % 2 else Role.MODEL
        win.show_turn(Turn(i, role, f"Turn {i}: " + "words of the conversation " * 6, 0.0, True))
    process_events()
    yield win
    win.close_now()
    win.deleteLater()


def _frame() -> object:
    image = QImage(320, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("#3366cc"))
    return make_frame(image, 1024, False, 80)


# (session state, talk state, muted, shared) -> the status the desk computes for them
STEPS: list[tuple[SessionState, TalkState, bool, bool, Status]] = [
    (SessionState.DISCONNECTED, TalkState.OFFLINE, False, False, Status.OFFLINE),
    (SessionState.CONNECTING, TalkState.OFFLINE, False, False, Status.CONNECTING),
    (SessionState.CONNECTED, TalkState.IDLE, False, False, Status.READY),
    (SessionState.CONNECTED, TalkState.LISTENING, False, False, Status.LISTENING),
    (SessionState.CONNECTED, TalkState.IDLE, False, False, Status.THINKING),
    (SessionState.CONNECTED, TalkState.SPEAKING, False, False, Status.SPEAKING),
    (SessionState.CONNECTED, TalkState.MUTED, True, False, Status.MUTED),
    (SessionState.CONNECTED, TalkState.IDLE, False, True, Status.SHARING),
    (SessionState.RECONNECTING, TalkState.IDLE, False, True, Status.CONNECTING),
    (SessionState.CLOSING, TalkState.OFFLINE, False, False, Status.OFFLINE),
    (SessionState.DISCONNECTED, TalkState.OFFLINE, False, False, Status.OFFLINE),
]


def _geometry(window: MainWindow) -> tuple[QRect, tuple[int, int], QRect]:
    view = window.transcript
    top_left = view.mapTo(window, QPoint(0, 0))
    pill = window.status.pill
    return (
        QRect(top_left, view.size()),
        (window.width(), window.height()),
        QRect(pill.mapTo(window, QPoint(0, 0)), pill.size()),
    )


@pytest.mark.parametrize("mode", ["push_to_talk", "hands_free"])
def test_every_state_keeps_the_layout(window: MainWindow, mode: str) -> None:
    window.talk_bar.set_mode(mode)
    window.set_model("gemini-3.8-live")
    process_events()
    first = _geometry(window)
    seen = []
    for session, talk, muted, shared, status in STEPS:
        window.set_session_state(session)
        window.talk_bar.set_state(talk if mode == "push_to_talk" else _hands_free(talk))
        window.set_muted(muted)
        window.set_voice_activity(status is Status.LISTENING)
        window.share_bar.set_sharing(Shared(ShareKind.REGION, 1200, 600) if shared else None)
        if shared:
            window.share_bar.preview.show_frame(_frame())  # type: ignore[arg-type]
        window.set_status(status)
        window.set_latency(412.0 if status is Status.SPEAKING else None)
        process_events()
        assert window.status.status is status
        seen.append(status)
        assert _geometry(window) == first, status
    assert set(seen) == set(Status)


def _hands_free(talk: TalkState) -> TalkState:
    return {
        TalkState.IDLE: TalkState.HANDS_FREE,
        TalkState.LISTENING: TalkState.HANDS_FREE,
    }.get(talk, talk)


def test_the_pill_is_one_size_in_every_state_and_language(qapp) -> None:  # noqa: F811
    window = MainWindow(_level, _level)
    sizes = set()
    for status in Status:
        window.set_status(status)
        sizes.add((window.status.pill.size().width(), window.status.pill.size().height()))
    assert len(sizes) == 1
    window.close_now()
    window.deleteLater()
