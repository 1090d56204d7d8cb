"""A small asyncio task that measures how late the event loop wakes up."""

from __future__ import annotations

import asyncio
import time

from gemini_desk.core.loop_lag import LoopLag

__all__ = ["probe_loop"]


async def probe_loop(lag: LoopLag, interval: float = 0.05) -> None:
    """Sleep ``interval`` seconds at a time and record how late each wake-up is; runs
    until cancelled (20 wake-ups a second: cheap, and fine enough to see stalls)."""
    while True:
        scheduled = time.monotonic() + interval
        await asyncio.sleep(interval)
        lag.record(scheduled, time.monotonic())
