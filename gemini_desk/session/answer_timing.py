"""How long an answer took, as heard: from the end of the user's turn (their last
speech, a typed message, or the talk key's release) to the answer's first sample
played by the speaker."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from gemini_desk.core.latency import LatencyTracker
from gemini_desk.session.ports import Speaker

CHECK_EVERY_S = 0.005
CHECK_TRIES = 200  # give up after ~1 s: nothing was played (a muted device, no speaker)

Report = Callable[[float, float | None], None]  # (ms to first sound, the server's share)


class AnswerTiming:
    """Marks when the user's turn ended; on an answer's first audio, waits for the
    speaker to play it and reports the figures. Only the first answer after a user's
    turn is timed: a later one (a tool's result read back, say) did not answer them."""

    def __init__(self, speaker: Callable[[], Speaker | None], report: Report) -> None:
        self._speaker = speaker
        self._report = report
        self.latency = LatencyTracker()
        self.last_speech: float | None = None
        self.last_typed: float | None = None
        self._timed_from: float | None = None  # the end of the user's turn last timed
        self.timing_answer = False  # waiting for the speaker to play an answer's start

    def answer_started(self, activity_end: float | None) -> None:
        """The first audio of an answer arrived (``activity_end``: the talk key's last
        release, if any)."""
        marks = (self.last_speech, self.last_typed, activity_end)
        ends = [t for t in marks if t is not None]
        if not ends or (self._timed_from is not None and max(ends) <= self._timed_from):
            return
        self._timed_from = max(ends)
        self.latency.user_turn_ended(at=max(ends))
        self.latency.model_audio_received()
        received = time.monotonic()
        self.timing_answer = True
        asyncio.get_running_loop().call_later(CHECK_EVERY_S, self._check_played, received, 0)

    def _check_played(self, received: float, tries: int) -> None:
        speaker = self._speaker()
        if speaker is None:  # no speaker (or the conversation ended): nothing to time
            self.timing_answer = False
            return
        played = speaker.last_first_sample_time
        if played is not None and played >= received:
            self.timing_answer = False
            result = self.latency.model_audio_played(at=played)
            if result is not None and result.to_first_audio_played_ms is not None:
                self._report(result.to_first_audio_played_ms, result.to_first_audio_received_ms)
            return
        if tries < CHECK_TRIES:
            loop = asyncio.get_running_loop()
            loop.call_later(CHECK_EVERY_S, self._check_played, received, tries + 1)
        else:
            self.timing_answer = False
