"""The sharing frame following a moving target, and device-to-logical mapping (issue 18 #14).

The real X11 case (a window moved on Xvfb) is tests/e2e/test_window_frame_e2e.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from gemini_desk.ui.share_frame import ShareFrame
from gemini_desk.vision.geometry import Rect, ScreenInfo
from gemini_desk.vision.x11_windows import X11Windows, to_logical
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


def until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        process_events(10)


def test_frame_follows_what_locate_finds_and_hides_while_it_finds_nothing(qapp) -> None:  # noqa: F811
    where: list[Rect | None] = [Rect(100, 120, 300, 200)]
    calls = [0]

    def locate() -> Rect | None:
        calls[0] += 1
        return where[0]

    frame = ShareFrame()
    try:
        frame.follow(locate, interval_ms=20)
        assert frame.visible and frame.region == Rect(100, 120, 300, 200)  # at once
        top = frame.strips[0].geometry()
        assert (top.x(), top.y(), top.width()) == (96, 116, 308)  # outside, over the corners

        where[0] = Rect(400, 300, 250, 150)  # moved and resized
        until(lambda: frame.region == Rect(400, 300, 250, 150))
        assert frame.strips[2].geometry().getRect() == (396, 300, 4, 150)  # left strip

        where[0] = None  # minimised or closed: no frame, still following
        until(lambda: not frame.visible)
        assert frame.following and frame.region is None
        where[0] = Rect(10, 20, 300, 200)
        until(lambda: frame.visible and frame.region == Rect(10, 20, 300, 200))

        frame.hide()  # sharing stopped: nothing is looked up any more
        asked = calls[0]
        process_events(100)
        assert calls[0] == asked and not frame.visible and not frame.following

        frame.show_around(Rect(50, 50, 100, 100))  # a region: fixed, not followed
        assert frame.visible and not frame.following
    finally:
        frame.close()


def test_device_pixels_map_to_logical_per_screen() -> None:
    screens = [
        ScreenInfo("primary", Rect(0, 0, 1920, 1080), 1.0, 0, 0),
        ScreenInfo("hidpi", Rect(1920, 0, 1280, 720), 2.0, 1920, 0),  # 2560x1440 device
        ScreenInfo("left", Rect(-1280, -200, 1280, 1024), 1.0, -1280, -200),
    ]
    assert to_logical(Rect(100, 50, 400, 300), screens) == Rect(100, 50, 400, 300)
    assert to_logical(Rect(1920 + 200, 100, 800, 600), screens) == Rect(2020, 50, 400, 300)
    assert to_logical(Rect(-1000, -100, 200, 100), screens) == Rect(-1000, -100, 200, 100)
    # Nowhere on a screen: left as it is.
    assert to_logical(Rect(9000, 9000, 10, 10), screens) == Rect(9000, 9000, 10, 10)


def test_no_x_display_means_no_window_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)  # Wayland without XWayland, say
    assert X11Windows.open() is None  # None, not an error
