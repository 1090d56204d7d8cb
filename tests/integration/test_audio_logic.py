"""MicCapture's callback and pump, and the speaker's BlockRenderer, driven directly with no
device."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import sounddevice as sd

from gemini_desk.audio import MicCapture, SpeakerPlayback
from gemini_desk.audio.reference import ReferenceTap
from gemini_desk.audio.render import BlockRenderer

RATE = 48000
BLOCK = 480  # 10 ms


class FakeLoop:
    """Records call_soon_threadsafe calls instead of running them."""

    def __init__(self) -> None:
        self.calls: list[Callable[[], Any]] = []

    def call_soon_threadsafe(self, fn: Callable[[], Any]) -> None:
        self.calls.append(fn)

    def run_pending(self) -> None:
        calls, self.calls = self.calls, []
        for fn in calls:
            fn()


def _flags() -> Any:
    return sd.CallbackFlags()


def _mic(chunks: list[bytes]) -> tuple[MicCapture, FakeLoop]:
    loop = FakeLoop()
    mic = MicCapture(loop, chunks.append)  # type: ignore[arg-type]
    mic.prepare(RATE)
    return mic, loop


def test_capture_wakes_the_loop_at_most_once_per_pending_pump() -> None:
    chunks: list[bytes] = []
    mic, loop = _mic(chunks)
    block = np.full((BLOCK, 1), 0.25, np.float32)
    for _ in range(5):
        mic.callback(block, BLOCK, None, _flags())
    assert len(loop.calls) == 1  # one wake-up while the first is still pending
    loop.run_pending()
    mic.callback(block, BLOCK, None, _flags())
    assert len(loop.calls) == 1


def test_capture_emits_exact_20ms_16k_int16_chunks() -> None:
    chunks: list[bytes] = []
    mic, loop = _mic(chunks)
    t = np.arange(RATE) / RATE
    sig = (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
    for i in range(0, RATE, BLOCK):
        mic.callback(sig[i : i + BLOCK, None], BLOCK, None, _flags())
        loop.run_pending()
    assert all(len(c) == 640 for c in chunks)
    out = np.frombuffer(b"".join(chunks), "<i2")
    assert 16000 - 640 <= len(out) <= 16000  # all but the resampler's delay
    spec = np.abs(np.fft.rfft(out.astype(np.float64)))
    assert np.fft.rfftfreq(len(out), 1 / 16000)[np.argmax(spec)] == pytest.approx(440, abs=2)
    assert mic.level.rms_db == pytest.approx(-9.03, abs=0.1)


def test_capture_muted_forwards_nothing_and_overflow_is_counted() -> None:
    chunks: list[bytes] = []
    mic, loop = _mic(chunks)
    mic.muted = True
    block = np.full((BLOCK, 1), 0.5, np.float32)
    for _ in range(10):
        mic.callback(block, BLOCK, None, _flags())
        loop.run_pending()
    assert chunks == [] and mic.level.rms_db == -90.0
    mic.muted = False
    for _ in range(300):  # 3 s without the loop draining: the 2 s ring overflows
        mic.callback(block, BLOCK, None, _flags())
    assert mic.overflows > 0 and mic.dropped_samples > 0


def _pb() -> BlockRenderer:
    pb = BlockRenderer()
    pb.prepare(RATE)
    return pb


def _pull(pb: BlockRenderer, blocks: int) -> np.ndarray:
    out = []
    for _ in range(blocks):
        buf = np.full(BLOCK, np.nan, np.float32)  # must be fully overwritten
        pb.render(buf)
        out.append(buf.copy())
    return np.concatenate(out)


def _pcm(x: np.ndarray) -> bytes:
    return np.clip(x * 32768, -32768, 32767).astype("<i2").tobytes()


def test_playback_plays_what_was_fed_and_tracks_turn_state() -> None:
    pb = _pb()
    assert not pb.is_playing and pb.last_first_sample_time is None
    sig = np.full(RATE // 10, 0.25, np.float32)  # 100 ms of DC at the device rate
    pb.feed(_pcm(sig), rate=RATE)
    pb.end_turn()
    assert pb.is_playing
    out = _pull(pb, 15)
    assert not np.isnan(out).any()
    assert np.allclose(out[: len(sig)], 0.25, atol=1e-4)
    assert np.all(out[len(sig) :] == 0.0)
    assert pb.last_first_sample_time is not None
    assert not pb.is_playing
    assert pb.underruns == 0  # running dry after end_turn() is the end, not an underrun


def test_playback_underrun_counted_once_per_dry_spell_mid_turn() -> None:
    pb = _pb()
    start = pb.jitter.threshold
    pb.feed(_pcm(np.full(BLOCK, 0.1, np.float32)), rate=RATE)
    out = _pull(pb, 3)  # below the start threshold with the turn open: wait, silently
    assert np.all(out == 0.0) and pb.underruns == 0 and pb.queued_seconds > 0
    pb.feed(_pcm(np.full(start, 0.1, np.float32)), rate=RATE)
    out = _pull(pb, 6)  # plays, then runs dry mid-turn: one underrun, not three
    assert np.allclose(out[: BLOCK + start], 0.1, atol=1e-4)
    assert pb.underruns == 1
    grown = pb.jitter.threshold
    assert grown > start  # buffers more before playing again
    pb.feed(_pcm(np.full(grown - BLOCK, 0.1, np.float32)), rate=RATE)
    assert np.all(_pull(pb, 2) == 0.0)  # still below the grown threshold
    pb.feed(_pcm(np.full(2 * BLOCK, 0.1, np.float32)), rate=RATE)
    _pull(pb, 12)
    assert pb.underruns == 2
    pb.clear()
    _pull(pb, 3)
    assert pb.underruns == 2 and not pb.is_playing


def test_clear_fades_out_then_plays_nothing_queued_before_it() -> None:
    pb = _pb()
    old = np.full(RATE * 2, 0.5, np.float32)
    pb.feed(_pcm(old), rate=RATE)
    _pull(pb, 3)
    pb.clear()
    new = np.full(BLOCK, -0.25, np.float32)
    pb.feed(_pcm(new), rate=RATE)
    pb.end_turn()
    out = _pull(pb, 4)
    fade = int(RATE * 0.003)
    # A short fade of the old signal, starting near its level (no step = no click) ...
    assert 0.45 < out[0] <= 0.5
    assert np.all(np.diff(out[:fade]) <= 0) and abs(out[fade - 1]) < 0.01
    # ... then straight into the new audio, and never the old signal again.
    assert np.allclose(out[fade : fade + BLOCK], -0.25, atol=1e-4)
    assert np.all(out[fade + BLOCK :] == 0.0)
    assert pb.queued_seconds == 0.0


def test_clear_resets_the_resampler_so_no_old_tail_leaks() -> None:
    pb = _pb()
    pb.feed(_pcm(np.full(2400, 0.5, np.float32)))  # 24 kHz -> 48 kHz: tail held in soxr
    pb.clear()
    pb.end_turn()  # would flush a tail of the old turn if clear() had not reset it
    out = _pull(pb, 10)
    assert np.all(out == 0.0)  # nothing had started playing, so there is nothing to fade


def test_feed_before_start_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="before start"):
        SpeakerPlayback().feed(b"\0\0")


def test_callbacks_allocate_nothing_in_steady_state() -> None:
    """Thousands of capture and playback callbacks leave no memory behind and never
    allocate a sample buffer: with 4096-frame blocks (16 KiB each) the peak stays at the
    ~1 KiB of small Python objects (views, scalars) any Python callback creates."""
    import tracemalloc

    frames = 4096
    block_bytes = frames * 4
    chunks: list[bytes] = []
    mic, _loop = _mic(chunks)  # nobody drains: the ring fills, then counts overflows
    pb = BlockRenderer(reference=ReferenceTap(RATE, seconds=1.0))
    pb.prepare(RATE)
    pb.feed(_pcm(np.full(RATE * 60, 0.2, np.float32)), rate=RATE)  # a long open turn
    indata = np.full((frames, 1), 0.1, np.float32)
    outdata = np.zeros(frames, np.float32)
    flags = _flags()

    def run(n: int) -> None:
        for _ in range(n):
            mic.callback(indata, frames, None, flags)
            pb.render(outdata)

    run(50)  # warm up: caches, first-use paths, the mic ring reaching its steady state
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        run(500)
        after, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert outdata[0] == pytest.approx(0.2, abs=1e-3)  # really playing the turn
    assert pb.reference is not None and pb.reference.blocks == 550
    assert mic.overflows > 0  # the steady state includes the overflow path
    assert after - before < 512, f"grew by {after - before} bytes"
    assert peak - before < block_bytes // 8, f"peak {peak - before} B: a buffer was allocated"


@pytest.mark.parametrize("device_rate", [24000, 44100, 48000])
def test_the_services_first_40ms_chunk_starts_playback_at_once(device_rate: int) -> None:
    """The jitter buffer's start threshold is one 40 ms chunk as received: the resampler
    to the device rate holding back a few samples must not make it wait for a second."""
    pb = BlockRenderer()
    pb.prepare(device_rate)
    chunk = (0.2 * np.sin(2 * np.pi * 300 * np.arange(960) / 24000)).astype(np.float32)
    pb.feed(_pcm(chunk), rate=24000)  # the turn stays open: more may follow
    block = device_rate // 100
    buf = np.zeros(block, np.float32)
    pb.render(buf)
    assert np.abs(buf).max() > 0.05, "the first chunk waited for more audio"
    assert pb.last_first_sample_time is not None


@pytest.mark.parametrize("rate", [0, 1, -24000, 7999, 96001])
def test_feed_at_an_unplayable_rate_queues_nothing(rate: int) -> None:
    """A rate no speaker plays is dropped, never divided by, nor expanded into minutes of
    audio (issue 18, finding 9; live/messages.py drops it first, this is the backstop)."""
    pb = _pb()
    assert pb.feed(b"\x10\x00" * 200, rate=rate) == 0
    pb.end_turn()
    assert pb.available == 0 and not pb.is_playing


def test_resamplers_per_rate_are_bounded() -> None:
    """A server cycling through rates cannot grow memory: one resampler per rate, only
    the last few kept (issue 18, finding 9)."""
    pb = _pb()
    chunk = _pcm(np.full(480, 0.1, np.float32))
    rates = [8000 + 1000 * i for i in range(40)]
    for rate in rates:
        pb.feed(chunk, rate=rate)
        assert len(pb.resampler_rates) <= BlockRenderer.MAX_RESAMPLERS
    assert pb.resampler_rates[-1] == rates[-1]  # the one in use is kept
    pb.feed(chunk, rate=rates[-3])  # recently used: reused, nothing evicted for it
    assert set(pb.resampler_rates) == set(rates[-BlockRenderer.MAX_RESAMPLERS :])


def test_a_still_room_wakes_the_loop_every_100ms_and_still_sends_40ms_chunks() -> None:
    from gemini_desk.audio.mic_batch import MicBatcher

    chunks: list[bytes] = []
    mic, loop = _mic(chunks)
    mic.batcher = MicBatcher(quiet_after_s=0.0, still_after_s=0.0)  # still at once
    quiet = np.full((BLOCK, 1), 0.0005, np.float32)  # -66 dBFS
    wakes = 0
    for _ in range(100):  # 1 s of a still room
        mic.callback(quiet, BLOCK, None, _flags())
        wakes += len(loop.calls)
        loop.run_pending()
    assert 9 <= wakes <= 13  # one per 80-100 ms (a 20 ms chunk may wait from the last)
    assert 22 <= len(chunks) <= 25 and all(len(c) == 1280 for c in chunks)
    sent = len(chunks)
    loud = np.full((BLOCK, 1), 0.1, np.float32)  # the user starts talking
    mic.callback(loud, BLOCK, None, _flags())
    assert len(loop.calls) == 1  # at once
    loop.run_pending()
    assert chunks[sent:] and len(b"".join(chunks[sent:])) % 640 == 0


def test_a_quiet_room_sends_40ms_chunks_and_a_voice_onset_flushes_at_once() -> None:
    from gemini_desk.audio.mic_batch import MicBatcher

    chunks: list[bytes] = []
    mic, loop = _mic(chunks)
    mic.batcher = MicBatcher(quiet_after_s=0.0)  # quiet at once (the app waits 2 s)
    quiet = np.full((BLOCK, 1), 0.0005, np.float32)  # -66 dBFS
    wakes = 0
    for _ in range(40):  # 400 ms of quiet
        mic.callback(quiet, BLOCK, None, _flags())
        wakes += len(loop.calls)
        loop.run_pending()
    assert 8 <= wakes <= 10  # one wake-up per 40 ms, not per 20 ms chunk
    assert chunks and all(len(c) == 1280 for c in chunks)
    sent = len(chunks)
    mic.callback(quiet, BLOCK, None, _flags())  # 10 ms pending, no wake-up yet
    assert not loop.calls
    loud = np.full((BLOCK, 1), 0.1, np.float32)  # -20 dBFS: the user starts talking
    mic.callback(loud, BLOCK, None, _flags())
    assert len(loop.calls) == 1  # at once: the 20 ms now complete goes
    loop.run_pending()
    assert [len(c) for c in chunks[sent:]] == [640]
