"""The echo canceller measures its own echo reduction (real WebRTC APM, synthetic echo)."""

from __future__ import annotations

import numpy as np

from gemini_desk.audio.echo_canceller import EchoCanceller, EchoOptions
from tests.integration.test_echo import FAR, NEAR, _echo, _energy_db, _run, _speech

RATE = 16000


def test_reports_the_reduction_it_achieves_on_an_echo_path() -> None:
    far = _speech(FAR, RATE, 9.0)
    mic = _echo(far, RATE, delay_ms=50.0)
    ec = EchoCanceller(RATE, RATE, EchoOptions(echo_gate=False))
    assert ec.stats()["echo_reduction_db"] is None
    out = _run(ec, far, mic, RATE, RATE)
    stats = ec.stats()
    tail = slice(4 * RATE, out.shape[0])  # after convergence, as the meter's last 5 s
    outside = _energy_db(mic[tail]) - _energy_db(out[tail])
    assert stats["echo_far_frames"] > 600 and stats["echo_heard_frames"] > 400
    own = stats["echo_reduction_db"]
    assert own is not None and own > 20.0, own
    # Its own figure (the last 5 s of frames where the mic heard the far end) is
    # close to the energy ratio measured from outside over the whole tail.
    assert abs(own - outside) < 10.0, (own, outside)  # 38.6 vs 45.7 here


def test_nothing_to_measure_when_the_microphone_hears_no_echo() -> None:
    far = _speech(FAR, RATE, 4.0)
    quiet = np.zeros_like(far)
    ec = EchoCanceller(RATE, RATE)
    _run(ec, far, quiet, RATE, RATE)
    stats = ec.stats()
    assert stats["echo_far_frames"] > 300
    assert stats["echo_heard_frames"] == 0 and stats["echo_reduction_db"] is None


def test_a_voice_unrelated_to_the_far_end_is_not_taken_for_removed_echo() -> None:
    far = _speech(FAR, RATE, 6.0)
    user = _speech(NEAR, RATE, 6.0)  # only the user: no echo path at all
    ec = EchoCanceller(RATE, RATE, EchoOptions(echo_gate=False))
    _run(ec, far, user, RATE, RATE)
    own = ec.stats()["echo_reduction_db"]
    # AEC3's suppressor takes ~11 dB off a voice heard while the far end plays (double
    # talk); an echo path reads 40 dB and more (above).
    assert own is not None and own < 20.0, own


def test_no_measurement_without_echo_cancellation() -> None:
    far = _speech(FAR, RATE, 3.0)
    ec = EchoCanceller(RATE, RATE, EchoOptions(echo_cancellation=False))
    _run(ec, far, _echo(far, RATE, 50.0), RATE, RATE)
    assert ec.stats()["echo_far_frames"] == 0 and ec.stats()["echo_reduction_db"] is None
