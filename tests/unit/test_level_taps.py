"""LevelTap: reads whichever stream's meter is open, and carries a sleeping meter's
wish to be woken to a stream opened later."""

from __future__ import annotations

import numpy as np

from gemini_desk.app.streams import LevelTaps
from gemini_desk.core.level_meter import LevelMeter


def _loud(n: int = 320) -> np.ndarray:
    return (0.5 * np.sin(np.arange(n) * 0.3)).astype(np.float32)


def test_reads_the_open_meter_or_the_floor() -> None:
    taps = LevelTaps()
    assert taps.mic() == (-90.0, -90.0, False)
    meter = LevelMeter()
    taps.mic_meter = meter
    meter.update(_loud())
    rms, peak, clipped = taps.mic()
    assert -10.0 < rms < peak < 0.0 and not clipped
    assert taps.speaker() == (-90.0, -90.0, False)


def test_a_wish_to_be_woken_reaches_a_meter_opened_later() -> None:
    taps = LevelTaps()
    woken: list[int] = []
    old = LevelMeter()
    taps.mic_meter = old
    taps.mic.wake_on_sound(lambda: woken.append(1), above_db=-60.0)
    taps.mic_meter = None  # the stream closes (a device change) ...
    new = LevelMeter()
    taps.mic_meter = new  # ... and another opens
    new.update(np.zeros(320, dtype=np.float32))
    assert woken == []
    new.update(_loud())
    assert woken == [1]
    newer = LevelMeter()
    taps.mic_meter = newer  # woken: nothing is carried any more
    newer.update(_loud())
    old.update(_loud())  # the first meter still holds the wish: it is spent
    assert woken == [1]


def test_the_first_meter_to_hear_a_sound_spends_the_wish() -> None:
    taps = LevelTaps()
    woken: list[int] = []
    old = LevelMeter()
    taps.mic_meter = old
    taps.mic.wake_on_sound(lambda: woken.append(1), above_db=-60.0)
    new = LevelMeter()
    taps.mic_meter = new
    old.update(_loud())  # a last block of the closing stream
    new.update(_loud())
    assert woken == [1]
