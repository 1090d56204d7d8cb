"""Light and dark palettes: the window's custom colours follow the system palette live."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from gemini_desk.core.events import SessionState
from gemini_desk.core.status import Status
from gemini_desk.core.transcript import Role, Turn
from gemini_desk.ui.colours import colour
from gemini_desk.ui.main_window import MainWindow
from gemini_desk.ui.theme import is_dark
from tests.support.palettes import dark_palette
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


def _floor() -> tuple[float, float, bool]:
    return (-90.0, -90.0, False)


def _centre(widget: QWidget, dx: int = 0, dy: int = 0) -> QColor:
    image = widget.grab().toImage()
    return image.pixelColor(min(image.width() - 1, 6 + dx), image.height() // 2 + dy)


def _fill(pill: QWidget) -> QColor:
    """The pill's background, above its text."""
    image = pill.grab().toImage()
    return image.pixelColor(image.width() // 2, max(4, image.height() // 6))


@pytest.fixture
def palettes(qapp: QApplication) -> Iterator[tuple[QPalette, QPalette]]:  # noqa: F811
    # The offscreen platform's style is Fusion, which draws with the palette (as the
    # desktops' own styles do). The style itself is never swapped here: other tests'
    # widgets may still exist, and replacing the style under them is not safe.
    light = QPalette(qapp.palette())
    yield light, dark_palette()
    qapp.setPalette(light)
    process_events()


def test_window_follows_light_and_dark(qapp: QApplication, palettes, qtbot: QtBot) -> None:  # noqa: F811
    light, dark = palettes
    qapp.setPalette(light)
    window = MainWindow(_floor, _floor)
    window.set_session_state(SessionState.CONNECTED)
    window.show_turn(Turn(1, Role.USER, "hello there"))
    window.show_turn(Turn(2, Role.MODEL, "hi, how can I help?", finished=True))
    window.show_error("Something went wrong.")
    window.set_demo_mode(True)
    window.talk_bar.set_mode("push_to_talk")
    window.talk_bar.set_state("idle")  # the light blue of the ready talk button
    window.talk_bar.set_hint("Hold F8 in this window to talk.")
    window.set_status(Status.MUTED)  # the pink of the muted pill
    window.resize(900, 640)
    window.show()
    qtbot.waitExposed(window)
    talk = window.talk_bar.button
    banner = window.notices
    assert not is_dark()
    light_talk = _centre(talk)
    light_banner = _centre(banner)
    light_demo = window.demo_label.palette().color(window.demo_label.foregroundRole())
    pill = window.status.pill
    light_pill = _fill(pill)
    assert light_talk.lightness() > 150 and light_pill.lightness() > 150

    qapp.setPalette(dark)
    assert is_dark()
    # The talk button and the pill take their dark variants: no light blue, no pink.
    qtbot.waitUntil(lambda: _centre(talk).lightness() < 80)
    qtbot.waitUntil(lambda: _fill(pill).lightness() < 80)
    # The error banner switches to its dark pair: dark background, light text.
    assert _centre(banner).lightness() < 80 < light_banner.lightness()
    text = banner.findChild(QWidget, "noticeText")
    assert text is not None and text.palette().color(text.foregroundRole()).lightness() > 180
    # The demo note stays readable: light on dark now, dark on light before.
    dark_demo = window.demo_label.palette().color(window.demo_label.foregroundRole())
    assert light_demo.lightness() < 100 < dark_demo.lightness()
    # Transcript bubbles take their colours from the palette.
    view = window.transcript
    model = view.findChild(QWidget, "modelBubble")
    user = view.findChild(QWidget, "userBubble")
    assert model is not None and user is not None
    assert _centre(model, dx=4).lightness() < 80
    assert _centre(user, dx=4).lightness() < 100
    hint = window.talk_bar.hint
    assert hint.palette().color(hint.foregroundRole()) == colour("subtle.fg", dark=True)

    qapp.setPalette(light)  # and back
    qtbot.waitUntil(lambda: _centre(talk).lightness() > 150)
    assert _centre(model, dx=4).lightness() > 150
    window.close_now()
    window.deleteLater()
    process_events()
