"""The residual echo gate after WebRTC's AEC3: silences echo the canceller let through."""

from __future__ import annotations

import math
from collections import deque

import numpy as np
import numpy.typing as npt

__all__ = ["ResidualEchoGate", "level_db"]

TAIL_S = 0.3  # acoustic delay + reverberation after the far end stops
SILENT_DB = -120.0
_FAR_ACTIVE_DB = -50.0
_GATE_MARGIN_DB = 10.0
# The far end starting again after this much silence is an onset: AEC3's filter could
# not follow an echo path that moved meanwhile (two clocks drifting, a loopback
# resampling), and for a moment it lets the echo through.
ONSET_GAP_S = 0.15
# Near-end time the guard holds at least after an onset is heard: longer after a longer
# silence (in the rig: ~0.15-0.3 s of echo let through after a 0.7 s pause between
# sentences, 0.1-0.6 s after 10 s of silence), ONSET_GUARD_S plus ONSET_GUARD_PER_S per
# second of silence beyond the first, up to ONSET_GUARD_MAX_S. It holds on after that
# until the canceller has removed the echo (by TRUSTED_REMOVAL_DB or more) in
# TRUSTED_FRAMES echo frames in a row, and at most ONSET_GUARD_LIMIT_S.
ONSET_GUARD_S = 0.5
ONSET_GUARD_PER_S = 0.1
ONSET_GUARD_MAX_S = 1.0
ONSET_GUARD_LIMIT_S = 2.0
TRUSTED_FRAMES = 20
TRUSTED_REMOVAL_DB = 20.0
_ECHO_PRESENT_DB = 10.0  # input within this of the expected echo: the mic hears echo
_ONSET_LEAD_S = 0.02  # stamps' error: an onset's echo may show up this much early
_ONSET_MARGIN_DB = 3.0  # a voice must be this much louder than the echo to pass
_GATE_GAIN = np.float32(10 ** (-30 / 20))
# A frame the canceller removed most of teaches the coupling once this many frames in a
# row, from it on, were removed (see ``_learn_coupling``).
COUPLING_RUN = 8


def level_db(x: npt.NDArray[np.float32]) -> float:
    """RMS level of a float block in dBFS (floor -120)."""
    ms = float(np.dot(x, x)) / max(1, x.shape[0])
    return 10.0 * math.log10(ms) if ms > 1e-12 else SILENT_DB


