"""Unit tests for the adaptive jitter-buffer policy (no audio, no clock)."""

from __future__ import annotations

import pytest

from gemini_desk.core.jitter import JitterConfig, JitterPolicy, JitterState

RATE = 1000  # 1 sample per ms keeps the arithmetic readable
BLOCK = 10


def _run(p: JitterPolicy, queue: list[int], blocks: int, turn_open: bool = True) -> int:
    """Drive ``blocks`` callbacks against a queue of ``queue[0]`` samples; return played."""
    played = 0
    for _ in range(blocks):
        n = p.pull(queue[0], BLOCK, turn_open)
        queue[0] -= n
        p.played(n, BLOCK, turn_open)
        played += n
    return played


def test_waits_for_the_start_threshold_then_plays() -> None:
    p = JitterPolicy(RATE, JitterConfig(start_ms=40))
    assert p.pull(30, BLOCK, True) == 0 and p.state == JitterState.BUFFERING
    assert p.pull(40, BLOCK, True) == BLOCK and p.state == JitterState.PLAYING
    assert p.turns_started == 1


def test_a_complete_short_turn_plays_at_once() -> None:
    p = JitterPolicy(RATE, JitterConfig(start_ms=40))
    assert p.pull(15, BLOCK, turn_open=False) == BLOCK
    q = [5]
    assert _run(p, q, 3, turn_open=False) == 5
    assert p.state == JitterState.IDLE and p.underruns == 0  # the end, not an underrun


def test_underrun_is_counted_once_and_grows_the_threshold() -> None:
    cfg = JitterConfig(start_ms=40, grow_ms=60, max_ms=200)
    p = JitterPolicy(RATE, cfg)
    q = [45]
    assert _run(p, q, 10) == 45
    assert p.underruns == 1 and p.threshold == 100 and p.grows == 1
    assert p.state == JitterState.BUFFERING
    assert p.rebuffer_samples == 5 + 5 * BLOCK  # the short block, then waiting blocks
    q[0] = 99
    assert _run(p, q, 3) == 0  # below the grown threshold: keeps buffering, no new count
    assert p.underruns == 1
    q[0] = 100
    assert _run(p, q, 1) == BLOCK and p.state == JitterState.PLAYING
    for _ in range(5):  # repeated underruns never push it past max_ms
        q[0] = p.threshold
        _run(p, q, p.threshold // BLOCK + 1)
    assert p.threshold == 200 and p.underruns == 6


def test_threshold_shrinks_after_stable_playback_but_not_below_min() -> None:
    cfg = JitterConfig(start_ms=40, min_ms=20, grow_ms=60, shrink_ms=20, stable_s=1.0)
    p = JitterPolicy(RATE, cfg)
    q = [40]
    _run(p, q, 5)  # underrun: 40 -> 100
    assert p.threshold == 100
    q[0] = 10_000
    _run(p, q, 100)  # 1 s without underrun: one step down
    assert p.threshold == 80 and p.shrinks == 1
    _run(p, q, 500)
    assert p.threshold == 20  # floor
    assert p.underruns == 1


def test_reset_starts_a_new_turn_and_idle_when_turn_closes_while_waiting() -> None:
    p = JitterPolicy(RATE)
    q = [100]
    _run(p, q, 2)
    p.reset()
    assert p.state == JitterState.IDLE
    assert p.pull(10, BLOCK, True) == 0 and p.state == JitterState.BUFFERING
    assert p.pull(0, BLOCK, turn_open=False) == 0 and p.state == JitterState.IDLE


def test_config_is_checked() -> None:
    with pytest.raises(ValueError):
        JitterPolicy(RATE, JitterConfig(start_ms=10, min_ms=20))
    with pytest.raises(ValueError):
        JitterPolicy(0)
