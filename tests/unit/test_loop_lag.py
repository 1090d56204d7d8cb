"""LoopLag: percentiles of late wake-ups, and the probe task on a real loop."""

from __future__ import annotations

import asyncio
import time

import numpy as np
import pytest

from gemini_desk.core.loop_lag import LoopLag
from gemini_desk.platform.loop_probe import probe_loop


def test_percentiles_match_numpy_and_early_wakeups_count_as_zero() -> None:
    lag = LoopLag(window=100, late_ms=50.0)
    assert lag.summary().count == 0
    rng = np.random.default_rng(1)
    lags_ms = rng.exponential(5.0, 100)
    lags_ms[:3] = [80.0, 120.0, 60.0]
    for i, ms in enumerate(lags_ms):
        lag.record(float(i), i + ms / 1000.0)
    s = lag.summary()
    assert s.count == 100 and lag.total == 100
    assert s.p50_ms == pytest.approx(np.percentile(lags_ms, 50))
    assert s.p99_ms == pytest.approx(np.percentile(lags_ms, 99))
    assert s.max_ms == pytest.approx(120.0)
    assert s.late == 3
    assert lag.record(10.0, 9.99) == 0.0  # woke early


def test_window_forgets_old_wakeups() -> None:
    lag = LoopLag(window=4)
    lag.record(0.0, 1.0)  # 1000 ms
    for i in range(4):
        lag.record(float(i), float(i) + 0.002)
    s = lag.summary()
    assert s.count == 4 and lag.total == 5
    assert s.max_ms == pytest.approx(2.0)
    with pytest.raises(ValueError):
        LoopLag(window=0)


def test_probe_sees_a_blocked_loop() -> None:
    lag = LoopLag()

    async def main() -> None:
        task = asyncio.create_task(probe_loop(lag, interval=0.01))
        await asyncio.sleep(0.05)
        time.sleep(0.12)  # block the loop: the probe's next wake-up is late
        await asyncio.sleep(0.05)
        task.cancel()

    asyncio.run(main())
    s = lag.summary()
    assert s.count >= 3
    assert s.max_ms >= 60.0
