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


def qscreen_for(region: Rect) -> QScreen | None:
    """The QScreen holding the region's centre."""
    for screen in QGuiApplication.screens():
        g = screen.geometry()
        if g.contains(region.x + region.w // 2, region.y + region.h // 2):
            return screen
    return QGuiApplication.primaryScreen()
