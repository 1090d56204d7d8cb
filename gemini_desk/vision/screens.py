"""Qt's screens as plain ScreenInfo records (logical geometry, scale, physical origin)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QScreen

from gemini_desk.vision.geometry import Rect, ScreenInfo


def screen_info(screen: QScreen) -> ScreenInfo:
    g = screen.geometry()
    # Qt keeps a screen's logical top-left at its native top-left and scales only sizes
    # (QHighDpi), so the physical origin is the logical one.
    return ScreenInfo(
        screen.name(),
        Rect(g.x(), g.y(), g.width(), g.height()),
        screen.devicePixelRatio(),
        g.x(),
        g.y(),
    )


def all_screens() -> list[ScreenInfo]:
    return [screen_info(s) for s in QGuiApplication.screens()]
