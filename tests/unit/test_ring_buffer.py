"""Unit tests for the SPSC ring buffer."""

from __future__ import annotations

import os
import threading
import tracemalloc

import numpy as np
import pytest

from gemini_desk.core.ring_buffer import RingBuffer


def test_write_read_roundtrip_and_wraparound() -> None:
    rb = RingBuffer(10)
    out = np.zeros(10, np.float32)
    src = np.arange(100, dtype=np.float32)
    pos = 0
    got: list[float] = []
    # Odd block sizes force the indexes to wrap many times.
    for size in [3, 7, 4, 6, 5, 2, 9, 1] * 4:
        pos += rb.write(src[pos : pos + size])
        n = rb.read_into(out[:4])
        got.extend(out[:n].tolist())
    while (n := rb.read_into(out)) > 0:
        got.extend(out[:n].tolist())
    assert got == src[: len(got)].tolist()
    assert len(got) == pos
    assert rb.overflows > 0  # short writes happened, and nothing was lost or reordered


def test_capacity_available_free() -> None:
    rb = RingBuffer(8)
    assert (rb.capacity, rb.available, rb.free) == (8, 0, 8)
    rb.write(np.ones(5, np.float32))
    assert (rb.available, rb.free) == (5, 3)
    rb.read_into(np.zeros(2, np.float32))
    assert (rb.available, rb.free) == (3, 5)


def test_overflow_is_counted_not_silent() -> None:
    rb = RingBuffer(8)
    assert rb.write(np.arange(6, dtype=np.float32)) == 6
    assert rb.write(np.arange(6, dtype=np.float32)) == 2
    assert rb.write(np.arange(3, dtype=np.float32)) == 0
    assert rb.overflows == 2
    assert rb.dropped_samples == 4 + 3
    out = np.zeros(8, np.float32)
    assert rb.read_into(out) == 8
    assert out.tolist() == [0, 1, 2, 3, 4, 5, 0, 1]


def test_clear_drops_only_what_was_queued_before() -> None:
    rb = RingBuffer(16)
    rb.write(np.full(6, 1, np.float32))
    rb.clear()
    assert rb.clear_pending
    assert rb.available == 0
    rb.write(np.full(3, 2, np.float32))
    out = np.zeros(16, np.float32)
    assert rb.read_into(out) == 3
    assert out[:3].tolist() == [2, 2, 2]
    assert rb.cleared_samples == 6
    assert not rb.clear_pending


def test_read_before_clear_gives_the_old_tail_for_a_fade() -> None:
    rb = RingBuffer(16)
    rb.write(np.arange(6, dtype=np.float32))
    assert rb.read_before_clear_into(np.zeros(4, np.float32)) == 0  # nothing pending
    rb.clear()
    rb.write(np.full(2, 9, np.float32))
    fade = np.zeros(4, np.float32)
    assert rb.read_before_clear_into(fade) == 4
    assert fade.tolist() == [0, 1, 2, 3]
    out = np.zeros(8, np.float32)
    assert rb.read_into(out) == 2
    assert out[:2].tolist() == [9, 9]


def test_stream_indexes_follow_writes_reads_and_clears() -> None:
    rb = RingBuffer(8)
    assert (rb.write_index, rb.read_index) == (0, 0)
    rb.write(np.arange(6, dtype=np.float32))
    rb.read_into(np.zeros(2, np.float32))
    assert (rb.write_index, rb.read_index) == (6, 2)
    rb.write(np.arange(5, dtype=np.float32))  # 4 fit, 1 dropped: not in the write index
    assert rb.write_index == 10
    rb.clear()
    # The next read starts past the clear before the consumer has honoured it.
    assert rb.clear_pending and rb.read_index == 10
    rb.read_into(np.zeros(0, np.float32))  # honours it
    rb.write(np.full(3, 7, np.float32))
    assert rb.write_index == 13 and rb.read_index == 10
    rb.read_into(np.zeros(2, np.float32))
    assert rb.read_index == 12


