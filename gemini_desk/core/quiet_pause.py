"""Hands-free in a quiet room: the microphone's stream to the service pauses, and reopens
with the audio just before the first sound.

Sans-I/O: ``QuietPause.chunk(pcm, level_db, now, may_pause)`` is told each 16 kHz
microphone chunk (its level and when it arrived) and whether pausing is allowed now
(hands-free, connected, the model silent); it answers what to send. Google's Live API
documents ``audioStreamEnd`` for exactly this ("the audio stream has ended, e.g. because
the microphone was turned off ... the client can reopen the stream by sending an audio
message"): nothing is sent while nobody talks, and the service's own voice detection
still sees every utterance from its start.
"""

from __future__ import annotations

from dataclasses import dataclass

from gemini_desk.core.preroll import PreRoll

__all__ = ["PauseStep", "QuietPause"]

PAUSE_AFTER_S = 5.0  # every chunk quiet this long: the stream pauses
QUIET_DB = -55.0  # a chunk at or above this level is a sound (reopens at once)
REOPEN_PREROLL_MS = 300  # sent first on reopening: the sound's soft start


@dataclass(frozen=True, slots=True)
class PauseStep:
    """What to do with one chunk: send ``send`` (oldest first), after ending the
    stream when ``end_stream``."""

    send: tuple[bytes, ...]
    end_stream: bool = False


_HOLD = PauseStep(())


class QuietPause:
    """Ends the audio stream after ``after_s`` of chunks below ``quiet_db`` while
    ``may_pause``; keeps what comes next in a pre-roll and reopens on the first chunk
    at or above ``quiet_db`` (or when pausing stops being allowed), sending the last
    ``preroll_ms`` before it first."""

    def __init__(
        self,
        after_s: float = PAUSE_AFTER_S,
        quiet_db: float = QUIET_DB,
        preroll_ms: int = REOPEN_PREROLL_MS,
    ) -> None:
        self.after_s = after_s
        self.quiet_db = quiet_db
        self.preroll_ms = preroll_ms
        self._preroll = PreRoll(preroll_ms)
        self._sound_at: float | None = None  # when a chunk last was a sound
        self.paused = False
        self.pauses = 0  # times the stream was ended

    def chunk(self, pcm: bytes, level_db: float, now: float, may_pause: bool) -> PauseStep:
        """One microphone chunk; returns what goes out now."""
        sound = level_db >= self.quiet_db
        if sound or self._sound_at is None:
            self._sound_at = now
        if self.paused:
            if sound or not may_pause:
                self.paused = False
                return PauseStep((*self._preroll.drain(self.preroll_ms), pcm))
            self._preroll.push(pcm)
            return _HOLD
        if may_pause and now - self._sound_at >= self.after_s:
            self.paused = True
            self.pauses += 1
            self._preroll.clear()
            self._preroll.push(pcm)
            return PauseStep((), end_stream=True)
        return PauseStep((pcm,))

    def reset(self) -> None:
        """A new connection or stream: open, and quiet is counted from the next chunk."""
        self.paused = False
        self._sound_at = None
        self._preroll.clear()
