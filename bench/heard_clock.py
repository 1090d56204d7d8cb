"""Anchor a speaker recording on time.monotonic(), for the as-heard latency figures.

``parecord`` starts recording some unknown time after it is asked to (a probe found
~0.95 s), so the recording's first sample has no known time. Here a short chirp is
played through a libpulse stream whose blocks are stamped with libpulse's reported play
time of their first sample (``PulseWriter``: now + ``pa_stream_get_latency``, the
reference tap's ``dac`` stamp); finding the chirp in the recording by cross-correlation
gives the time of one recorded sample. A second, reversed chirp at the end of the
recording gives a second anchor: recorded samples map to time linearly through both, and
the second anchor's distance from where the first one predicts it (``drift_ms``) is the
anchor's residual. The recording (the sink's monitor) and the marker pass through the
same sink and the same parecord resampler, so their delays cancel.
"""

from __future__ import annotations

import asyncio
import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from gemini_desk.audio.playback import RECEIVE_RATE, SpeakerPlayback
from gemini_desk.audio.reference import ReferenceTap

LOUD = 0.01  # |sample| above this (-40 dBFS, 30 dB under the test tone) counts as heard
MARKER_S = 0.05


def chirp(rising: bool, rate: int = RECEIVE_RATE, amp: float = 0.5) -> npt.NDArray[np.int16]:
    """A 50 ms linear chirp, 2-8 kHz (rising) or 8-2 kHz, starting at full amplitude."""
    t = np.arange(int(MARKER_S * rate)) / rate
    f0, f1 = (2000.0, 8000.0) if rising else (8000.0, 2000.0)
    phase = 2 * np.pi * (f0 * t + (f1 - f0) * t**2 / (2 * MARKER_S))
    return (amp * 32767 * np.cos(phase)).astype(np.int16)


def find(signal: npt.NDArray[Any], marker: npt.NDArray[Any]) -> tuple[int, float]:
    """(index where ``marker`` starts in ``signal``, normalised correlation there)."""
    x = np.asarray(signal, np.float64)
    m = np.asarray(marker, np.float64)
    if x.size < m.size:
        raise ValueError("signal shorter than the marker")
    n = 1 << int(np.ceil(np.log2(x.size + m.size)))
    corr = np.fft.irfft(np.fft.rfft(x, n) * np.conj(np.fft.rfft(m, n)), n)[: x.size - m.size + 1]
    i = int(np.argmax(corr))
    energy = float(np.sqrt(np.sum(x[i : i + m.size] ** 2) * np.sum(m**2)))
    return i, float(corr[i] / energy) if energy > 0 else 0.0


def resampled(marker: npt.NDArray[np.int16], rate: int) -> npt.NDArray[np.float64]:
    """``marker`` (at RECEIVE_RATE) linearly interpolated to ``rate``, in [-1, 1)."""
    src = marker.astype(np.float64) / 32768
    t = np.arange(int(src.size * rate / RECEIVE_RATE)) / rate
    return np.interp(t, np.arange(src.size) / RECEIVE_RATE, src)


def play_time(
    stamps: dict[str, npt.NDArray[Any]],
    emitted: npt.NDArray[np.float32],
    rate: int,
    since: int,
    marker: npt.NDArray[np.int16],
) -> float:
    """libpulse's play time (monotonic) of ``marker``'s first sample, from a reference
    tap's stamps and everything it emitted (at ``rate``), searched from index ``since``."""
    at, corr = find(emitted[since:], resampled(marker, rate))
    if corr < 0.9:
        raise RuntimeError(f"marker not found in the emitted stream (correlation {corr:.2f})")
    pos = since + at
    i = int(np.searchsorted(stamps["start"], pos, side="right")) - 1
    if i < 0 or stamps["dac"][i] <= 0:
        raise RuntimeError("the marker's block has no play-time stamp (not the libpulse path)")
    return float(stamps["dac"][i] + (pos - stamps["start"][i]) / rate)


@dataclass
class Anchor:
    index: int  # recorded sample where the marker starts
    t: float  # its play time (monotonic)
    corr: float


class RecordingClock:
    """Recorded sample index <-> time.monotonic(), through two anchors."""

    def __init__(self, first: Anchor, last: Anchor, rate: int, assumed_t0: float) -> None:
        self.first, self.last, self.rate = first, last, rate
        predicted = first.t + (last.index - first.index) / rate
        self.drift_ms = (last.t - predicted) * 1000
        span = last.index - first.index
        self.seconds_per_sample = (last.t - first.t) / span if span > 0 else 1 / rate
        # How far the old assumption (first sample at parecord's connect time) was off.
        self.t0_error_ms = (self.time(0) - assumed_t0) * 1000

    def time(self, index: float) -> float:
        return self.first.t + (index - self.first.index) * self.seconds_per_sample

    def index(self, t: float) -> int:
        return round(self.first.index + (t - self.first.t) / self.seconds_per_sample)


def anchor(
    recorded: npt.NDArray[np.float32],
    marker: npt.NDArray[np.int16],
    t: float,
    min_corr: float = 0.6,
) -> Anchor:
    at, corr = find(recorded, marker.astype(np.float64) / 32768)
    if corr < min_corr:
        raise RuntimeError(f"marker not found in the recording (correlation {corr:.2f})")
    return Anchor(at, t, corr)