class ResidualEchoGate:
    """Silences output quieter than the echo the microphone must be hearing.

    AEC3 sometimes lets the tail of an answer through for a few frames (measured in the
    end-to-end rig: -36..-41 dBFS right after the far end stops, once the filter was
    disturbed by double talk). While the speaker played within the last ``TAIL_S``, the
    echo at the microphone is about ``far level + coupling``; output more than
    ``_GATE_MARGIN_DB`` below that is taken for residual echo and attenuated. A user
    talking over the answer is louder than that and passes.

    Onsets: for a moment after the far end starts again after ``ONSET_GAP_S`` of
    silence (at least 0.5-1 s, longer after longer silence, and on until the canceller
    has removed the echo in ``TRUSTED_FRAMES`` echo frames in a row, at most
    ``ONSET_GUARD_LIMIT_S``) the canceller's output is not trusted:
    in the end-to-end rig the echo path's delay drifts (the loopback resamples: 0.3-0.5
    ms a second), AEC3's filter cannot follow it through silence, and at the onset it
    removed only 2-3 dB of the echo for 0.1-0.6 s after the onset (0.62 s the longest
    traced, against a guard that once held a fixed 1 s). Waiting for the canceller to
    prove itself instead of a fixed time covers a longer leak.
    Output whose input was not ``_ONSET_MARGIN_DB`` louder than the expected echo is
    attenuated then too; a user who starts talking exactly then, no louder than the
    echo, is heard when the guard ends (at most ``ONSET_GUARD_LIMIT_S`` after the onset).
    """

    def __init__(self) -> None:
        self._far_levels: deque[tuple[float, float]] = deque()  # (play time, dBFS) fed
        self.coupling_db = 0.0  # echo level at the mic relative to the far end (learned)
        self.gated_frames = 0  # near-end frames attenuated
        self.onset_gated_frames = 0  # of those, attenuated by the onset guard alone
        self._last_loud = -math.inf  # play time of the last far frame above -50 dBFS
        # The onset guard: (start, least end, limit) in near-end time, and how many echo
        # frames in a row the canceller has removed since the onset.
        self._guard = (math.inf, -math.inf, -math.inf)
        self._trusted = 0
        # Input minus far level of the last frames the canceller removed most of (echo
        # alone, or the start of a syllable it took for echo): cleared by any other.
        self._echo_run: deque[float] = deque(maxlen=COUPLING_RUN)

    def far_frame(self, play_time: float, level: float) -> None:
        """A far-end frame handed to the canceller, heard at ``play_time``, at
        ``level`` dBFS (:func:`level_db`)."""
        self._far_levels.append((play_time, level))
        if level > _FAR_ACTIVE_DB:
            gap = play_time - self._last_loud
            if gap >= ONSET_GAP_S:
                hold = min(ONSET_GUARD_MAX_S, ONSET_GUARD_S + ONSET_GUARD_PER_S * max(0.0, gap - 1))
                start = play_time - _ONSET_LEAD_S
                self._guard = (start, play_time + hold, play_time + ONSET_GUARD_LIMIT_S)
                self._trusted = 0
            self._last_loud = play_time

    def apply(self, out: npt.NDArray[np.float32], in_db: float, tc: float) -> None:
        """Gate the canceller's output ``out`` for the near-end frame captured at ``tc``
        whose input level was ``in_db``."""
        levels = self._far_levels
        while levels and levels[0][0] < tc - TAIL_S:
            levels.popleft()
        far_db = max((lv for _, lv in levels), default=SILENT_DB)
        if far_db <= _FAR_ACTIVE_DB:
            return
        out_db = level_db(out)
        self._learn_coupling(in_db - far_db, removed=out_db < in_db - 20.0)
        expected = far_db + self.coupling_db
        guarded = self._guarded(tc, in_db, out_db, expected)
        if out_db < expected - _GATE_MARGIN_DB:
            out *= _GATE_GAIN
            self.gated_frames += 1
        elif guarded and in_db < expected + _ONSET_MARGIN_DB:
            out *= _GATE_GAIN
            self.gated_frames += 1
            self.onset_gated_frames += 1

    def _learn_coupling(self, excess_db: float, removed: bool) -> None:
        """Learn the coupling (the mic's level relative to the far end's, ``excess_db``
        this frame) from frames the canceller removed most of, tracking its peaks and
        forgetting slowly. AEC3 also removes the first 10-30 ms of each syllable a user
        speaks over an answer, as if it were echo, while the input rises with the voice,
        and then lets the voice through: so a frame counts only once the next
        ``COUPLING_RUN - 1`` frames were removed too (echo alone comes in long runs)."""
        run = self._echo_run
        if not removed:
            run.clear()
            return
        run.append(excess_db)
        learned = run[0] if len(run) == COUPLING_RUN else -math.inf
        self.coupling_db = min(max(self.coupling_db - 0.02, learned, -40.0), 10.0)

    def _guarded(self, tc: float, in_db: float, out_db: float, expected: float) -> bool:
        """Whether the onset guard holds for this frame: from the onset at least until
        its least end, then until the canceller is trusted again or the limit."""
        start, least_end, limit = self._guard
        if not start <= tc <= limit:
            return False
        if in_db >= expected - _ECHO_PRESENT_DB:  # the microphone hears the echo
            if out_db <= in_db - TRUSTED_REMOVAL_DB:
                self._trusted += 1
            elif in_db < expected + _ONSET_MARGIN_DB:  # let through, or a quiet voice
                self._trusted = 0
        if tc > least_end and self._trusted >= TRUSTED_FRAMES:
            self._guard = (math.inf, -math.inf, -math.inf)  # trusted again: it ends
            return False
        return True

    def reset(self) -> None:
        """Forget the far end fed so far (a stream restart); the coupling is kept."""
        self._far_levels.clear()
        self._last_loud = -math.inf
        self._guard = (math.inf, -math.inf, -math.inf)
        self._trusted = 0
        self._echo_run.clear()
