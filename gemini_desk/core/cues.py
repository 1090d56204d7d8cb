"""Sound cues: which one a talk-state change calls for, and its tone (pure numpy).

The tones are made here, not bundled: each cue is one or two short sine notes, each
shaped by a raised-cosine (Hann) rise and fall, so a cue starts and ends at zero with
no step and no click, peaking at ``CUE_LEVEL_DBFS`` (quiet beside speech).
"""

from __future__ import annotations

import enum

import numpy as np
import numpy.typing as npt

from gemini_desk.core.desk_state import TalkState

__all__ = ["CUE_LEVEL_DBFS", "NOTES", "Cue", "cue_for", "cue_tone"]

CUE_LEVEL_DBFS = -24.0  # the peak of every cue
RAMP_S = 0.02  # each note's raised-cosine rise and fall


class Cue(enum.StrEnum):
    """A sound cue: the talk key went down or up, the microphone was muted or unmuted."""

    TALK_START = "talk_start"
    TALK_STOP = "talk_stop"
    MUTE = "mute"
    UNMUTE = "unmute"


# (frequency Hz, seconds) per note: rising for start/unmute, falling for stop/mute. The
# notes are apart from the demo server's chime (C5, E5, G5), so neither is taken for
# the other.
NOTES: dict[Cue, tuple[tuple[float, float], ...]] = {
    Cue.TALK_START: ((739.99, 0.045), (987.77, 0.055)),  # F#5 -> B5
    Cue.TALK_STOP: ((987.77, 0.045), (739.99, 0.055)),
    Cue.MUTE: ((440.0, 0.05), (329.63, 0.06)),  # A4 -> E4
    Cue.UNMUTE: ((329.63, 0.05), (440.0, 0.06)),
}

_QUIET = (TalkState.OFFLINE, TalkState.MUTED)


def cue_for(old: TalkState, new: TalkState) -> Cue | None:
    """The cue a change of the talk state calls for, if any: the key down (listening
    starts), the key up (listening ends, not by muting or going offline), mute and
    unmute while connected. Connecting and disconnecting are silent."""
    if old == new or TalkState.OFFLINE in (old, new):
        return None
    if new is TalkState.MUTED:
        return Cue.MUTE
    if old is TalkState.MUTED:
        return Cue.UNMUTE
    if new is TalkState.LISTENING:
        return Cue.TALK_START
    if old is TalkState.LISTENING:
        return Cue.TALK_STOP
    return None


def cue_tone(cue: Cue, rate: int, level_dbfs: float = CUE_LEVEL_DBFS) -> npt.NDArray[np.float32]:
    """The cue's samples, mono float32 at ``rate`` Hz, peaking at ``level_dbfs``."""
    if rate < 8000:
        raise ValueError(f"rate must be at least 8000 Hz, got {rate}")
    amplitude = 10.0 ** (level_dbfs / 20.0)
    notes = [_note(freq, seconds, rate) for freq, seconds in NOTES[cue]]
    tone: npt.NDArray[np.float32] = (np.concatenate(notes) * amplitude).astype(np.float32)
    return tone


def _note(freq: float, seconds: float, rate: int) -> npt.NDArray[np.float64]:
    """One note at full scale: a sine under a raised-cosine rise, hold and fall. The
    envelope is 0 one sample before the first and after the last, so notes join with
    no step."""
    n = round(seconds * rate)
    ramp = min(round(RAMP_S * rate), n // 2)
    envelope = np.ones(n)
    rise = 0.5 * (1.0 - np.cos(np.pi * (np.arange(ramp) + 1) / (ramp + 1)))
    envelope[:ramp] = rise
    envelope[n - ramp :] = rise[::-1]
    t = np.arange(n) / rate
    return np.sin(2.0 * np.pi * freq * t) * envelope
