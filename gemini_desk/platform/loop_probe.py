"""A small asyncio task that measures how late the event loop wakes up, run on demand."""

from __future__ import annotations

import asyncio
import time

from gemini_desk.core.loop_lag import LoopLag

__all__ = ["LoopProbe", "probe_loop"]


async def probe_loop(lag: LoopLag, interval: float = 0.05) -> None:
    """Sleep ``interval`` seconds at a time and record how late each wake-up is; runs
    until cancelled (20 wake-ups a second: fine enough to see stalls)."""
    while True:
        scheduled = time.monotonic() + interval
        await asyncio.sleep(interval)
        lag.record(scheduled, time.monotonic())


class LoopProbe:
    """Runs :func:`probe_loop` only while wanted (see ``core.loop_lag.probe_wanted``):
    a silent, connected app is not woken 20 times a second for it."""

    def __init__(self, lag: LoopLag, interval: float = 0.05) -> None:
        self._lag = lag
        self._interval = interval
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def want(self, wanted: bool) -> None:
        """Start or stop the probe (on the loop's thread); repeating a wish does nothing."""
        if wanted and not self.running:
            self._task = asyncio.get_running_loop().create_task(
                probe_loop(self._lag, self._interval), name="loop-probe"
            )
        elif not wanted and self._task is not None:
            self._task.cancel()
            self._task = None
