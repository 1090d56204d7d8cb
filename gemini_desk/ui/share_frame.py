"""A visible frame just outside the shared region (so it is never in the frames sent), or
just inside a side that has no screen beyond it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QPalette, QRegion
from PySide6.QtWidgets import QWidget

from gemini_desk.ui.colours import colour
from gemini_desk.vision.geometry import Rect

FRAME_COLOR = colour("overlay.accent", dark=False)  # the same in both variants
THICKNESS = 4
# How often a followed window is looked up: a moved window's frame catches up within a
# quarter of a second, for a few local X round trips each time.
FOLLOW_MS = 250


class ShareFrame:
    """Four thin always-on-top strips around ``region`` (logical pixels), click-through.

    Strips rather than one hollow window: they need no compositor or window shape, and
    none of their pixels lies inside the captured rectangle. A side with no screen
    beyond it (a whole-screen share, a region against the edge) is drawn just inside
    the region instead: always visible, and then part of what is sent. ``follow()``
    keeps it around something that moves (a shared window).
    """

    def __init__(self, thickness: int = THICKNESS) -> None:
        self.thickness = thickness
        self.strips = [_Strip() for _ in range(4)]
        self.region: Rect | None = None
        self._locate: Callable[[], Rect | None] | None = None
        self._timer = QTimer()
        self._timer.timeout.connect(self._follow_tick)

    def show_around(self, region: Rect) -> None:
        self._stop_following()
        self._place(region)

    def follow(self, locate: Callable[[], Rect | None], interval_ms: int = FOLLOW_MS) -> None:
        """Keep the frame around whatever ``locate()`` finds (logical pixels; a shared
        window), asking every ``interval_ms`` on the GUI thread; hidden while it finds
        nothing (the window is minimised or closed)."""
        self.hide()
        self._locate = locate
        self._timer.start(interval_ms)
        self._follow_tick()

    @property
    def following(self) -> bool:
        return self._locate is not None

    def hide(self) -> None:
        self._stop_following()
        self._hide_strips()

    def close(self) -> None:
        self._stop_following()
        for strip in self.strips:
            strip.close()
            strip.deleteLater()
        self.strips = []

    @property
    def visible(self) -> bool:
        return any(s.isVisible() for s in self.strips)

    def _place(self, region: Rect) -> None:
        self.region = region
        for strip, rect in zip(self.strips, strip_rects(region, self.thickness), strict=True):
            strip.setGeometry(rect)
            strip.show()
            if QGuiApplication.platformName() != "offscreen":  # it cannot stack windows
                strip.raise_()

    def _hide_strips(self) -> None:
        self.region = None
        for strip in self.strips:
            strip.hide()

    def _follow_tick(self) -> None:
        if self._locate is None:
            return
        region = self._locate()
        if region is None:
            self._hide_strips()
        elif region != self.region:
            self._place(region)

    def _stop_following(self) -> None:
        self._timer.stop()
        self._locate = None


def strip_rects(region: Rect, t: int, screens: list[QRect] | None = None) -> list[QRect]:
    """Top, bottom, left and right strips: outside ``region`` where a screen shows them,
    else just inside that side (``screens``: the screens' geometries, Qt's by default)."""
    if screens is None:
        screens = [s.geometry() for s in QGuiApplication.screens()]
    desktop = QRegion()
    for g in screens:
        desktop = desktop.united(QRegion(g))

    def shown(rect: QRect) -> bool:
        return QRegion(rect).subtracted(desktop).isEmpty()

    x, y, w, h = region.x, region.y, region.w, region.h
    left_out = shown(QRect(x - t, y, t, h))
    right_out = shown(QRect(x + w, y, t, h))
    left = QRect(x - t, y, t, h) if left_out else QRect(x, y, t, h)
    right = QRect(x + w, y, t, h) if right_out else QRect(x + w - t, y, t, h)
    # Top and bottom reach over the corners of the sides that are outside.
    x0 = x - t if left_out else x
    span = x + w + (t if right_out else 0) - x0
    top_out = QRect(x0, y - t, span, t)
    bottom_out = QRect(x0, y + h, span, t)
    top = top_out if shown(top_out) else QRect(x0, y, span, t)
    bottom = bottom_out if shown(bottom_out) else QRect(x0, y + h - t, span, t)
    return [top, bottom, left, right]


def tool_window_flag() -> Qt.WindowType:
    """``Tool`` (no taskbar entry, stays with the app), except on the offscreen plugin,
    which cannot stack windows and warns each time a Tool window is shown."""
    if QGuiApplication.platformName() == "offscreen":
        return Qt.WindowType.Window
    return Qt.WindowType.Tool


class _Strip(QWidget):
    def __init__(self) -> None:
        super().__init__(None)
        self.setObjectName("shareFrameStrip")
        self.setWindowTitle("Gemini Desk sharing frame")
        self.setWindowFlags(
            Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | tool_window_flag()
            | Qt.WindowType.WindowTransparentForInput
            | Qt.WindowType.WindowDoesNotAcceptFocus
            | Qt.WindowType.X11BypassWindowManagerHint
        )
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, FRAME_COLOR)
        self.setPalette(palette)
        self.setAutoFillBackground(True)
