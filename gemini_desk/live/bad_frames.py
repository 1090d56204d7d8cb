"""Frames from the service that cannot be read: skipped and counted, until too many."""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable

from gemini_desk.live.errors import BadFrames, prefix

log = logging.getLogger("gemini_desk.live")

# This many unreadable frames within the window end the connection (it is resumed).
BAD_FRAME_LIMIT = 3
BAD_FRAME_WINDOW_S = 10.0


class BadFrameCounter:
    """Counts the frames of one connection that could not be read.

    One bad frame is skipped (logged with a short prefix of what the reader said about
    it); ``limit`` of them within ``window_s`` seconds raise :class:`BadFrames`, so the
    connection is replaced rather than kept on a stream that is garbled.
    """

    def __init__(
        self,
        limit: int = BAD_FRAME_LIMIT,
        window_s: float = BAD_FRAME_WINDOW_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit = limit
        self._window_s = window_s
        self._clock = clock
        self._recent: deque[float] = deque()
        self.total = 0

    def note(self, exc: Exception) -> None:
        """One frame could not be read (``exc`` says why); raises BadFrames when too many."""
        now = self._clock()
        self.total += 1
        self._recent.append(now)
        while self._recent and now - self._recent[0] > self._window_s:
            self._recent.popleft()
        what = prefix(f"{type(exc).__name__}: {exc}")
        if len(self._recent) >= self._limit:
            count = len(self._recent)
            raise BadFrames(f"{count} unreadable frames within {self._window_s:g} s; {what}")
        log.warning("skipped a frame the service sent that could not be read (%s)", what)