def test_drop_cleared_honours_a_clear_without_reading() -> None:
    rb = RingBuffer(16)
    assert rb.drop_cleared() == 0  # nothing pending
    rb.write(np.arange(6, dtype=np.float32))
    rb.read_into(np.zeros(2, np.float32))
    rb.clear()
    rb.write(np.full(3, 9, np.float32))
    assert rb.drop_cleared() == 4
    assert not rb.clear_pending and rb.cleared_samples == 4
    assert rb.drop_cleared() == 0 and rb.cleared_samples == 4
    # What was written after the clear is still there, and nothing before it.
    assert rb.read_before_clear_into(np.zeros(4, np.float32)) == 0
    out = np.zeros(8, np.float32)
    assert rb.read_into(out) == 3 and out[:3].tolist() == [9, 9, 9]


def test_clear_from_another_thread_while_consumer_runs() -> None:
    """Producer writes a counter sequence; another thread clears at random moments.

    Whatever the interleaving the consumer sees a strictly increasing sequence (no torn,
    stale or repeated samples), once it has read past a clear point it never sees older
    data, and what was written after the last clear is delivered.
    """
    rb = RingBuffer(4096, dtype=np.float64)
    stop = threading.Event()
    clears: list[int] = []  # write index at each clear
    seen: list[np.ndarray] = []
    total = 200_000

    def producer() -> None:
        v = 0
        while v < total:
            block = np.arange(v, v + 64, dtype=np.float64)
            n = rb.write(block)
            v += n
            if v % 8192 < 64:
                rb.clear()
                clears.append(v)
        stop.set()

    def consumer() -> None:
        out = np.zeros(256, np.float64)
        while not stop.is_set() or rb.available:
            n = rb.read_into(out)
            if n:
                seen.append(out[:n].copy())

    threads = [threading.Thread(target=producer), threading.Thread(target=consumer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    data = np.concatenate(seen)
    assert np.all(np.diff(data) > 0)  # strictly increasing: no stale or repeated data
    assert data[-1] == total - 1 or (clears and clears[-1] == total)
    # No sample below a clear point was read after the consumer passed that point.
    for mark in clears:
        after = np.flatnonzero(data >= mark)
        if after.size:
            assert np.all(data[after[0] :] >= mark)
    assert rb.cleared_samples > 0


def test_steady_state_write_and_read_allocate_no_buffers() -> None:
    rb = RingBuffer(4800)
    block = np.ones(1024, np.float32)  # 4 KiB: any copy of it would show in the peak
    out = np.zeros(1024, np.float32)
    for _ in range(10):  # warm up
        rb.write(block)
        rb.read_into(out)
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        for _ in range(5000):
            rb.write(block)
            rb.read_into(out)
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert after - before < 1024  # nothing retained
    assert peak - before < 2048  # nothing block-sized allocated, even transiently


def test_rejects_bad_capacity() -> None:
    with pytest.raises(ValueError):
        RingBuffer(0)


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="reads Linux's /proc")
def test_a_big_ring_gives_back_what_was_read() -> None:
    """Minutes of capacity cost little while unused; they must not become resident one
    answer at a time as the indexes move round the ring (a slow climb over hours)."""
    rb = RingBuffer(16_000_000)  # 64 MB of float32, like the speaker's 300 s ring
    block = np.ones(48_000, np.float32)  # 1 s of a 48 kHz answer
    out = np.zeros(48_000, np.float32)
    before = _rss_bytes()
    for _ in range(400):  # 400 s of answers: more than once round the ring
        assert rb.write(block) == block.shape[0]
        assert rb.read_into(out) == out.shape[0]
    grown = _rss_bytes() - before
    assert grown < 8_000_000, f"{grown / 1e6:.1f} MB resident after reading it all"


def test_a_big_ring_keeps_every_sample_across_releases() -> None:
    rng = np.random.default_rng(7)
    rb = RingBuffer(1_500_000)  # 6 MB: released in pages as it is read
    src = np.arange(5_000_000, dtype=np.float32) % 65_521  # round the ring three times
    out = np.zeros(400_000, np.float32)
    got, pos = [], 0
    while pos < src.shape[0] or rb.available:
        size = int(rng.integers(1, 400_000))
        pos += rb.write(src[pos : pos + size])
        n = rb.read_into(out[: int(rng.integers(1, 400_000))])
        got.append(out[:n].copy())
    assert np.array_equal(np.concatenate(got), src)