def anchor_near(
    recorded: npt.NDArray[np.float32],
    marker: npt.NDArray[np.int16],
    t: float,
    clock: RecordingClock,
    window_s: float = 0.25,
) -> Anchor:
    """``marker`` played at ``t``, found within ``window_s`` of where ``clock`` puts it
    (the same chirp is played before every trial, so the search must stay local)."""
    rate = clock.rate
    centre = clock.index(t)
    i0 = max(0, centre - int(window_s * rate))
    i1 = min(recorded.shape[0], centre + int(window_s * rate) + marker.shape[0])
    found = anchor(recorded[i0:i1], marker, t, min_corr=0.6)  # one chirp in the window
    return Anchor(i0 + found.index, t, found.corr)


def local_clock(anchors: list[Anchor], t: float, rate: int, assumed_t0: float) -> RecordingClock:
    """A clock from the last anchor played before ``t`` at the nominal rate.

    A recording of a sink's monitor is not uniform in time: when the sound server
    rewinds the sink (a stream that underruns, a client rewriting what it queued), the
    re-rendered audio is recorded again. Measured: the baseline's PortAudio stream,
    underrunning after each answer, left -11 to -22 ms between two chirps ~30 s apart on
    PulseAudio. Anchoring each trial on its own chirp keeps that out of its figures."""
    before = [a for a in anchors if a.t <= t] or anchors[:1]
    a = before[-1]
    return RecordingClock(a, a, rate, assumed_t0)


def onset_ms(recorded: npt.NDArray[np.float32], clock: RecordingClock, t_fed: float) -> float:
    """First recorded sample heard after ``t_fed`` (searched from 20 ms before it, to
    show an anchor error as a negative figure), in ms after ``t_fed``."""
    i0 = max(0, clock.index(t_fed - 0.02))
    loud = np.flatnonzero(np.abs(recorded[i0:]) > LOUD)
    return float("nan") if loud.size == 0 else (clock.time(i0 + loud[0]) - t_fed) * 1000


def silence_ms(
    recorded: npt.NDArray[np.float32], clock: RecordingClock, t_int: float, window: float = 0.5
) -> float:
    """When the recording fell silent after ``t_int`` (the end of the last sample heard
    within ``window``; searched from 100 ms before, so an anchor error shows), in ms."""
    i0, i1 = max(0, clock.index(t_int - 0.1)), clock.index(t_int + window)
    loud = np.flatnonzero(np.abs(recorded[i0:i1]) > LOUD)
    if loud.size == 0:
        return -100.0
    return (clock.time(i0 + loud[-1] + 1) - t_int) * 1000


async def play_on_tap(
    speaker: SpeakerPlayback,
    tap: ReferenceTap,
    emitted: list[npt.NDArray[np.float32]],
    marker: npt.NDArray[np.int16],
) -> float:
    """Play ``marker`` through ``speaker`` (libpulse backend, ``tap`` attached and drained
    into ``emitted`` by the caller or here); return its first sample's play time."""
    since = tap.emitted
    speaker.feed(marker.tobytes())
    speaker.end_turn()
    start = time.monotonic()
    while speaker.is_playing or time.monotonic() - start < 0.2:
        if time.monotonic() - start > 5:
            raise TimeoutError("marker did not finish playing")
        drain(tap, emitted)
        await asyncio.sleep(0.01)
    drain(tap, emitted)
    return play_time(tap.stamps(), np.concatenate(emitted), speaker.samplerate, since, marker)


def drain(tap: ReferenceTap, emitted: list[npt.NDArray[np.float32]]) -> None:
    buf = np.zeros(8192, np.float32)
    while (n := tap.samples.read_into(buf)) > 0:
        emitted.append(buf[:n].copy())


class ClockStream:
    """A libpulse stream of gemini-desk's own that plays the chirps for an engine whose
    stream reports no play time (the baseline's blocking PortAudio writes give only the
    hand-off time, which would fold its own output latency out).

    It stays open from the first chirp to the last: a stream opened afresh for each
    chirp reported a play time up to ~10 ms off while the sink's latency settled, which
    showed as the baseline's anchor drift.
    """

    def __init__(self, device: str) -> None:
        self.device = device
        self.tap = ReferenceTap(48000, seconds=4.0, max_blocks=8000)
        self.emitted: list[npt.NDArray[np.float32]] = []
        self.speaker: SpeakerPlayback | None = None
        self._drainer: asyncio.Task[None] | None = None
        self._switch = sys.getswitchinterval()

    async def play(self, marker: npt.NDArray[np.int16]) -> float:
        """Play ``marker``; return its first sample's play time (libpulse's report)."""
        if self.speaker is None:
            self.speaker = SpeakerPlayback(device=self.device, reference=self.tap, backend="pulse")
            self.speaker.start()
            for _ in range(50):  # let the stream settle (its timing info arrives)
                drain(self.tap, self.emitted)
                await asyncio.sleep(0.01)
            self._drainer = asyncio.create_task(self._drain_now_and_then())
        return await play_on_tap(self.speaker, self.tap, self.emitted, marker)

    async def _drain_now_and_then(self) -> None:
        """Keep the tap's 4 s ring from overflowing between the chirps."""
        while True:
            drain(self.tap, self.emitted)
            await asyncio.sleep(0.5)

    def close(self) -> None:
        if self._drainer is not None:
            self._drainer.cancel()
            self._drainer = None
        if self.speaker is not None:
            self.speaker.stop()
            self.speaker = None
            sys.setswitchinterval(self._switch)
