"""SpeakerPlayback's libpulse backend (audio/pulse_output.py, audio/pulse_writer.py)
against a private PulseAudio server: what it keeps queued on the server does not
outlive a barge-in, an idle speaker keeps little queued so an answer is not held back
by the full buffer, and the barge-in fade has no click.

The buffer-size tests use a deliberately large server buffer (300 ms), so the
difference between "overwritten"/"short idle queue" and "played out" is hundreds of
milliseconds: the bounds are on how much audio was heard, with wide margins.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import numpy as np
import pytest

from gemini_desk.audio import SpeakerPlayback
from gemini_desk.audio.pulse_output import PulseOutput, libpulse_available
from tests.integration.test_audio_pulse import (
    DEVICE,
    _flowing,
    _wait_until,
    to_pcm16,
    tone,
    tone_presence,
)
from tests.support.needs import unavailable
from tests.support.pulse import PulseServer, on_both_servers, pulse

__all__ = ["pulse"]

pytestmark = [pytest.mark.pulse, pytest.mark.timeout(60), on_both_servers]


@pytest.fixture(autouse=True)
def _needs_libpulse() -> None:
    """A skip locally; under CI a missing libpulse fails the test."""
    if not libpulse_available():
        unavailable("libpulse is not installed (apt-get install libpulse0)")


BIG_BUFFER_MS = 300.0
FRAME_S = 0.02


def _frame_of(t: float, t0: float) -> int:
    return int((t - t0) / FRAME_S)


def test_the_pulse_backend_is_chosen_for_the_sound_servers_device(pulse: PulseServer) -> None:
    pb = SpeakerPlayback(device=DEVICE)
    pb.start()
    try:
        assert pb.backend == "pulse"
        stats = pb.stats()
        # ADJUST_LATENCY: the server sizes the buffer near the 60 ms asked for.
        assert stats["backend"] == "pulse" and 30 <= stats["latency_ms"] <= 90
        # An answer starting while idle waits behind tick + 10 ms of silence only.
        assert pb.idle_latency == pytest.approx(0.030, abs=0.001)
    finally:
        pb.stop()
    assert pb.backend == "" and not pb.running
    forced = SpeakerPlayback(device=DEVICE, backend="portaudio")
    forced.start()
    try:
        assert forced.backend == "portaudio"
        assert forced.idle_latency == forced.output_latency > 0
    finally:
        forced.stop()


Scenario = Callable[[SpeakerPlayback], Awaitable[None]]


def _play(
    pulse: PulseServer, rate: int, scenario: Scenario, **speaker: Any
) -> tuple[np.ndarray, float]:
    """Run ``scenario`` on a started, flowing SpeakerPlayback while the speaker is
    recorded at ``rate``; returns the recording and the monotonic time it started."""
    rec = pulse.start_recording(rate=rate)
    t0 = time.monotonic()

    async def main() -> None:
        pb = SpeakerPlayback(device=DEVICE, **speaker)
        pb.start()
        try:
            await _flowing(pb)
            await scenario(pb)
        finally:
            pb.stop()

    try:
        asyncio.run(main())
    finally:
        recorded = rec.stop()
    return recorded, t0


def test_barge_in_overwrites_what_the_server_still_holds(pulse: PulseServer) -> None:
    # pipewire-pulse reports configured_sink_usec 130 ms for a sink that holds ~1 ms: a
    # margin of the configured figure skipped 130 ms of rewritable queue (issue 19).
    rate = 24000
    marks: dict[str, float] = {}

    async def scenario(pb: SpeakerPlayback) -> None:
        pb.feed(to_pcm16(tone(440, 4.0, rate)))
        await _wait_until(lambda: pb.level.rms_db > -20, timeout=10)
        await asyncio.sleep(0.5)
        marks["clear"] = time.monotonic()
        pb.clear()
        await asyncio.sleep(0.8)

    recorded, t0 = _play(pulse, rate, scenario, pulse_buffer_ms=BIG_BUFFER_MS)
    old = tone_presence(recorded, rate, 440) > 0.1
    cut = _frame_of(marks["clear"], t0)
    assert old[cut - 10 : cut - 2].all(), "the tone was not playing before the barge-in"
    heard_after = int(old[cut:].sum()) * FRAME_S
    # Played out, the server's 300 ms would still be heard; overwritten, a few ms are.
    assert heard_after <= 0.1, f"{heard_after * 1000:.0f} ms of old audio after the barge-in"


def test_an_answer_arriving_while_idle_is_not_queued_behind_silence(pulse: PulseServer) -> None:
    rate = 24000
    marks: dict[str, float] = {}

    async def scenario(pb: SpeakerPlayback) -> None:
        await asyncio.sleep(0.6)  # idle: a full buffer would be 300 ms of silence
        marks["feed"] = time.monotonic()
        pb.feed(to_pcm16(tone(1500, 0.6, rate)))
        pb.end_turn()
        await _wait_until(lambda: not pb.is_playing, timeout=10)
        await asyncio.sleep(0.5)

    recorded, t0 = _play(pulse, rate, scenario, pulse_buffer_ms=BIG_BUFFER_MS)
    new = tone_presence(recorded, rate, 1500) > 0.1
    assert new.sum() >= 0.6 / FRAME_S - 3, "the answer was not played whole"
    delay = (int(np.flatnonzero(new)[0]) - _frame_of(marks["feed"], t0)) * FRAME_S
    assert delay <= 0.15, f"the answer was heard {delay * 1000:.0f} ms after it arrived"


def test_an_answer_after_a_pause_is_not_queued_behind_its_longer_silence(
    pulse: PulseServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a pause the writer keeps 190 ms of silence queued and wakes every 120 ms; the
    answer after it is moved up over that silence as after any idle moment (the pause
    starts after 0.3 s here instead of the app's 10 s)."""
    from gemini_desk.audio import pulse_writer

    monkeypatch.setattr(pulse_writer, "REST_AFTER_S", 0.3)
    monkeypatch.setattr(pulse_writer, "REST_QUEUE_S", 0.19)
    rate = 24000
    marks: dict[str, float] = {}

    async def scenario(pb: SpeakerPlayback) -> None:
        await _wait_until(lambda: pb.resting, timeout=5)
        await asyncio.sleep(0.5)
        writer = pb._writer
        assert writer is not None
        queued = writer.output.queued_frames()  # the server's own figure
        assert queued is not None and 0.06 < queued / writer.rate <= 0.19, queued
        marks["feed"] = time.monotonic()
        pb.feed(to_pcm16(tone(1500, 0.6, rate)))
        pb.end_turn()
        await _wait_until(lambda: not pb.resting, timeout=5)
        await _wait_until(lambda: not pb.is_playing, timeout=10)
        await asyncio.sleep(0.3)

    recorded, t0 = _play(pulse, rate, scenario)
    new = tone_presence(recorded, rate, 1500) > 0.1
    assert new.sum() >= 0.6 / FRAME_S - 3, "the answer was not played whole"
    delay = (int(np.flatnonzero(new)[0]) - _frame_of(marks["feed"], t0)) * FRAME_S
    assert delay <= 0.1, f"the answer was heard {delay * 1000:.0f} ms after it arrived"


