"""Frames that Qt Multimedia pushes into a QVideoSink (camera, portal screen, window)."""

from __future__ import annotations

import threading

from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QVideoFrame, QVideoFrameFormat, QVideoSink

from gemini_desk.vision.geometry import Rect


class SinkSource:
    """Keeps the latest frame a QVideoSink received; ``grab()`` converts it to an image.

    The slot only stores a reference (cheap, GUI thread); the conversion to RGB happens
    in ``grab()``, which the pump calls in its worker thread. ``crop`` (in the frame's
    pixels) cuts a region out of a whole-screen capture.
    """

    kind = "sink"

    def __init__(
        self, sink: QVideoSink | None = None, crop: Rect | None = None, description: str = ""
    ) -> None:
        self.sink = sink or QVideoSink()
        self.crop = crop
        self.description = description
        self._lock = threading.Lock()
        self._frame: QVideoFrame | None = None
        self.frames_seen = 0
        self.sink.videoFrameChanged.connect(self._on_frame)

    def _on_frame(self, frame: QVideoFrame) -> None:
        if not frame.isValid():
            return
        with self._lock:
            self._frame = QVideoFrame(frame)
            self.frames_seen += 1

    def grab(self) -> QImage | None:
        with self._lock:
            frame = self._frame
        if frame is None:
            return None
        image = _rgb_image(frame)
        if image is None:
            # YUV and other formats: Qt converts (on the CPU when there is no GPU).
            image = frame.toImage()
        if image.isNull():
            return None
        if self.crop is not None:
            c = self.crop
            image = image.copy(c.x, c.y, c.w, c.h)
        return image

    def close(self) -> None:
        with self._lock:
            self._frame = None


def _rgb_image(frame: QVideoFrame) -> QImage | None:
    """Read an RGB-family frame's pixels directly (no conversion pipeline); else None."""
    fmt = QVideoFrameFormat.imageFormatFromPixelFormat(frame.pixelFormat())
    if fmt == QImage.Format.Format_Invalid:
        return None
    copy = QVideoFrame(frame)
    if not copy.map(QVideoFrame.MapMode.ReadOnly):
        return None
    try:
        bits = bytes(copy.bits(0))  # own the pixels before unmapping
        return QImage(bits, copy.width(), copy.height(), copy.bytesPerLine(0), fmt).copy()
    finally:
        copy.unmap()
