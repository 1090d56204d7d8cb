"""Wayland screen sharing's desktop side: the portal source and the region selector on it.

Share ▸ Region on Wayland asks the desktop's ScreenCast picker first; once the chosen
stream gives its first frame, :class:`~gemini_desk.ui.frame_selector.FrameSelector`
shows that frame full screen and the region is chosen on it (vision/region_flow.py
orders the steps; vision/portal_source.py does them).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QPoint
from PySide6.QtGui import QGuiApplication, QImage

from gemini_desk.core.messages import Message
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.ui.frame_selector import FrameSelector
from gemini_desk.vision.geometry import Rect, parse_region
from gemini_desk.vision.portal_source import PortalRegionSource, crop_in_stream
from gemini_desk.vision.screencast_flow import WINDOW

log = logging.getLogger("gemini_desk.vision")


def scale_at(x: int, y: int) -> float:
    """The device pixel ratio of the monitor at a logical point."""
    screen = QGuiApplication.screenAt(QPoint(x, y)) or QGuiApplication.primaryScreen()
    return screen.devicePixelRatio() if screen is not None else 1.0


def portal_source(
    settings: SettingsModel,
    region: Rect | None,
    description: str,
    on_failed: Callable[[Message], None],
    select: bool = False,
) -> PortalRegionSource:
    """The desktop's ScreenCast picker chooses; ``region`` (logical) is cut from it, or
    with ``select`` the user chooses the region on the stream (None and no ``select``:
    the whole monitor or window chosen). The choice of a monitor for a region is kept
    (a restore token in the settings): a region known up front needs no picker next
    time; choosing a region on the stream always shows the picker (another monitor
    may be wanted), and keeps its token for a restart after a disconnection. A window
    is remembered while the app runs (a new "Share a window" asks again)."""

    def keep(token: str) -> None:
        settings.update(share_restore_token=token)

    current = settings.current
    fps = max(1, round(current.share_fps * 2))
    if region is not None:
        persist, token, on_token = 2, current.share_restore_token, keep
    elif select:
        persist, token, on_token = 2, "", keep
    else:
        persist, token, on_token = 1, "", None
    source = PortalRegionSource(
        region, description, scale_at, fps, persist, token, on_token, select=select
    )
    source.failed.connect(on_failed)
    return source


class FrameSelection:
    """Shows the selector when ``source`` asks for it, and gives it the answer.

    The remembered region (``share_last_region``, logical desktop pixels) is
    preselected when it lies on the stream, and the region chosen on a monitor's
    stream is remembered the same way. ``on_chosen(region)`` hears the region chosen
    (stream pixels) and ``on_cancelled()`` the selector cancelled.
    """

    def __init__(
        self,
        source: PortalRegionSource,
        settings: SettingsModel,
        on_chosen: Callable[[Rect], None],
        on_cancelled: Callable[[], None],
    ) -> None:
        self.source = source
        self.selector: FrameSelector | None = None
        self._settings = settings
        source.selectOn.connect(self._show)
        source.selectOff.connect(self._close)
        source.chosen.connect(self._remember)
        source.chosen.connect(on_chosen)
        source.cancelled.connect(on_cancelled)

    def _last_region(self) -> Rect | None:
        try:
            return parse_region(self._settings.current.share_last_region)
        except ValueError:
            return None

    def _remember(self, rect: Rect) -> None:
        stream = self.source.stream
        if stream is None or stream.position is None or stream.source_type == WINDOW:
            return  # a window's pixels have no place on the desktop
        x, y = stream.position
        scale = scale_at(x, y)
        logical = Rect(
            x + round(rect.x / scale),
            y + round(rect.y / scale),
            round(rect.w / scale),
            round(rect.h / scale),
        )
        self._settings.update(share_last_region=logical.as_text())

    def _show(self, image: QImage) -> None:
        self._close()
        stream = self.source.stream
        initial = None
        if stream is not None:
            found = crop_in_stream(
                self._last_region(), stream, scale_at(*(stream.position or (0, 0)))
            )
            initial = found if isinstance(found, Rect) else None
        selector = FrameSelector(image, initial)
        selector.regionSelected.connect(self.source.choose)
        selector.cancelled.connect(self.source.cancel_selection)
        self.selector = selector
        log.info("region selector shown over the stream (%d x %d)", image.width(), image.height())
        selector.start()

    def _close(self) -> None:
        selector, self.selector = self.selector, None
        if selector is not None and selector.isVisible():
            selector.regionSelected.disconnect(self.source.choose)
            selector.cancelled.disconnect(self.source.cancel_selection)
            selector.cancel()
