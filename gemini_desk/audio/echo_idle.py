"""When the echo canceller may rest: the far end has been silent longer than the echo's tail.

Sans-I/O: ``EchoIdle`` is fed the far end's stretches (``far(start, end, loud)``, play
times in seconds) and asked once per near-end frame (``near(capture_time)``) what to do
with it. Nothing here touches devices or clocks, so it is tested on literal inputs;
``NearBypass`` is the cheap signal path the canceller takes meanwhile.
"""

from __future__ import annotations

import enum
import math

import numpy as np
import numpy.typing as npt

__all__ = ["EchoIdle", "NearBypass", "Step"]


class Step(enum.Enum):
    """What the canceller does with one near-end frame."""

    FULL = "full"  # run the module (far end fed up to the frame's horizon)
    BYPASS = "bypass"  # no echo can reach the microphone: pass the frame through cheaply
    RESUME = "resume"  # bypass -> full: warm the module up, cross-fade into its output
    SUSPEND = "suspend"  # full -> bypass: cross-fade out of the module's output


class EchoIdle:
    """Decides per near-end frame whether the echo canceller must run.

    The module must run from the moment a loud far-end frame is due to be handed to it
    (its play time within ``lead_s`` of the near-end frame's capture time, as
    ``EchoCanceller`` hands them over) until ``tail_s`` after the last loud far-end
    sample was played (acoustic delay plus reverberation: no echo is left after that).
    A stretch rewritten earlier (the speaker moved an answer's start up) moves the
    start back. With ``enabled`` False every frame is ``FULL``.
    """

    def __init__(self, tail_s: float = 0.5, lead_s: float = 0.02, *, enabled: bool = True) -> None:
        self.tail_s = tail_s
        self.lead_s = lead_s
        self.enabled = enabled
        self._loud_from = math.inf  # play time where the current loud stretch starts
        self._loud_until = -math.inf  # play time where the last loud far end ends
        self._full = not enabled

    @property
    def full(self) -> bool:
        """The module ran on the last frame asked about."""
        return self._full

    def far(self, start: float, end: float, loud: bool) -> None:
        """The speaker plays ``start``..``end`` (seconds); ``loud``: it is not silence."""
        if not loud:
            return
        if start > self._loud_until + self.tail_s:
            self._loud_from = start  # a new stretch after the echo of the last one died
        else:
            self._loud_from = min(self._loud_from, start)
        self._loud_until = max(self._loud_until, end)

    def near(self, capture_time: float) -> Step:
        """The step for the near-end frame captured at ``capture_time``."""
        if not self.enabled:
            return Step.FULL
        need = (
            self._loud_from <= capture_time + self.lead_s
            and capture_time <= self._loud_until + self.tail_s
        )
        if need == self._full:
            return Step.FULL if need else Step.BYPASS
        self._full = need
        return Step.RESUME if need else Step.SUSPEND

    def reset(self) -> None:
        """The streams restarted: the far end heard so far is forgotten."""
        self._loud_from = math.inf
        self._loud_until = -math.inf


class NearBypass:
    """The near end's cheap path while the canceller rests: the frame less its DC offset
    (what the module's high-pass filter removes that a step would make audible), late by
    the module's own ``delay`` (samples) so both paths keep one timeline and a switch
    neither repeats nor skips audio, the last ``warm_frames`` frames kept to warm the
    module up on resume, and the cross-fade between the two paths over one frame (no
    click, no level jump either way)."""

    def __init__(
        self, frame_samples: int, warm_frames: int = 10, dc_alpha: float = 0.05, delay: int = 0
    ) -> None:
        self.n = frame_samples
        self.delay = delay
        self.dc = 0.0
        self._alpha = dc_alpha
        self._line = np.zeros(delay + frame_samples, dtype=np.float32)  # delayed, DC-free
        self._hist = np.zeros((warm_frames, frame_samples), dtype=np.float32)
        self._kept = 0
        self._ramp = ((np.arange(frame_samples) + 0.5) / frame_samples).astype(np.float32)

    def track(self, x: npt.NDArray[np.float32]) -> None:
        """Follow the DC offset and the delay line (every frame, bypassed or not)."""
        self._advance(x, None)

    def strip(self, x: npt.NDArray[np.float32], out: npt.NDArray[np.float32]) -> None:
        """``out`` = ``x`` less its DC, ``delay`` samples late (the other side of a
        cross-fade)."""
        self._advance(x, out)

    def _advance(self, x: npt.NDArray[np.float32], out: npt.NDArray[np.float32] | None) -> None:
        line, d, n = self._line, self.delay, self.n
        np.subtract(x, np.float32(self.dc), out=line[d:])
        if out is not None:
            out[:] = line[:n]
        line[:d] = line[n:]
        self.dc += self._alpha * (float(x.mean()) - self.dc)

    def pass_through(self, x: npt.NDArray[np.float32], out: npt.NDArray[np.float32]) -> None:
        """``strip``, and ``x`` is kept for warming up."""
        self.strip(x, out)
        self._hist[self._kept % self._hist.shape[0]] = x
        self._kept += 1

    def warm_frames(self) -> list[npt.NDArray[np.float32]]:
        """The frames passed through last, oldest first (then forgotten)."""
        k, size = self._kept, self._hist.shape[0]
        frames = [self._hist[i % size] for i in range(max(0, k - size), k)]
        self._kept = 0
        return frames

    def cross_fade(
        self, into: npt.NDArray[np.float32], other: npt.NDArray[np.float32], rising: bool
    ) -> None:
        """``into`` becomes a fade from ``other`` to ``into`` (``rising``), or from
        ``into`` to ``other``, over the frame."""
        ramp = self._ramp if rising else self._ramp[::-1]
        into -= other
        into *= ramp
        into += other
