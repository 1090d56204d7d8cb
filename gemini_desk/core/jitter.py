"""Adaptive jitter-buffer policy for model audio playback (sans-I/O, no clock, no threads)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["JitterConfig", "JitterPolicy", "JitterState"]


class JitterState:
    """Where the player is (plain ints so the audio callback compares without allocating)."""

    IDLE = 0  # no turn audio queued
    BUFFERING = 1  # waiting until the queue reaches the threshold
    PLAYING = 2


@dataclass(frozen=True, slots=True)
class JitterConfig:
    """Thresholds in milliseconds of queued audio; times in seconds of audio played."""

    start_ms: float = 40.0  # the service's first chunk is 40 ms: start on it
    min_ms: float = 20.0
    max_ms: float = 500.0
    grow_ms: float = 60.0  # added after each underrun
    shrink_ms: float = 20.0  # removed after ``stable_s`` of playback without an underrun
    stable_s: float = 8.0


class JitterPolicy:
    """Decides, once per output callback, whether to play from the queue or pad with silence.

    ``pull(available, frames, turn_open)`` returns how many frames the caller should read
    from its queue (0 means output silence); ``played(n, frames, turn_open)`` reports what
    was actually read. A new turn starts playing once ``threshold`` samples are queued, or
    at once when the turn's audio is complete (``turn_open`` false), however short it is.
    Running dry while the turn is still open is an underrun: it is counted, the threshold
    grows by ``grow_ms`` and the player buffers again; every ``stable_s`` of playback with
    no underrun the threshold shrinks by ``shrink_ms`` (never below ``min_ms``).

    All state is ints and floats assigned in place: safe to call from an audio callback.
    """

    def __init__(self, rate: int, config: JitterConfig | None = None) -> None:
        if rate <= 0:
            raise ValueError(f"rate must be positive, got {rate}")
        cfg = config or JitterConfig()
        if not 0 < cfg.min_ms <= cfg.start_ms <= cfg.max_ms:
            raise ValueError("need 0 < min_ms <= start_ms <= max_ms")
        self.rate = rate
        self.config = cfg
        self._min = int(rate * cfg.min_ms / 1000)
        self._max = int(rate * cfg.max_ms / 1000)
        self._grow = int(rate * cfg.grow_ms / 1000)
        self._shrink = int(rate * cfg.shrink_ms / 1000)
        self._stable = int(rate * cfg.stable_s)
        self.threshold = int(rate * cfg.start_ms / 1000)  # samples
        self.state = JitterState.IDLE
        self._since_underrun = 0  # samples played since the last underrun or shrink
        self.underruns = 0
        self.rebuffer_samples = 0  # silence padded mid-turn (the cost of underruns)
        self.turns_started = 0
        self.grows = 0
        self.shrinks = 0

    @property
    def threshold_ms(self) -> float:
        return self.threshold * 1000.0 / self.rate

    def pull(self, available: int, frames: int, turn_open: bool) -> int:
        """How many of ``available`` queued samples to play in a block of ``frames``."""
        if self.state != JitterState.PLAYING:
            if available <= 0:
                if not turn_open:
                    self.state = JitterState.IDLE  # the turn ended (or was dropped) while waiting
                return 0
            if self.state == JitterState.IDLE:
                self.turns_started += 1
            if turn_open and available < self.threshold:
                self.state = JitterState.BUFFERING
                return 0
            self.state = JitterState.PLAYING
        return frames if available >= frames else available

    def played(self, n: int, frames: int, turn_open: bool) -> None:
        """Report that ``n`` of ``frames`` came from the queue this block."""
        if self.state != JitterState.PLAYING:
            if self.state == JitterState.BUFFERING and turn_open:
                self.rebuffer_samples += frames
            return
        if n >= frames:
            self._since_underrun += n
            if self._since_underrun >= self._stable and self.threshold > self._min:
                self.threshold = max(self._min, self.threshold - self._shrink)
                self.shrinks += 1
                self._since_underrun = 0
            return
        if turn_open:
            # Ran dry mid-turn: an underrun. Buffer more before playing again.
            self.underruns += 1
            self.rebuffer_samples += frames - n
            self.threshold = min(self._max, self.threshold + self._grow)
            self.grows += 1
            self._since_underrun = 0
            self.state = JitterState.BUFFERING
        else:
            self._since_underrun += n
            self.state = JitterState.IDLE  # the turn's audio is all played

    def reset(self) -> None:
        """Drop the current turn (barge-in): the next audio is a new turn."""
        self.state = JitterState.IDLE
