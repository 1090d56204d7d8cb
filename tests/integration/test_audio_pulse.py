"""MicCapture and SpeakerPlayback against a private sound server with virtual devices:
PulseAudio and PipeWire's pulse server (tests/support/pulse.py).

Every assertion is on content (correlation, spectra, levels), never on timing.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soxr

from gemini_desk.audio import (
    DeviceNotFound,
    MicCapture,
    SpeakerPlayback,
    list_input_devices,
    list_output_devices,
    resolve_device,
)
from gemini_desk.core.messages import Message, MessageId, message
from tests.support.needs import need_tool
from tests.support.pulse import PulseServer, on_both_servers, pulse, read_wav

__all__ = ["pulse"]  # the fixture, re-exported so pytest finds it here

pytestmark = [pytest.mark.pulse, pytest.mark.timeout(60), on_both_servers]

DEVICE = "pulse"  # ALSA's PulseAudio PCM, as PortAudio lists it


# -- signal helpers --------------------------------------------------------------------


def best_correlation(recorded: np.ndarray, reference: np.ndarray) -> tuple[float, int]:
    """Normalised correlation of ``reference`` with the best-aligned slice of
    ``recorded`` (Pearson, 1.0 = identical up to gain), and that slice's offset."""
    rec = recorded.astype(np.float64)
    ref = reference.astype(np.float64)
    if len(rec) < len(ref):
        rec = np.concatenate([rec, np.zeros(len(ref) - len(rec))])
    n = 1 << int(np.ceil(np.log2(len(rec) + len(ref))))
    xc = np.fft.irfft(np.fft.rfft(rec, n) * np.conj(np.fft.rfft(ref, n)), n)[: len(rec)]
    # Energy of each len(ref) window of rec, for normalisation.
    csum = np.concatenate([[0.0], np.cumsum(rec**2)])
    win = csum[len(ref) :] - csum[: len(rec) - len(ref) + 1]
    xc = xc[: len(win)]
    score = xc / (np.sqrt(np.maximum(win, 1e-12)) * np.linalg.norm(ref))
    lag = int(np.argmax(score))
    return float(score[lag]), lag


