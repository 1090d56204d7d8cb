"""Audio level metering (RMS/peak in dBFS) for callbacks, and UI ballistics."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from gemini_desk.core.ballistics import Ballistics

__all__ = ["CLIP_THRESHOLD", "FLOOR_DB", "Ballistics", "LevelMeter", "LevelSnapshot", "to_db"]

FLOOR_DB = -90.0
CLIP_THRESHOLD = 0.999
# Amplitude at the floor: values below it are reported as FLOOR_DB.
_FLOOR_AMP = 10.0 ** (FLOOR_DB / 20.0)


def to_db(amplitude: float) -> float:
    """Amplitude (1.0 = full scale) to dBFS, floored at FLOOR_DB."""
    if amplitude <= _FLOOR_AMP:
        return FLOOR_DB
    return 20.0 * math.log10(amplitude)


@dataclass(frozen=True, slots=True)
class LevelSnapshot:
    rms_db: float
    peak_db: float
    clipped: bool


_SILENT = LevelSnapshot(FLOOR_DB, FLOOR_DB, False)


class LevelMeter:
    """RMS and peak of the last block, in dBFS (a full-scale sine reads -3.01 dB RMS).

    ``update()`` is called from the audio callback: it uses ``np.dot``/``argmax``/``argmin``,
    which create no temporary arrays. The result is published as one immutable
    ``LevelSnapshot`` (a single atomic attribute assignment), so readers on other threads
    always see a consistent triple.
    """

    def __init__(self) -> None:
        self._snap = _SILENT
        self.clip_count = 0  # blocks that clipped since creation (callback-owned)
        self._wake: Callable[[], None] | None = None
        self._wake_db = 0.0

    def wake_on_sound(self, callback: Callable[[], None], above_db: float) -> None:
        """Call ``callback`` once, on the audio thread, from the first block whose peak is
        above ``above_db`` (a level meter asleep in a silent room is woken by it)."""
        self._wake_db = above_db
        self._wake = callback

    def update(self, block: npt.NDArray[Any]) -> None:
        n = block.shape[0]
        if n == 0:
            return
        # dot() of a float32 vector with itself: sum of squares without a temporary.
        mean_sq = float(np.dot(block, block)) / n
        # argmax/argmin rather than max()/min(): numpy's reductions allocate ~1 KB of
        # iterator state per call, the arg-variants only a scalar (see the tracemalloc test).
        peak = max(float(block[block.argmax()]), -float(block[block.argmin()]))
        clipped = peak >= CLIP_THRESHOLD
        if clipped:
            self.clip_count += 1
        snap = self._snap = LevelSnapshot(to_db(math.sqrt(mean_sq)), to_db(peak), clipped)
        wake = self._wake
        if wake is not None and snap.peak_db > self._wake_db:
            self._wake = None
            wake()

    def reset(self) -> None:
        """Read the floor until the next update (e.g. while muted)."""
        self._snap = _SILENT

    def snapshot(self) -> LevelSnapshot:
        return self._snap

    @property
    def rms_db(self) -> float:
        return self._snap.rms_db

    @property
    def peak_db(self) -> float:
        return self._snap.peak_db

    @property
    def clipped(self) -> bool:
        return self._snap.clipped
