"""Unit tests for the level meter and display ballistics."""

from __future__ import annotations

import threading
import tracemalloc

import numpy as np
import pytest

from gemini_desk.core.level_meter import FLOOR_DB, Ballistics, LevelMeter, to_db


def _sine(amp: float, n: int = 4800, freq: float = 1000.0, rate: int = 48000) -> np.ndarray:
    t = np.arange(n) / rate
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def test_full_scale_sine_reads_minus_3_dbfs_rms() -> None:
    m = LevelMeter()
    m.update(_sine(1.0))
    assert m.rms_db == pytest.approx(-3.0103, abs=0.01)
    assert m.peak_db == pytest.approx(0.0, abs=0.01)
    assert m.clipped


def test_half_scale_sine_and_dc() -> None:
    m = LevelMeter()
    m.update(_sine(0.5))
    assert m.rms_db == pytest.approx(-9.03, abs=0.02)
    assert m.peak_db == pytest.approx(-6.02, abs=0.02)
    assert not m.clipped
    m.update(np.full(480, -0.1, np.float32))
    assert m.rms_db == pytest.approx(-20.0, abs=0.01)
    assert m.peak_db == pytest.approx(-20.0, abs=0.01)


def test_silence_reads_the_floor() -> None:
    m = LevelMeter()
    assert (m.rms_db, m.peak_db, m.clipped) == (FLOOR_DB, FLOOR_DB, False)
    m.update(np.zeros(480, np.float32))
    assert m.rms_db == FLOOR_DB and m.peak_db == FLOOR_DB
    m.update(np.full(480, 1e-7, np.float32))  # -140 dB
    assert m.rms_db == FLOOR_DB
    assert to_db(0.0) == FLOOR_DB


def test_clip_flag_threshold_and_count() -> None:
    m = LevelMeter()
    block = np.zeros(480, np.float32)
    block[100] = -0.999
    m.update(block)
    assert m.clipped and m.clip_count == 1
    block[100] = 0.998
    m.update(block)
    assert not m.clipped and m.clip_count == 1


def test_reset_and_snapshot_is_consistent_across_threads() -> None:
    m = LevelMeter()
    loud, quiet = _sine(1.0, 480), np.zeros(480, np.float32)
    stop = threading.Event()
    bad: list[object] = []

    def writer() -> None:
        while not stop.is_set():
            m.update(loud)
            m.update(quiet)

    t = threading.Thread(target=writer)
    t.start()
    try:
        for _ in range(20000):
            s = m.snapshot()
            # A torn read would pair one block's RMS with another's peak.
            if (s.rms_db > -10) != (s.peak_db > -10) or s.clipped != (s.peak_db > -0.01):
                bad.append(s)
    finally:
        stop.set()
        t.join()
    assert not bad
    m.reset()
    assert m.rms_db == FLOOR_DB


def test_update_allocates_no_buffers() -> None:
    m = LevelMeter()
    block = _sine(0.3, 1024)
    m.update(block)
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        for _ in range(2000):
            m.update(block)
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert after - before < 1024
    assert peak - before < 2048  # abs(block) or block**2 would be 4 KiB


def test_ballistics_fast_attack_slow_release() -> None:
    b = Ballistics(attack_db_per_s=600.0, release_db_per_s=30.0)
    dt = 1 / 30
    assert b.db == FLOOR_DB
    assert b.step(-10.0, dt) == pytest.approx(FLOOR_DB + 20.0)
    for _ in range(10):
        b.step(-10.0, dt)
    assert b.db == -10.0  # reached, not overshot
    assert b.step(-60.0, dt) == pytest.approx(-11.0)
    for _ in range(29):
        b.step(-60.0, dt)
    assert b.db == pytest.approx(-40.0)
    assert b.step(-200.0, 100.0) == FLOOR_DB  # clamped to the floor


def test_ballistics_peak_hold() -> None:
    b = Ballistics(1000.0, 20.0, hold_s=0.5)
    b.step(-6.0, 0.1)
    assert b.held_db == -6.0
    for _ in range(4):
        b.step(-80.0, 0.1)
    assert b.held_db == -6.0  # still holding after 0.4 s
    for _ in range(4):
        b.step(-80.0, 0.1)
    assert b.held_db < -6.0
    assert b.held_db >= b.db
    with pytest.raises(ValueError):
        Ballistics(0.0, 1.0)


def test_wake_on_sound_fires_once_on_the_first_block_above_the_threshold() -> None:
    m = LevelMeter()
    woken: list[str] = []
    m.wake_on_sound(lambda: woken.append(threading.current_thread().name), above_db=-60.0)
    m.update(np.zeros(320, dtype=np.float32))  # silence
    m.update(_sine(0.0005, 320))  # -66 dBFS peak: below the threshold
    assert woken == []
    feeder = threading.Thread(target=m.update, args=(_sine(0.1, 320),), name="audio")
    feeder.start()
    feeder.join()
    assert woken == ["audio"]  # on the thread that fed the block
    m.update(_sine(0.5, 320))
    assert woken == ["audio"]  # once
