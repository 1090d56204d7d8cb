"""A visible frame just outside the shared region, so it is never in the frames sent."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QWidget

from gemini_desk.vision.geometry import Rect

FRAME_COLOR = QColor("#ff2d55")
THICKNESS = 4


class ShareFrame:
    """Four thin always-on-top strips around ``region`` (logical pixels), click-through.

    Strips rather than one hollow window: they need no compositor or window shape, and
    none of their pixels lies inside the captured rectangle. Where the region touches a
    screen edge that side of the frame is off screen.
    """

    def __init__(self, thickness: int = THICKNESS) -> None:
        self.thickness = thickness
        self.strips = [_Strip() for _ in range(4)]
        self.region: Rect | None = None

    def show_around(self, region: Rect) -> None:
        self.region = region
        t = self.thickness
        x, y, w, h = region.x, region.y, region.w, region.h
        rects = [
            QRect(x - t, y - t, w + 2 * t, t),  # top
            QRect(x - t, y + h, w + 2 * t, t),  # bottom
            QRect(x - t, y, t, h),  # left
            QRect(x + w, y, t, h),  # right
        ]
        for strip, rect in zip(self.strips, rects, strict=True):
            strip.setGeometry(rect)
            strip.show()
            if QGuiApplication.platformName() != "offscreen":  # it cannot stack windows
                strip.raise_()

    def hide(self) -> None:
        self.region = None
        for strip in self.strips:
            strip.hide()

    def close(self) -> None:
        for strip in self.strips:
            strip.close()
            strip.deleteLater()
        self.strips = []

    @property
    def visible(self) -> bool:
        return any(s.isVisible() for s in self.strips)


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
