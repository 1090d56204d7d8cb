"""Response latency bookkeeping: end of user speech to first model audio played."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TurnLatency:
    """Milliseconds from the end of the user's turn to the answer."""

    to_first_audio_received_ms: float
    to_first_audio_played_ms: float | None


class LatencyTracker:
    """Marks the end of a user turn and measures how long the answer takes.

    The end of user speech is when the user stopped talking (the last loud mic chunk,
    or the moment a typed message was sent). Only the first answer after that mark
    counts; later chunks of the same answer do not restart it.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._user_end: float | None = None
        self._received: float | None = None
        self.last: TurnLatency | None = None

    def user_turn_ended(self, at: float | None = None) -> None:
        self._user_end = self._clock() if at is None else at
        self._received = None

    def model_audio_received(self) -> None:
        if self._user_end is not None and self._received is None:
            self._received = self._clock()

    def model_audio_played(self, at: float | None = None) -> TurnLatency | None:
        """Call when the first sample of an answer reached the device; returns the figure."""
        if self._user_end is None or self._received is None:
            return None
        played = self._clock() if at is None else at
        result = TurnLatency(
            to_first_audio_received_ms=(self._received - self._user_end) * 1000.0,
            to_first_audio_played_ms=max(0.0, (played - self._user_end) * 1000.0),
        )
        self._user_end = None
        self._received = None
        self.last = result
        return result