def tone(freq: float, seconds: float, rate: int, amp: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def to_pcm16(x: np.ndarray) -> bytes:
    return np.clip(x * 32768.0, -32768, 32767).astype("<i2").tobytes()


def tone_presence(x: np.ndarray, rate: int, freq: float, frame_s: float = 0.02) -> np.ndarray:
    """Per-frame amplitude of a sinusoid at ``freq`` (a one-bin DFT per frame)."""
    n = int(rate * frame_s)
    frames = x[: len(x) // n * n].reshape(-1, n).astype(np.float64)
    basis = np.exp(-2j * np.pi * freq * np.arange(n) / rate)
    return np.asarray(2 * np.abs(frames @ basis) / n)


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> tuple[np.ndarray, int, Path]:
    espeak = need_tool("espeak-ng", "espeak-ng")
    path = tmp_path_factory.mktemp("speech") / "speech.wav"
    subprocess.run(
        [espeak, "-w", str(path), "Hello Gemini, what is the weather like in Zurich?"],
        check=True,
        capture_output=True,
        timeout=30,
    )
    samples, rate = read_wav(path)
    return samples, rate, path


async def _flowing(stream: MicCapture | SpeakerPlayback, timeout: float = 10.0) -> None:
    """Wait until the device callbacks run steadily (see tests/support/pulse.py on the
    start-up stall of PortAudio streams on ALSA's pulse device)."""
    await _wait_until(lambda: stream.callbacks >= 3, timeout)
    first = stream.callbacks
    await _wait_until(lambda: stream.callbacks >= first + 5, timeout)


async def _wait_until(cond: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


# -- devices ---------------------------------------------------------------------------


def test_devices_are_listed_and_resolved(pulse: PulseServer) -> None:
    names_in = [d.name for d in list_input_devices()]
    names_out = [d.name for d in list_output_devices()]
    assert DEVICE in names_in and DEVICE in names_out
    assert resolve_device("PULSE", "input").name == DEVICE  # case-insensitive
    assert resolve_device("puls", "output").name == DEVICE  # substring
    default = resolve_device(None, "input")
    assert default.is_default_input
    assert default.default_samplerate > 0


def test_unknown_device_gives_a_plain_message(pulse: PulseServer) -> None:
    with pytest.raises(DeviceNotFound) as err:
        resolve_device("Nonexistent Headset 3000", "input")
    said = err.value.message
    assert said.id is MessageId.NO_DEVICE_NAMED
    assert said.args[0] == message(MessageId.DEVICE_KIND_INPUT)
    assert said.args[1] == "'Nonexistent Headset 3000'"
    assert "pulse" in str(said.args[2])  # lists what exists
    loop = asyncio.new_event_loop()
    try:
        with pytest.raises(DeviceNotFound):
            MicCapture(loop, lambda b: None, device="nope-nope").start()
        with pytest.raises(DeviceNotFound):
            SpeakerPlayback(device="nope-nope").start()
    finally:
        loop.close()
    with pytest.raises(DeviceNotFound) as err:
        resolve_device(999, "output")
    assert err.value.message.id is MessageId.NO_DEVICE_INDEX and err.value.message.args[1] == 999


# -- capture ---------------------------------------------------------------------------


@pytest.mark.parametrize("server_resampling", [True, False], ids=["server-rate", "native-rate"])
def test_speech_into_the_mic_arrives_as_16k_int16_20ms_chunks(
    pulse: PulseServer, speech: tuple[np.ndarray, int, Path], server_resampling: bool
) -> None:
    samples, rate, path = speech
    chunks: list[bytes] = []

    async def main() -> MicCapture:
        mic = MicCapture(
            asyncio.get_running_loop(),
            chunks.append,
            device=DEVICE,
            server_resampling=server_resampling,
        )
        mic.start()
        try:
            await _flowing(mic)
            await asyncio.to_thread(pulse.play_into_mic, path)
            await asyncio.sleep(0.4)
        finally:
            mic.stop()
        await asyncio.sleep(0.05)  # let a pending pump run
        return mic

    mic = asyncio.run(main())
    # PulseAudio converts to 16 kHz itself; otherwise the stream runs at the device's
    # own rate and MicCapture resamples.
    assert mic.samplerate == (16000 if server_resampling else 44100)
    assert mic.device_name == DEVICE
    assert chunks and all(len(c) == 640 for c in chunks)
    captured = np.frombuffer(b"".join(chunks), dtype="<i2").astype(np.float32) / 32768.0
    reference = soxr.resample(samples, rate, 16000)
    assert len(captured) >= len(reference)
    corr, _ = best_correlation(captured, reference)
    assert corr > 0.8, f"captured audio does not match the speech (corr={corr:.3f})"


def test_mic_level_meter_reads_a_tone(pulse: PulseServer) -> None:
    readings: list[tuple[float, float]] = []

    async def main() -> None:
        mic: MicCapture

        def on_chunk(_: bytes) -> None:
            readings.append((mic.level.rms_db, mic.level.peak_db))

        mic = MicCapture(asyncio.get_running_loop(), on_chunk, device=DEVICE)
        mic.start()
        try:
            await _flowing(mic)
            await asyncio.to_thread(pulse.play_into_mic, tone(1000, 1.5, 48000), 48000)
        finally:
            mic.stop()

    asyncio.run(main())
    loud = [r for r in readings if r[0] > -30]
    assert len(loud) > 10
    rms = float(np.median([r[0] for r in loud]))
    peak = float(np.median([r[1] for r in loud]))
    assert rms == pytest.approx(-9.03, abs=1.5)  # 0.5-amplitude sine
    assert peak == pytest.approx(-6.02, abs=1.5)


def test_muted_mic_forwards_nothing_and_meters_the_floor(
    pulse: PulseServer, speech: tuple[np.ndarray, int, Path]
) -> None:
    chunks: list[bytes] = []
    levels: list[float] = []

    async def main() -> None:
        mic = MicCapture(asyncio.get_running_loop(), chunks.append, device=DEVICE)
        mic.muted = True
        mic.start()
        try:
            await _flowing(mic)
            proc = pulse.play_into_mic(speech[2], wait=False)
            while proc.poll() is None:
                levels.append(mic.level.rms_db)
                await asyncio.sleep(0.02)
            proc.wait()
        finally:
            mic.stop()

    asyncio.run(main())
    assert chunks == []
    assert levels and max(levels) == -90.0


# -- playback --------------------------------------------------------------------------


@pytest.mark.parametrize("server_resampling", [True, False], ids=["server-rate", "native-rate"])
def test_fed_24k_speech_reaches_the_speaker(
    pulse: PulseServer, speech: tuple[np.ndarray, int, Path], server_resampling: bool
) -> None:
    samples, rate, _ = speech
    signal = soxr.resample(samples, rate, 24000).astype(np.float32)
    pcm = to_pcm16(signal)
    rec = pulse.start_recording(rate=24000)

    async def main() -> SpeakerPlayback:
        pb = SpeakerPlayback(device=DEVICE, server_resampling=server_resampling)
        pb.start()
        assert pb.samplerate == (24000 if server_resampling else 44100)
        try:
            await _flowing(pb)
            step = 24000 * 2 * 40 // 1000  # 40 ms chunks, sent in a burst like the service
            for i in range(0, len(pcm), step):
                pb.feed(pcm[i : i + step])
            pb.end_turn()
            assert pb.is_playing
            await _wait_until(lambda: not pb.is_playing, timeout=30)
            await asyncio.sleep(0.1)
        finally:
            pb.stop()
        return pb

    try:
        pb = asyncio.run(main())
    finally:
        recorded = rec.stop()
    assert pb.last_first_sample_time is not None
    assert pb.dropped_samples == 0
    corr, _ = best_correlation(recorded, signal)
    assert corr > 0.8, f"speaker output does not match what was fed (corr={corr:.3f})"


def test_playback_level_meter_reads_a_tone(pulse: PulseServer) -> None:
    readings: list[float] = []

    async def main() -> None:
        pb = SpeakerPlayback(device=DEVICE)
        pb.start()
        try:
            await _flowing(pb)
            pb.feed(to_pcm16(tone(1000, 1.0, 24000)))
            pb.end_turn()
            while pb.is_playing:
                readings.append(pb.level.rms_db)
                await asyncio.sleep(0.02)
        finally:
            pb.stop()

    asyncio.run(main())
    loud = [r for r in readings if r > -30]
    assert len(loud) > 10
    assert float(np.median(loud)) == pytest.approx(-9.03, abs=0.5)


@pytest.mark.parametrize("backend", ["pulse", "portaudio"])
def test_clear_mid_playback_drops_everything_queued(pulse: PulseServer, backend: str) -> None:
    rate = 24000
    old = tone(440, 6.0, rate)  # the answer being interrupted
    new = tone(1500, 0.6, rate)  # what is fed after the interruption
    rec = pulse.start_recording(rate=rate)

    async def main() -> SpeakerPlayback:
        pb = SpeakerPlayback(device=DEVICE, backend=backend)
        pb.start()
        assert pb.backend == backend
        try:
            await _flowing(pb)
            pb.feed(to_pcm16(old))
            # Heard, not just rendered: a PortAudio stream on ALSA's pulse device can
            # stall for ~1 s after its first blocks (tests/support/pulse.py).
            await _wait_until(
                lambda: (tone_presence(rec.so_far(), rate, 440) > 0.1).sum() >= 10, timeout=10
            )
            pb.clear()
            pb.feed(to_pcm16(new))
            pb.end_turn()
            await _wait_until(lambda: not pb.is_playing, timeout=20)
            await asyncio.sleep(0.3)
        finally:
            pb.stop()
        return pb

    try:
        asyncio.run(main())
    finally:
        recorded = rec.stop()
    a = tone_presence(recorded, rate, 440) > 0.1
    b = tone_presence(recorded, rate, 1500) > 0.1
    assert a.any() and b.any()
    first_b = int(np.flatnonzero(b)[0])
    last_a = int(np.flatnonzero(a)[-1])
    # Nothing of the old signal after the new one starts (one 20 ms frame of overlap
    # allowed for the few-ms fade-out).
    assert last_a <= first_b + 1
    # The new signal was played whole and the old one was cut well short of 6 s.
    assert b.sum() >= 0.6 / 0.02 - 3
    assert a.sum() * 0.02 < 4.0


# -- device loss -----------------------------------------------------------------------


def _unload_devices(pulse: PulseServer) -> None:
    for line in pulse.pactl("list", "short", "modules").splitlines():
        if "remap-source" in line:
            pulse.pactl("unload-module", line.split()[0])
    for line in pulse.pactl("list", "short", "modules").splitlines():
        if "null-sink" in line or "always-sink" in line:  # nowhere left to move a stream
            pulse.pactl("unload-module", line.split()[0])


def _restore_devices(pulse: PulseServer) -> None:
    sinks = pulse.pactl("list", "short", "sinks")
    if "speaker" not in sinks:
        pulse.pactl("load-module", "module-null-sink", "sink_name=speaker")
    if "virtmic" not in sinks:
        pulse.pactl("load-module", "module-null-sink", "sink_name=virtmic", "channels=1")
    if "mic\t" not in pulse.pactl("list", "short", "sources"):
        pulse.pactl(
            "load-module",
            "module-remap-source",
            "master=virtmic.monitor",
            "source_name=mic",
            "channels=1",
        )
    pulse.pactl("set-default-sink", "speaker")
    pulse.pactl("set-default-source", "mic")


def test_vanishing_devices_stop_cleanly_with_a_message_and_reopen(pulse: PulseServer) -> None:
    # On PipeWire a stream whose device vanished does not fail: the session manager
    # moves it to another sink (pipewire-pulse's always-sink makes auto_null), and with
    # none left it stays connected to nothing, with no callbacks and no error. The
    # streams' stall watchdogs (capture.STALL_S, pulse_writer.STALL_S) tell that case.
    lost: list[Message] = []

    async def main() -> tuple[int, int]:
        loop = asyncio.get_running_loop()
        mic = MicCapture(loop, lambda b: None, device=DEVICE, on_lost=lost.append)
        pb = SpeakerPlayback(device=DEVICE, loop=loop, on_lost=lost.append)
        mic.start()
        pb.start()
        await _flowing(mic)
        await _flowing(pb)
        pb.feed(to_pcm16(tone(440, 5.0, 24000)))
        _unload_devices(pulse)  # the sound server has nowhere left to play or record
        await _wait_until(lambda: len(lost) >= 2, timeout=10)
        started = time.monotonic()
        mic.stop()
        pb.stop()
        assert time.monotonic() - started < 2.0  # stopping a dead stream does not hang
        assert not mic.running and not pb.running
        _restore_devices(pulse)
        # The device is back: reopening the same objects works and audio flows again.
        mic.start()
        pb.start()
        try:
            before = (mic.callbacks, pb.callbacks)
            await _wait_until(
                lambda: mic.callbacks > before[0] + 5 and pb.callbacks > before[1] + 5, 10
            )
        finally:
            mic.stop()
            pb.stop()
        return mic.callbacks, pb.callbacks

    try:
        asyncio.run(main())
    finally:
        _restore_devices(pulse)
    assert message(MessageId.MIC_STOPPED, repr(DEVICE)) in lost
    assert message(MessageId.SPEAKER_STOPPED, repr(DEVICE)) in lost
