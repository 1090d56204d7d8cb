"""Audio diagnostics' plain verdicts, judged from measured figures (sans-I/O).

Each ``judge_*`` takes figures and returns a :class:`Finding`: how good it is and a
:class:`~gemini_desk.core.messages.Message` saying so. ``MicWatch`` collects the live
microphone's level readings into the figures ``judge_mic`` takes.
"""

from __future__ import annotations

import enum
from collections import deque
from dataclasses import dataclass

from gemini_desk.core.messages import Message, message
from gemini_desk.core.messages import MessageId as M

__all__ = [
    "Finding",
    "MicFigures",
    "MicWatch",
    "Severity",
    "judge_echo",
    "judge_mic",
    "judge_speaker",
    "judge_speaker_test",
    "worst",
]

# Thresholds (dBFS of 10-100 ms RMS readings, unless said otherwise).
SILENT_DB = -70.0  # quieter than this all the time: the microphone delivers nothing
QUIET_DB = -40.0  # the loudest moment below this: speech would be hard to hear
NOISY_DB = -45.0  # a background (the quietest tenth) louder than this is noisy
CLIP_SHARE = 0.02  # readings that clipped, over the whole: above this, it distorts
SETTLE_S = 3.0  # figures over less time than this are not judged yet
ECHO_GOOD_DB = 25.0  # echo reduction at least this: Gemini does not hear itself


class Severity(enum.IntEnum):
    """How a finding reads, in order of concern."""

    OK = 0
    INFO = 1  # nothing wrong, nothing measured yet
    WARNING = 2
    PROBLEM = 3


@dataclass(frozen=True, slots=True)
class Finding:
    severity: Severity
    message: Message


def worst(*findings: Finding) -> Finding:
    """The finding that matters most (the first of equals)."""
    return max(findings, key=lambda f: f.severity)


# -- the microphone ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MicFigures:
    """What was heard: ``seconds`` of readings, the loudest RMS, the background (the
    quietest tenth's RMS), and the share of readings that clipped."""

    seconds: float
    loudest_db: float
    floor_db: float
    clipped_share: float


class MicWatch:
    """Collects the microphone's level readings (RMS dBFS, clipped) over a sliding window."""

    def __init__(self, window_s: float = 10.0) -> None:
        self._window_s = window_s
        self._readings: deque[tuple[float, float, bool]] = deque()  # (time, rms, clipped)

    def add(self, now: float, rms_db: float, clipped: bool) -> None:
        readings = self._readings
        readings.append((now, rms_db, clipped))
        while readings and readings[0][0] < now - self._window_s:
            readings.popleft()

    def clear(self) -> None:
        self._readings.clear()

    def figures(self) -> MicFigures | None:
        """None before any reading."""
        readings = self._readings
        if not readings:
            return None
        levels = sorted(r for _, r, _ in readings)
        clipped = sum(1 for *_, c in readings if c)
        return MicFigures(
            seconds=readings[-1][0] - readings[0][0],
            loudest_db=levels[-1],
            floor_db=levels[len(levels) // 10],
            clipped_share=clipped / len(readings),
        )


def judge_mic(
    figures: MicFigures | None, *, recorded: bool = False, muted: bool = False
) -> Finding:
    """The microphone's verdict. ``figures`` None: it is not open. ``recorded``: the
    figures are the microphone test's (someone spoke on purpose), so quiet means too
    quiet and silence means the test heard nothing. ``muted``: its stream is closed on
    purpose (the figures, if any, are of nothing)."""
    if muted:
        return Finding(Severity.INFO, message(M.DIAG_MIC_MUTED))
    if figures is None:
        return Finding(Severity.INFO, message(M.DIAG_MIC_NOT_OPEN))
    if not recorded and figures.seconds < SETTLE_S:
        return Finding(Severity.INFO, message(M.DIAG_MIC_LISTENING))
    if figures.loudest_db < SILENT_DB:
        said = M.DIAG_MIC_TEST_HEARD_NOTHING if recorded else M.DIAG_MIC_SILENT
        return Finding(Severity.PROBLEM, message(said))
    if figures.clipped_share > CLIP_SHARE:
        return Finding(Severity.WARNING, message(M.DIAG_MIC_CLIPPING))
    if recorded and figures.loudest_db < QUIET_DB:
        return Finding(Severity.WARNING, message(M.DIAG_MIC_QUIET, round(figures.loudest_db)))
    if figures.floor_db > NOISY_DB:
        return Finding(Severity.WARNING, message(M.DIAG_MIC_NOISY, round(figures.floor_db)))
    if recorded:
        return Finding(Severity.OK, message(M.DIAG_MIC_TEST_WORKS))
    return Finding(Severity.OK, message(M.DIAG_MIC_WORKS, round(figures.floor_db)))


# -- the speaker ------------------------------------------------------------------------


def judge_speaker(*, open: bool, lost: bool = False, underruns: int = 0) -> Finding:
    """The speaker's verdict: ``lost`` (it stopped on its own), ``underruns`` (times it
    ran out of audio in the middle of an answer)."""
    if lost:
        return Finding(Severity.PROBLEM, message(M.DIAG_SPEAKER_LOST))
    if not open:
        return Finding(Severity.INFO, message(M.DIAG_SPEAKER_NOT_OPEN))
    if underruns > 0:
        return Finding(Severity.WARNING, message(M.DIAG_SPEAKER_GAPS, underruns))
    return Finding(Severity.OK, message(M.DIAG_SPEAKER_WORKS))


def judge_speaker_test(heard: bool) -> Finding:
    """The user said whether they heard the test tone."""
    if heard:
        return Finding(Severity.OK, message(M.DIAG_SPEAKER_HEARD))
    return Finding(Severity.PROBLEM, message(M.DIAG_SPEAKER_NOT_HEARD))


# -- echo cancellation ------------------------------------------------------------------


def judge_echo(
    *, enabled: bool | None, far_frames: int = 0, heard_frames: int = 0, reduction_db: float | None
) -> Finding:
    """Echo cancellation's verdict from the canceller's own measurement (audio/
    echo_canceller.py, core/erle.py). ``enabled`` None: no microphone processing runs
    (not connected). ``far_frames``: frames measured while the far end played;
    ``heard_frames``: of those, frames in which the microphone heard something."""
    if enabled is None:
        return Finding(Severity.INFO, message(M.DIAG_ECHO_NOT_RUNNING))
    if not enabled:
        return Finding(Severity.INFO, message(M.DIAG_ECHO_OFF))
    if reduction_db is not None:
        db = round(reduction_db)
        if reduction_db >= ECHO_GOOD_DB:
            return Finding(Severity.OK, message(M.DIAG_ECHO_REMOVING, db))
        return Finding(Severity.WARNING, message(M.DIAG_ECHO_WEAK, db))
    if far_frames >= 300 and heard_frames == 0:
        # Three seconds of Gemini's voice and the microphone heard none of it.
        return Finding(Severity.OK, message(M.DIAG_ECHO_NONE_HEARD))
    return Finding(Severity.INFO, message(M.DIAG_ECHO_WAITING))
