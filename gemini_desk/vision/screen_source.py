"""Grab a physical-pixel rectangle of the screen with mss (X11, Windows, macOS)."""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtGui import QImage

from gemini_desk.vision.geometry import Rect

log = logging.getLogger("gemini_desk.vision")


class ScreenRegionSource:
    """Frames of one screen rectangle, in device pixels.

    ``grab()`` runs in the pump's worker thread. mss keeps per-thread X resources, so
    the grabber is created lazily in whichever thread grabs first and closed by ``close()``.
    """

    kind = "screen"

    def __init__(self, physical: Rect, description: str = "") -> None:
        self.physical = physical
        self.description = description or f"{physical.w}\u00d7{physical.h} region"
        self._local = threading.local()
        self._grabbers: list[Any] = []
        self._lock = threading.Lock()

    def _grabber(self) -> Any:
        grabber = getattr(self._local, "grabber", None)
        if grabber is None:
            import mss

            grabber = mss.MSS() if hasattr(mss, "MSS") else mss.mss()
            self._local.grabber = grabber
            with self._lock:
                self._grabbers.append(grabber)
        return grabber

    def grab(self) -> QImage | None:
        r = self.physical
        shot = self._grabber().grab({"left": r.x, "top": r.y, "width": r.w, "height": r.h})
        # mss gives BGRA, which is QImage's RGB32 layout on little-endian machines: wrap
        # its own fresh bytearray without converting (QImage keeps it alive). Not
        # ``shot.bgra``: that copies the 8 MB of a 1080p frame into new bytes, ~8 ms of
        # page faults here against ~0.5 ms for the whole grab.
        w, h = shot.size
        return QImage(shot.raw, w, h, 4 * w, QImage.Format.Format_RGB32)

    def close(self) -> None:
        with self._lock:
            grabbers, self._grabbers = self._grabbers, []
        for grabber in grabbers:
            try:
                grabber.close()
            except Exception as exc:  # closing must never block stopping
                log.debug("closing the screen grabber failed: %r", exc)
