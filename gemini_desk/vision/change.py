"""Cheap change detection: compare small grey thumbnails of consecutive frames."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

THUMB_COLUMNS = 160  # cells across: a 1920-px-wide frame gives 12-px cells


def thumbnail(image: QImage) -> np.ndarray:
    """A ~160-column grey thumbnail, area-averaged so that one typed letter still shows."""
    w, h = image.width(), image.height()
    cols = min(THUMB_COLUMNS, w)
    rows = max(1, round(h * cols / w))
    small = image.scaled(
        cols, rows, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation
    ).convertToFormat(QImage.Format.Format_Grayscale8)
    data = np.frombuffer(small.constBits(), np.uint8, count=small.bytesPerLine() * rows)
    return data.reshape(rows, small.bytesPerLine())[:, :cols].astype(np.int16)


class ChangeDetector:
    """Says whether a frame differs from the last one that was *sent*.

    Comparing against the last sent frame (not the previous grab) lets slow drifts add up
    until they count. ``threshold`` is the largest per-cell difference (0-255 grey levels)
    still treated as "the same": one changed digit of small text moves a cell by ~6, a
    camera's grain averaged over a cell by ~1.
    """

    def __init__(self, threshold: int = 3) -> None:
        self.threshold = threshold
        self._last: np.ndarray | None = None

    def changed(self, thumb: np.ndarray) -> bool:
        last = self._last
        if last is None or last.shape != thumb.shape:
            return True
        return int(np.max(np.abs(thumb - last))) > self.threshold

    def mark_sent(self, thumb: np.ndarray) -> None:
        self._last = thumb

    def reset(self) -> None:
        self._last = None
