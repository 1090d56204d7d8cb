"""How much echo the canceller removes (ERLE), from its own input and output levels."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

__all__ = ["ErleEstimate", "ErleMeter"]

# The far end counts as playing above this level (dBFS of what the speaker emitted).
FAR_ACTIVE_DB = -50.0
# The microphone hears the far end when its input is above this: below it there is no
# echo to remove (headphones, the speaker turned down), and no reduction to measure.
ECHO_HEARD_DB = -65.0
# How long after a far-end frame its echo may still arrive (delay + reverberation).
TAIL_S = 0.3
# Echo frames kept for the estimate (10 ms each: the last 5 s of echo).
WINDOW = 500
# Frames needed before the figure is given (0.5 s of echo).
MIN_FRAMES = 50
# The output's level is never taken below this (int16's floor is about -96 dBFS), so a
# frame cleaned to digital silence counts as this much reduction, not infinite.
OUT_FLOOR_DB = -100.0


@dataclass(frozen=True, slots=True)
class ErleEstimate:
    """What the meter can say now.

    ``far_frames``: near-end frames during which the far end played; ``echo_frames``: of
    those, the frames in which the microphone heard something; ``reduction_db``: input
    energy over output energy of the recent echo frames, in dB (None until
    ``MIN_FRAMES``).
    """

    far_frames: int
    echo_frames: int
    reduction_db: float | None


class ErleMeter:
    """Echo return loss enhancement: input level minus output level of the canceller,
    in dB, over the frames in which the far end played and the microphone heard it.

    Sans-I/O: ``far(play_time, level_db)`` for each far-end frame handed to the
    canceller, ``near(capture_time, in_db, out_db)`` for each near-end frame it cleaned.
    The figure is the ratio of the summed energies (the textbook ERLE), so loud frames
    weigh most, as they do for whoever listens; a median of per-frame dB read 15 dB
    higher than that on a synthetic echo path (quiet frames are cleaned deepest). While
    the user talks over the answer, their voice is in both sums and the figure drops:
    it is the reduction of what the microphone heard while the far end played.
    """

    def __init__(self, window: int = WINDOW, min_frames: int = MIN_FRAMES) -> None:
        self._far: deque[tuple[float, float]] = deque()  # (play time, dBFS)
        self._frames: deque[tuple[float, float]] = deque(maxlen=window)  # (in, out) energy
        self._min_frames = min_frames
        self.far_frames = 0
        self.echo_frames = 0

    def far(self, play_time: float, level_db: float) -> None:
        """A far-end frame whose first sample is heard at ``play_time``."""
        if level_db > FAR_ACTIVE_DB:
            self._far.append((play_time, level_db))

    def near(self, capture_time: float, in_db: float, out_db: float) -> None:
        """A near-end frame captured at ``capture_time``: its level before (``in_db``)
        and after (``out_db``) the canceller."""
        far = self._far
        while far and far[0][0] < capture_time - TAIL_S:
            far.popleft()
        if not far or far[0][0] > capture_time:
            return  # no far end played within the tail: nothing to measure
        self.far_frames += 1
        if in_db <= ECHO_HEARD_DB:
            return
        self.echo_frames += 1
        self._frames.append((_energy(in_db), _energy(max(out_db, OUT_FLOOR_DB))))

    def estimate(self) -> ErleEstimate:
        frames = self._frames
        reduction: float | None = None
        if len(frames) >= self._min_frames:
            e_in = math.fsum(i for i, _ in frames)
            e_out = math.fsum(o for _, o in frames)
            reduction = 10.0 * math.log10(e_in / e_out)
        return ErleEstimate(self.far_frames, self.echo_frames, reduction)

    def reset(self) -> None:
        """Forget what was measured (e.g. the canceller was replaced)."""
        self._far.clear()
        self._frames.clear()
        self.far_frames = 0
        self.echo_frames = 0


def _energy(db: float) -> float:
    return float(10.0 ** (db / 10.0))
