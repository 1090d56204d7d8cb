"""A capture stream that starts again (unmute) carries nothing from before it stopped:
the part frame the echo canceller still held is dropped."""

from __future__ import annotations

import numpy as np

from gemini_desk.audio.echo import MicProcessor
from gemini_desk.audio.echo_canceller import EchoOptions

PASS_THROUGH = EchoOptions(
    echo_cancellation=False,
    noise_suppression=False,
    auto_gain_control=False,
    high_pass_filter=False,
)


def _held_then_silence(reset: bool) -> float:
    mic = MicProcessor(lambda: None, PASS_THROUGH)
    before = mic.process(np.full(80, 0.5, np.float32), 1.0)  # 5 ms: half a frame, held
    assert before.size == 0
    if reset:
        mic.reset_timeline()
    after = mic.process(np.zeros(320, np.float32), 2.0)
    return float(np.max(np.abs(after))) if after.size else 0.0


def test_a_restart_drops_the_part_frame_from_before() -> None:
    assert _held_then_silence(reset=False) > 0.1  # what would leak without the reset
    assert _held_then_silence(reset=True) < 0.01
