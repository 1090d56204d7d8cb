"""Cheap change detection: compare small grey thumbnails of consecutive frames."""

from __future__ import annotations

import numpy as np
from PIL import Image

THUMB_COLUMNS = 64  # cells across; each cell averages a block of ~width/64 pixels


def thumbnail(image: Image.Image) -> np.ndarray:
    """A ~64-column grey thumbnail (box-averaged, so one typed letter still shows)."""
    w, h = image.size
    cols = min(THUMB_COLUMNS, w)
    rows = max(1, round(h * cols / w))
    small = image.convert("L").resize((cols, rows), Image.Resampling.BOX)
    return np.asarray(small, dtype=np.int16)


class ChangeDetector:
    """Says whether a frame differs from the last one that was *sent*.

    Comparing against the last sent frame (not the previous grab) lets slow drifts add up
    until they count. ``threshold`` is the largest per-cell difference (0–255 grey levels)
    still treated as "the same": it absorbs JPEG-free noise such as a camera's grain.
    """

    def __init__(self, threshold: int = 6) -> None:
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