def test_the_barge_in_fade_has_no_click(pulse: PulseServer) -> None:
    rate = 44100
    amp = 0.5

    rng = np.random.default_rng(1)

    async def scenario(pb: SpeakerPlayback) -> None:
        for _ in range(3):  # three interruptions at arbitrary points of the wave
            pb.feed(to_pcm16(tone(440, 2.0, 24000, amp)))
            await _wait_until(lambda: pb.level.rms_db > -20, timeout=10)
            await asyncio.sleep(0.3 + 0.0013 * rng.integers(0, 20))
            pb.clear()
            await asyncio.sleep(0.4)

    recorded, _ = _play(pulse, rate, scenario)
    x = recorded.astype(np.float64)
    smooth = 2 * np.pi * 440 / rate * amp  # the tone's own largest sample-to-sample step
    # Where each interrupted tone falls silent (10 ms frames: loud, then quiet).
    n = rate // 100
    loud = np.sqrt(np.mean(x[: len(x) // n * n].reshape(-1, n) ** 2, axis=1)) > 0.05
    ends = np.flatnonzero(loud[:-1] & ~loud[1:])
    assert len(ends) == 3, f"expected three interrupted tones, found {len(ends)}"
    for end in ends:
        # The last 30 ms before silence: the fade, and any step into it. A hard cut at
        # the wave's crest would be a step of ~0.5.
        window = x[max(0, (end - 2) * n) : (end + 2) * n]
        step = float(np.abs(np.diff(window)).max())
        assert step <= 1.6 * smooth, f"a click at {end * 10} ms: step {step:.3f} > {smooth:.3f}"


def test_pulse_output_reports_an_unreachable_server_in_plain_words(
    pulse: PulseServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULSE_SERVER", "unix:/nonexistent/pulse/native")
    with pytest.raises(RuntimeError, match="Could not connect to the sound server"):
        PulseOutput(24000, 60, 20, timeout=3.0)


def test_pulse_output_knows_which_server_it_talks_to(pulse: PulseServer) -> None:
    # sink_block() trusts the sink's reported hold only on pipewire-pulse (see there).
    out = PulseOutput(24000, 60, 20)
    try:
        assert out.on_pipewire == (pulse.kind == "pipewire"), out.server_name
    finally:
        out.close()
