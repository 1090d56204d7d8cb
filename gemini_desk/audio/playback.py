"""Speaker playback: 24 kHz PCM from the loop -> ring buffer -> PortAudio callback."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import sounddevice as sd

from gemini_desk.audio.devices import (
    AudioDeviceError,
    DeviceInfo,
    close_stream,
    open_stream,
    resampled_by_sound_server,
    resolve_device,
    stream_rate,
)
from gemini_desk.audio.pulse_output import PulseError, PulseOutput, libpulse_available
from gemini_desk.audio.pulse_writer import PulseWriter
from gemini_desk.audio.realtime import favour_audio_callbacks
from gemini_desk.audio.reference import ReferenceTap
from gemini_desk.core.jitter import JitterConfig, JitterPolicy, JitterState
from gemini_desk.core.level_meter import LevelMeter
from gemini_desk.core.resampler import LOW_LATENCY, StreamResampler, int16_to_float32
from gemini_desk.core.ring_buffer import RingBuffer

__all__ = ["RECEIVE_RATE", "SpeakerPlayback"]

log = logging.getLogger("gemini_desk.audio")

RECEIVE_RATE = 24000  # what the Live API sends: audio/pcm;rate=24000
_FADE_S = 0.003


class SpeakerPlayback:
    """Plays mono PCM through an output stream at the device's native rate, resampled
    here (or at 24 kHz on a sound server's device with ``server_resampling=True``).

    ``backend``: on a PulseAudio/PipeWire device ("auto", or "pulse" to insist) the
    blocks below are rendered by a ``PulseWriter`` thread into a libpulse stream
    (``pulse_buffer_ms`` queued on the server while playing, refilled every
    ``pulse_tick_ms``; a barge-in does not wait behind it, see audio/pulse_writer.py);
    otherwise ("portaudio", other devices, no libpulse) by a PortAudio callback.

    ``feed()`` / ``end_turn()`` / ``clear()`` are called on the loop thread (the single
    producer). The PortAudio callback is the single consumer: an adaptive jitter policy
    (``core.jitter``) decides when a turn starts playing and re-buffers after an
    underrun; the callback reads the ring, pads with silence, meters what it played and,
    if a ``ReferenceTap`` was given, records exactly what it emitted (the far-end
    reference for echo cancellation). The ring holds minutes, so bursts are never dropped.

    If the device disappears or the stream fails, ``on_lost(message)`` is called on
    ``loop`` (plain words); the owner should ``stop()`` and reopen later.

    ``clear()`` drops everything queued: the callback plays at most ``_FADE_S`` (3 ms)
    more of the old signal, faded to zero so there is no click, then skips the rest.
    How soon that happens is the time to the next callback. Through PulseAudio a stream
    is woken every floor(buffer / 2 / block) blocks (at least one), so the default 6 ms
    blocks in an 18 ms buffer are asked for every 6 ms (measured here: 3.0 ms mean wait)
    while a late callback still has 12 ms of slack. Measured alternatives: 10 ms blocks in
    20 ms wake every 10 ms (too slow a barge-in); 5 ms in 20 ms come in pairs every 10 ms;
    5 ms in 15 ms wake every 5 ms but had device underflows in the 60 s burst test on this
    machine; each halving of the wake interval costs ~40 % more CPU for the stream.
    ``underruns`` counts times the ring ran dry mid-turn (a turn is open from the first
    ``feed()`` until ``end_turn()`` or ``clear()``), not the normal end of a turn.
    """

    def __init__(
        self,
        device: str | int | None = None,
        block_ms: int = 6,
        ring_seconds: float = 300.0,
        *,
        jitter: JitterConfig | None = None,
        reference: ReferenceTap | None = None,
        loop: asyncio.AbstractEventLoop | None = None,
        on_lost: Callable[[str], None] | None = None,
        resample_quality: str = LOW_LATENCY,
        latency: str | float = 0.018,
        server_resampling: bool = False,
        backend: str = "auto",
        pulse_buffer_ms: float = 60.0,
        pulse_tick_ms: float = 20.0,
    ) -> None:
        self._device_spec = device
        self._block_ms = block_ms
        self._ring_seconds = ring_seconds
        self._jitter_config = jitter
        self.jitter = JitterPolicy(48000, jitter)  # replaced in _prepare at the device rate
        self.reference = reference
        self._loop = loop
        self._on_lost = on_lost
        self._quality = resample_quality
        self._latency = latency
        # True: on a sound server's device open at 24 kHz and let the server convert
        # (audio.devices.stream_rate). Off by default: through PortAudio, the echo
        # canceller's output then lost correlation with the user's speech in the
        # push-to-talk e2e (0.36 against > 0.5 at the native rate, not understood);
        # through libpulse, a barge-in's rewrite then came out with a step in about
        # 1 of 6 runs of the click test (0 of 8 at the native rate), probably the
        # server's resampler restarting at the rewind.
        self._server_resampling = server_resampling
        if backend not in ("auto", "portaudio", "pulse"):
            raise ValueError(f"backend must be 'auto', 'portaudio' or 'pulse', got {backend!r}")
        self._backend = backend
        self._pulse_buffer_ms = pulse_buffer_ms
        self._pulse_tick_ms = pulse_tick_ms
        self._pulse: PulseOutput | None = None
        self._writer: PulseWriter | None = None
        self._tap_lead = 0.0  # added to the reference tap's stamps (PulseWriter sets it)
        self._stopping = False
        self.output_latency = 0.0  # seconds, as PortAudio reports it for the open stream
        self._turn_base = 0  # ring index where the current turn's first sample goes
        self._turn_in = 0  # input samples fed in the current turn
        self.level = LevelMeter()
        self._stream: sd.OutputStream | None = None
        self._device: DeviceInfo | None = None
        self._samplerate = 0
        self._ring: RingBuffer | None = None
        self._resamplers: dict[int, StreamResampler] = {}
        self._odd_byte = b""
        self._fade = np.zeros(0, dtype=np.float32)
        # Loop-thread state.
        self._turn_open = False
        # Callback-thread state.
        self._active = False  # emitting a turn (from first sample after idle)
        self._starved = False  # ran dry during the open turn; counted once per episode
        self._first_sample_time: float | None = None
        self.underruns = 0
        self.callbacks = 0  # grows while the device consumes audio: a liveness signal
        self.status_events = 0
        self.output_underflows = 0  # PortAudio's own underflow flag

    # -- public API ----------------------------------------------------------------

    @property
    def device_name(self) -> str | None:
        return self._device.name if self._device else None

    @property
    def samplerate(self) -> int:
        return self._samplerate

    @property
    def running(self) -> bool:
        return self._stream is not None or self._writer is not None

    @property
    def backend(self) -> str:
        """ "pulse" (libpulse, PulseWriter), "portaudio" (callback), "" when stopped."""
        return "pulse" if self._writer else "portaudio" if self._stream else ""

    @property
    def last_clear_handled(self) -> float | None:
        """monotonic() when the last barge-in's fade was handed to the sound server
        (pulse backend; the PortAudio callback hands it in its next block instead)."""
        return self._writer.last_clear_handled if self._writer else None

    @property
    def is_playing(self) -> bool:
        """True while queued audio remains or a turn is being emitted."""
        ring = self._ring
        return ring is not None and (ring.available > 0 or self._active)

    @property
    def queued_seconds(self) -> float:
        ring = self._ring
        return ring.available / self._samplerate if ring is not None else 0.0

    @property
    def last_first_sample_time(self) -> float | None:
        """time.monotonic() when the first sample after idle was handed to the device."""
        return self._first_sample_time

    @property
    def dropped_samples(self) -> int:
        return self._ring.dropped_samples if self._ring else 0

    @property
    def underruns_total(self) -> int:
        return self.jitter.underruns

    def stats(self) -> dict[str, Any]:
        """Figures for the diagnostics view (read from the loop thread)."""
        ring = self._ring
        return {
            "device": self.device_name,
            "backend": self.backend,
            "path": {"pulse": "libpulse", "portaudio": "PortAudio"}.get(self.backend),
            "rate": self._samplerate,
            "block_ms": self._pulse_tick_ms if self._writer else self._block_ms,
            "latency_ms": self.output_latency * 1000.0,
            "queued_ms": self.queued_seconds * 1000.0,
            "threshold_ms": self.jitter.threshold_ms,
            "underruns": self.jitter.underruns,
            "overruns": ring.overflows if ring else 0,
            "dropped_samples": self.dropped_samples,
            "cleared_samples": ring.cleared_samples if ring else 0,
            # PortAudio's flag: the libpulse path does not read the server's (None: "-").
            "device_underflows": None if self._writer else self.output_underflows,
            "callbacks": self.callbacks,
        }

    def start(self) -> None:
        if self.running:
            return
        self._stopping = False
        if self._backend != "portaudio" and self._start_pulse():
            return
        favour_audio_callbacks()
        self._tap_lead = 0.0
        stream, dev, rate = open_stream(
            "output",
            self._device_spec,
            self._block_ms,
            self._latency,
            self._callback,
            self._on_finished,
            self._prepare,
            wanted_rate=RECEIVE_RATE if self._server_resampling else None,
        )
        self._device = dev
        self._stream = stream
        self.output_latency = float(stream.latency)
        log.info(
            "playback started on %r at %d Hz (latency %.1f ms)",
            dev.name,
            rate,
            self.output_latency * 1000,
        )

    def _start_pulse(self) -> bool:
        """Open the sound server's default sink through libpulse (PulseWriter); False
        when the device is not a sound server's or libpulse is missing (and ``auto``)."""
        dev = resolve_device(self._device_spec, "output")
        usable = resampled_by_sound_server(dev) and libpulse_available()
        if not usable:
            if self._backend == "pulse":
                raise AudioDeviceError(
                    f"The speaker {dev.name!r} is not a PulseAudio/PipeWire device, or "
                    "libpulse is not installed."
                )
            return False
        rate = stream_rate(dev, RECEIVE_RATE if self._server_resampling else None)
        self._prepare(rate)
        try:
            out = PulseOutput(rate, self._pulse_buffer_ms, self._pulse_tick_ms)
        except PulseError as exc:
            if self._backend == "auto":  # e.g. ALSA's default reaches a server we cannot
                log.info("libpulse playback unavailable (%s): using PortAudio", exc)
                return False
            raise AudioDeviceError(
                f"Could not open the speaker {dev.name!r}: {exc} "
                "Check that the sound server (PulseAudio/PipeWire) is running."
            ) from exc
        self._device = dev
        self._pulse = out
        self.output_latency = out.buffer_frames / rate
        self._writer = PulseWriter(self, out, self._pulse_tick_ms)
        self._writer.start()
        log.info(
            "playback started on %r through libpulse at %d Hz (buffer %.1f ms)",
            dev.name,
            rate,
            self.output_latency * 1000,
        )
        return True

    def stop(self) -> None:
        writer, self._writer = self._writer, None
        stream, self._stream = self._stream, None
        if stream is None and writer is None:
            return
        self._stopping = True
        if writer is not None:
            writer.stop()
            pulse, self._pulse = self._pulse, None
            if pulse is not None:
                pulse.close()
        if stream is not None:
            close_stream(stream, "playback")
        if self._ring is not None:
            self._ring.clear()
        self.jitter.reset()
        self._turn_open = False
        self._active = False
        self.level.reset()
        log.info("playback stopped (underruns=%d)", self.underruns)

    def feed(self, pcm: bytes, rate: int = RECEIVE_RATE) -> None:
        """Queue int16 little-endian mono PCM at ``rate``. Never blocks, never drops
        (the ring holds minutes); a full ring is counted in ``dropped_samples``."""
        ring = self._ring
        if ring is None:
            raise RuntimeError("SpeakerPlayback.feed() called before start()")
        if self._odd_byte:
            pcm = self._odd_byte + pcm
            self._odd_byte = b""
        if len(pcm) % 2:
            self._odd_byte = pcm[-1:]
            pcm = pcm[:-1]
        if not pcm:
            return
        samples = int16_to_float32(np.frombuffer(pcm, dtype="<i2"))
        if not self._turn_open:
            self._turn_base = ring._write_idx
            self._turn_in = 0
        pos = self._turn_base + self._turn_in * self._samplerate // rate
        self._turn_in += samples.shape[0]
        self.last_feed_pos = pos
        out = self._resampler_for(rate).process(samples)
        self._turn_open = True
        ring.write(out)
        writer = self._writer
        if writer is not None and (writer.starving or not self._active):
            writer.wake()  # an answer starts, or one ran dry: play it now

    def end_turn(self) -> None:
        """The turn's audio is complete: flush the resampler tail, so running dry from
        here on is the end of the turn, not an underrun."""
        ring = self._ring
        if ring is not None:
            for r in self._resamplers.values():
                tail = r.flush()
                if tail.size:
                    ring.write(tail)
        self._odd_byte = b""
        self._turn_open = False

    def clear(self) -> None:
        """Drop all queued audio now (on ``interrupted``)."""
        self._turn_open = False
        self._odd_byte = b""
        for r in self._resamplers.values():
            r.reset()
        if self._ring is not None:
            self._ring.clear()
        if self._writer is not None:
            self._writer.wake()

    # -- internals -----------------------------------------------------------------

    def _resampler_for(self, rate: int) -> StreamResampler:
        r = self._resamplers.get(rate)
        if r is None:
            r = StreamResampler(rate, self._samplerate, self._quality)
            self._resamplers[rate] = r
        return r

    def _prepare(self, rate: int) -> None:
        """Allocate everything the callback and feed() use (no stream needed)."""
        self._samplerate = rate
        # np.zeros is lazily backed by the OS: minutes of capacity cost little until used.
        self._ring = RingBuffer(int(rate * self._ring_seconds), dtype=np.float32)
        self._resamplers = {}
        n = max(1, int(rate * _FADE_S))
        # Raised-cosine ramp 1 -> 0 over n samples.
        self._fade = (0.5 * (1.0 + np.cos(np.pi * (np.arange(n) + 1) / (n + 1)))).astype(np.float32)
        self._turn_open = False
        self._active = False
        self._starved = False
        self.jitter = JitterPolicy(rate, self._start_on_first_chunk(rate))
        self._turns_seen = 0
        self.last_feed_pos = -1

    def _start_on_first_chunk(self, rate: int) -> JitterConfig:
        """The jitter config with its start threshold lowered by what the resampler to
        ``rate`` holds back, so a first chunk of ``start_ms`` starts playback by itself."""
        cfg = self._jitter_config or JitterConfig()
        probe = np.zeros(RECEIVE_RATE * int(cfg.start_ms) // 1000, dtype=np.float32)
        out = StreamResampler(RECEIVE_RATE, rate, self._quality).process(probe)
        held_ms = cfg.start_ms - out.shape[0] * 1000.0 / rate
        if held_ms <= 0:
            return cfg
        return replace(cfg, start_ms=max(cfg.min_ms, cfg.start_ms - held_ms - 0.5))

    def _on_finished(self) -> None:
        # PortAudio thread: the stream ended. Unless stop() asked for it, the device failed.
        if self._stopping or self._on_lost is None or self._loop is None:
            return
        name = self._device.name if self._device else "the speaker"
        msg = f"The speaker {name!r} stopped working (unplugged or taken by another program)."
        with contextlib.suppress(RuntimeError):  # the loop closed during shutdown
            self._loop.call_soon_threadsafe(self._on_lost, msg)

    def _callback(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        # PortAudio thread: copy out of the ring, pad, meter. No logging, no buffers.
        out = outdata[:, 0]
        ring = self._ring
        if ring is None:
            out.fill(0.0)
            return
        self.callbacks += 1
        if status:
            self.status_events += 1
            if status.output_underflow:
                self.output_underflows += 1
        jitter = self.jitter
        filled = 0
        if ring.clear_pending:
            if jitter.state == JitterState.PLAYING:
                # Fade out what was playing rather than cutting it mid-waveform.
                fade = self._fade
                n = ring.read_before_clear_into(out[: fade.shape[0]])
                out[:n] *= fade[:n]
                filled = n
            jitter.reset()
            self._active = False
        turn_open = self._turn_open
        queue_pos = -1
        want = jitter.pull(ring.available, frames - filled, turn_open)
        if want > 0:
            queue_pos = max(ring._read_idx, ring._clear_mark)
            got = ring.read_into(out[filled : filled + want])
            jitter.played(got, frames - filled, turn_open)
            if got > 0:
                self._active = True
                if jitter.turns_started != self._turns_seen:
                    self._turns_seen = jitter.turns_started
                    self._first_sample_time = time.monotonic()
            filled += got
        else:
            jitter.played(0, frames - filled, turn_open)
        if filled < frames:
            out[filled:] = 0.0
        if jitter.state == JitterState.IDLE:
            self._active = False
        self.underruns = jitter.underruns
        tap = self.reference
        if tap is not None:
            tap.push(out, time.monotonic() + self._tap_lead, _dac_time(time_info), queue_pos)
        self.level.update(out)


def _dac_time(time_info: Any) -> float:
    # getattr with a default: tests drive the callback with None, and raising would allocate.
    return float(getattr(time_info, "outputBufferDacTime", 0.0))
