"""Frames that Qt Multimedia pushes into a QVideoSink (camera, portal screen, window)."""

from __future__ import annotations

import threading

from PIL import Image
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import QVideoFrame, QVideoSink

from gemini_desk.vision.geometry import Rect


class SinkSource:
    """Keeps the latest frame a QVideoSink received; ``grab()`` converts it to an image.

    The slot only stores a reference (cheap, GUI thread); the conversion to RGB happens
    in ``grab()``, which the pump calls in its worker thread. ``crop`` (in the frame's
    pixels) cuts a region out of a whole-screen capture.
    """

    kind = "sink"

    def __init__(self, sink: QVideoSink | None = None, crop: Rect | None = None,
                 description: str = "") -> None:
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

    def grab(self) -> Image.Image | None:
        with self._lock:
            frame = self._frame
        if frame is None:
            return None
        image = frame.toImage()
        if image.isNull():
            return None
        return qimage_to_pil(image, self.crop)

    def close(self) -> None:
        with self._lock:
            self._frame = None


def qimage_to_pil(image: QImage, crop: Rect | None = None) -> Image.Image:
    """Copy a QImage (any format) into a Pillow RGB image, optionally cropped."""
    if crop is not None:
        image = image.copy(crop.x, crop.y, crop.w, crop.h)
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    data = bytes(rgb.constBits())  # own the pixels: the QImage dies with this call
    return Image.frombuffer("RGB", (w, h), data, "raw", "RGB", stride, 1)
