"""Which Qt warnings are demoted to DEBUG: Qt Wayland's text-input focus noise only."""

from __future__ import annotations

import pytest

from gemini_desk.platform.qt_noise import is_noise

# Copied from the app's log on headless sway 1.7 (Qt 6.11.3), before the fix.
SEEN = (
    "virtual void QtWaylandClient::QWaylandTextInputv3::disableSurface(wl_surface*) "
    "Trying to disable 0x5590705774b0 but 0x0 is focused"
)


# With a keyboard on the seat, when a dialog takes the focus from the main window.
SEEN_ENABLE = (
    "virtual void QtWaylandClient::QWaylandTextInputv3::enableSurface(wl_surface*) "
    "Trying to enable 0x14d4b030 but 0x15195b00 has focus"
)


def test_the_text_input_warning_seen_on_sway_is_noise() -> None:
    assert is_noise("qt.qpa.wayland.textinput", SEEN)


def test_enabling_text_input_while_another_surface_has_it_is_noise() -> None:
    assert is_noise("qt.qpa.wayland.textinput", SEEN_ENABLE)


@pytest.mark.parametrize(
    ("category", "message"),
    [
        ("qt.qpa.wayland", SEEN),  # the same words in another category
        ("qt.qpa.wayland.textinput", "Failed to bind zwp_text_input_manager_v3"),
        ("qt.multimedia.ffmpeg", "Trying to disable 0x1 but 0x0 is focused"),
        ("default", "QWidget::repaint: Recursive repaint detected"),
    ],
)
def test_other_warnings_are_not(category: str, message: str) -> None:
    assert not is_noise(category, message)
