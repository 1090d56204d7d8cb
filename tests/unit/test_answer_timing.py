"""Answer latency is timed once per user turn: a second answer to the same turn (a
tool's result read back) is not timed from it."""

from __future__ import annotations

import asyncio
import time

from gemini_desk.session.answer_timing import AnswerTiming


class PlayedSpeaker:
    """A speaker whose first sample plays as soon as it is asked about."""

    @property
    def last_first_sample_time(self) -> float | None:
        return time.monotonic()


def test_only_the_first_answer_after_the_users_turn_is_timed() -> None:
    async def body() -> list[tuple[float, float | None]]:
        reports: list[tuple[float, float | None]] = []
        timing = AnswerTiming(PlayedSpeaker, lambda ms, server: reports.append((ms, server)))
        timing.last_typed = time.monotonic() - 10  # typed ten seconds ago
        timing.answer_started(None)
        async with asyncio.timeout(5):
            while len(reports) < 1:
                await asyncio.sleep(0.005)
        timing.answer_started(None)  # the same turn answered again (a tool's result)
        assert not timing.timing_answer  # not timed from the old turn
        timing.last_typed = time.monotonic()  # the user types again: timed again
        timing.answer_started(None)
        assert timing.timing_answer
        async with asyncio.timeout(5):
            while len(reports) < 2:
                await asyncio.sleep(0.005)
        return reports

    first, second = asyncio.run(body())[:2]
    assert first[0] >= 10_000
    # Had the second answer to the old turn been timed, its ten seconds would come next.
    assert second[0] < 5_000
