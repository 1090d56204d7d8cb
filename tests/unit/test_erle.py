"""ErleMeter: the echo reduction figure from literal per-frame levels."""

from __future__ import annotations

import math

import pytest

from gemini_desk.core.erle import ErleMeter


def _play(meter: ErleMeter, seconds: float, level_db: float = -20.0, start: float = 0.0) -> None:
    for k in range(round(seconds * 100)):
        meter.far(start + k * 0.01, level_db)


def test_no_figure_before_the_far_end_plays() -> None:
    meter = ErleMeter()
    for k in range(100):
        meter.near(k * 0.01, -30.0, -70.0)
    est = meter.estimate()
    assert (est.far_frames, est.echo_frames, est.reduction_db) == (0, 0, None)


def test_reduction_is_input_minus_output_while_the_far_end_plays() -> None:
    meter = ErleMeter(min_frames=50)
    _play(meter, 1.0)
    for k in range(49):
        meter.near(k * 0.01, -30.0, -68.0)
    assert meter.estimate().reduction_db is None  # not enough frames yet
    meter.near(0.49, -30.0, -68.0)
    est = meter.estimate()
    assert est.far_frames == 50 and est.echo_frames == 50
    assert est.reduction_db == pytest.approx(38.0)


def test_energies_are_summed_so_loud_frames_weigh_most() -> None:
    meter = ErleMeter(min_frames=10)
    _play(meter, 1.0)
    for k in range(60):
        meter.near(k * 0.01, -30.0, -70.0)  # echo alone: 40 dB removed
    for k in range(60, 100):
        meter.near(k * 0.01, -20.0, -21.0)  # the user talks over it: 1 dB
    e_in = 60 * 10**-3.0 + 40 * 10**-2.0
    e_out = 60 * 10**-7.0 + 40 * 10**-2.1
    assert meter.estimate().reduction_db == pytest.approx(10 * math.log10(e_in / e_out))


def test_only_the_recent_window_counts() -> None:
    meter = ErleMeter(window=10, min_frames=10)
    _play(meter, 1.0)
    for k in range(50):
        meter.near(k * 0.01, -20.0, -21.0)  # double talk, long ago
    for k in range(50, 60):
        meter.near(k * 0.01, -30.0, -68.0)
    assert meter.estimate().reduction_db == pytest.approx(38.0)
    assert meter.estimate().echo_frames == 60


def test_a_quiet_microphone_hears_no_echo() -> None:
    meter = ErleMeter(min_frames=10)
    _play(meter, 1.0)
    for k in range(100):
        meter.near(k * 0.01, -80.0, -90.0)  # headphones: nothing reaches the mic
    est = meter.estimate()
    assert est.far_frames == 100 and est.echo_frames == 0 and est.reduction_db is None


def test_echo_counts_for_the_tail_after_the_far_end_stops() -> None:
    meter = ErleMeter(min_frames=1)
    _play(meter, 0.1, start=10.0)  # far frames 10.00 .. 10.09
    meter.near(10.35, -30.0, -60.0)  # within 0.3 s of the last far frame
    meter.near(10.45, -30.0, -60.0)  # beyond the tail: the far end is over
    meter.near(9.9, -30.0, -60.0)  # before the far end started: not counted
    assert meter.estimate().far_frames == 1


def test_quiet_far_end_and_silent_output_floor() -> None:
    meter = ErleMeter(min_frames=1)
    _play(meter, 0.5, level_db=-60.0)  # below the far-active level: silence played
    meter.near(0.2, -30.0, -70.0)
    assert meter.estimate().far_frames == 0
    _play(meter, 0.5, start=1.0)
    meter.near(1.2, -30.0, -120.0)  # cleaned to digital silence: capped at -100 dBFS
    assert meter.estimate().reduction_db == pytest.approx(70.0)
    meter.reset()
    assert meter.estimate().far_frames == 0 and meter.estimate().reduction_db is None
