"""A sound cue heard back by the microphone is removed by the echo canceller (real
WebRTC APM), even by a fresh one, so it never reaches the model as speech nor wakes the
service's voice detection (barge-in)."""

from __future__ import annotations

import numpy as np
import pytest

from gemini_desk.audio.cue_mixer import CueMixer
from gemini_desk.audio.echo_canceller import EchoCanceller, EchoOptions
from gemini_desk.audio.reference import ReferenceTap
from gemini_desk.audio.render import BlockRenderer
from gemini_desk.core.cues import Cue
from gemini_desk.sim import SimConfig
from tests.integration.test_echo import FAR, _echo, _run, _speech

RATE = 48000
VAD_DBFS = SimConfig().vad_threshold_dbfs  # what the demo server takes for speech


def _played(cue: Cue, lead: np.ndarray) -> np.ndarray:
    """What the speaker emits: ``lead`` (an answer, or silence), then ``cue``, mixed
    in by the renderer the app plays through and recorded by its reference tap."""
    tap = ReferenceTap(RATE, seconds=10.0)
    renderer = BlockRenderer(reference=tap)
    renderer.prepare(RATE)
    renderer.cues = CueMixer()
    block = np.zeros(RATE // 100, dtype=np.float32)
    out = [lead]
    renderer.cues.play(cue, RATE)
    for _ in range(50):  # 0.5 s
        renderer.render(block)
        out.append(block.copy())
    emitted = np.zeros(tap.emitted, dtype=np.float32)
    tap.samples.read_into(emitted)
    played = np.concatenate(out)
    np.testing.assert_array_equal(emitted, played[lead.shape[0] :])  # the tap has it all
    return played


def _peak_db(x: np.ndarray) -> float:
    return float(20 * np.log10(np.max(np.abs(x)) + 1e-12))


@pytest.mark.parametrize("after_an_answer", [False, True], ids=["fresh", "after-answer"])
@pytest.mark.parametrize("cue", list(Cue))
def test_cue_echo_is_cancelled(cue: Cue, after_an_answer: bool) -> None:
    lead = _speech(FAR, RATE, 4.0) if after_an_answer else np.zeros(4 * RATE, np.float32)
    far = _played(cue, lead)
    mic = _echo(far, RATE, delay_ms=50.0)
    window = slice(lead.shape[0], lead.shape[0] + RATE // 4)
    assert _peak_db(mic[window]) > VAD_DBFS  # loud enough to be taken for speech...
    out = _run(EchoCanceller(RATE, RATE, EchoOptions(), rate=RATE), far, mic, RATE, RATE)
    assert _peak_db(out[window]) < VAD_DBFS - 20.0  # ...and gone once cancelled
