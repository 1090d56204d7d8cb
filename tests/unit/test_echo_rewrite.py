"""The echo canceller's far-end timeline when the speaker rewrites audio it had queued.

PulseWriter overwrites queued idle silence with an answer's start and stamps that block
with when it will really be heard: earlier than the end of the reference the canceller
already holds. ``push_far`` takes a stamp more than 2 ms early for such a rewrite: the
queued far end from there on is dropped and the timeline goes on at the stamp. Both
rates are 16 kHz (no resampling), so a 10 ms frame is 160 samples and every stamp is
literal.
"""

from __future__ import annotations

import numpy as np
import pytest

from gemini_desk.audio.echo_canceller import EchoCanceller, EchoOptions

RATE = 16000


def _canceller() -> EchoCanceller:
    return EchoCanceller(RATE, RATE, EchoOptions(lead_ms=20.0))


def _block(ms: float, value: float) -> np.ndarray:
    return np.full(int(RATE * ms / 1000), value, np.float32)


def _times(ec: EchoCanceller) -> list[float]:
    return [round(t, 6) for t in ec.queued_far_times()]


def test_an_earlier_stamp_replaces_the_queued_far_end_from_there() -> None:
    ec = _canceller()
    ec.push_far(_block(50, 0.0), 10.0)  # idle silence: frames at 10.00 .. 10.04
    ec.push_far(_block(30, 0.5), 10.02)  # the answer, rewritten over 10.02 .. 10.05
    assert _times(ec) == [10.0, 10.01, 10.02, 10.03, 10.04]
    assert ec.far_rewrites == 1 and ec.far_rewound == 3
    ec.push_far(_block(10, 0.5), 10.05)  # the answer goes on where it left off
    assert _times(ec) == [10.0, 10.01, 10.02, 10.03, 10.04, 10.05]
    assert ec.far_rewrites == 1


def test_a_rewrite_inside_a_frame_keeps_the_part_before_it() -> None:
    ec = _canceller()
    ec.push_far(_block(40, 0.0), 10.0)  # 10.00 .. 10.03
    ec.push_far(_block(15, 0.5), 10.025)  # half of 10.02 kept, then 15 ms of answer
    assert _times(ec) == [10.0, 10.01, 10.02, 10.03]
    ec.push_far(_block(5, 0.5), 10.04)  # contiguous: no second rewrite
    assert _times(ec) == [10.0, 10.01, 10.02, 10.03]
    assert ec.far_rewrites == 1
    # What the module gets for 10.02 is 5 ms of silence then 5 ms of the answer.
    fed: list[np.ndarray] = []
    real = ec._apm.process_reverse_stream

    def record(frame: object) -> None:
        fed.append(ec._far_framer.pcm.copy())
        real(frame)

    ec._apm.process_reverse_stream = record  # type: ignore[method-assign]
    ec.process_near(_block(10, 0.0), 10.0)
    third = fed[2]
    assert np.all(third[:80] == 0) and np.all(third[80:] == round(0.5 * 32768))


@pytest.mark.parametrize("offset_s", [-0.0015, 0.0015, 0.03])
def test_stamp_jitter_and_a_late_stamp_keep_the_timeline(offset_s: float) -> None:
    ec = _canceller()
    ec.push_far(_block(25, 0.0), 10.0)  # 10.00, 10.01 queued, 5 ms held
    ec.push_far(_block(15, 0.0), 10.025 + offset_s)
    assert _times(ec) == [10.0, 10.01, 10.02, 10.03]
    assert ec.far_rewrites == 0 and ec.far_rewound == 0


def test_a_rewrite_behind_frames_already_fed_keeps_those() -> None:
    ec = _canceller()
    ec.push_far(_block(50, 0.0), 10.0)  # 10.00 .. 10.04
    ec.process_near(_block(10, 0.0), 10.0)  # fed up to 10.02 (lead 20 ms)
    assert _times(ec) == [10.03, 10.04]
    ec.push_far(_block(20, 0.5), 10.015)  # rewrite from before what is still queued
    assert _times(ec) == [10.015, 10.025]
    assert ec.far_rewrites == 1 and ec.far_rewound == 2
