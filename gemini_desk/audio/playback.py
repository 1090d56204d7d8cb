"""Speaker playback: 24 kHz PCM from the loop -> BlockRenderer -> PortAudio or libpulse."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import sounddevice as sd

from gemini_desk.audio.cue_mixer import CueMixer
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
from gemini_desk.audio.render import RECEIVE_RATE, BlockRenderer
from gemini_desk.audio.server_devices import server_name
from gemini_desk.core.cues import Cue
from gemini_desk.core.jitter import JitterConfig, JitterPolicy
from gemini_desk.core.level_meter import LevelMeter
from gemini_desk.core.messages import Message, message
from gemini_desk.core.messages import MessageId as M
from gemini_desk.core.resampler import LOW_LATENCY

__all__ = ["RECEIVE_RATE", "SpeakerPlayback"]

log = logging.getLogger("gemini_desk.audio")


class SpeakerPlayback:
    """Plays mono PCM through an output stream at the device's native rate, resampled
    here (or at 24 kHz on a sound server's device with ``server_resampling=True``).

    ``backend``: on a PulseAudio/PipeWire device ("auto", or "pulse" to insist) the
    blocks below are rendered by a ``PulseWriter`` thread into a libpulse stream
    (``pulse_buffer_ms`` queued on the server while playing, refilled every
    ``pulse_tick_ms``; a barge-in does not wait behind it, see audio/pulse_writer.py);
    otherwise ("portaudio", other devices, no libpulse) by a PortAudio callback.

    ``feed()`` / ``end_turn()`` / ``clear()`` are called on the loop thread (the single
    producer) and go to a ``BlockRenderer`` (audio/render.py: the jitter buffer, the
    barge-in fade, the meter and the reference tap); the PortAudio callback or the
    ``PulseWriter`` is its single consumer.

    If the device disappears or the stream fails, ``on_lost(message)`` is called on
    ``loop`` (plain words); the owner should ``stop()`` and reopen later.

    ``clear()`` drops everything queued: the callback plays at most 3 ms more of the old
    signal, faded to zero so there is no click, then skips the rest.
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
        on_lost: Callable[[Message], None] | None = None,
        resample_quality: str = LOW_LATENCY,
        latency: str | float = 0.018,
        server_resampling: bool = False,
        backend: str = "auto",
        pulse_buffer_ms: float = 60.0,
        pulse_tick_ms: float = 20.0,
    ) -> None:
        self._device_spec = device
        self._block_ms = block_ms
        self._renderer = BlockRenderer(
            ring_seconds=ring_seconds,
            jitter=jitter,
            resample_quality=resample_quality,
            reference=reference,
        )
        self._loop = loop
        self._on_lost = on_lost
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
        self._writer: PulseWriter | None = None
        self._stopping = False
        self.output_latency = 0.0  # seconds, as PortAudio reports it for the open stream
        self._stream: sd.OutputStream | None = None
        self._device: DeviceInfo | None = None
        # Callback-thread counters (PortAudio's status flags).
        self.status_events = 0
        self.output_underflows = 0  # PortAudio's own underflow flag

    # -- public API ----------------------------------------------------------------

    @property
    def device_name(self) -> str | None:
        return self._device.name if self._device else None

    @property
    def samplerate(self) -> int:
        return self._renderer.samplerate

    @property
    def running(self) -> bool:
        return self._stream is not None or self._writer is not None

    @property
    def backend(self) -> str:
        """ "pulse" (libpulse, PulseWriter), "portaudio" (callback), "" when stopped."""
        return "pulse" if self._writer else "portaudio" if self._stream else ""

    @property
    def jitter(self) -> JitterPolicy:
        """The jitter policy of the stream (replaced when a stream opens)."""
        return self._renderer.jitter

    @property
    def level(self) -> LevelMeter:
        """The meter of what was played (the same object for the player's lifetime)."""
        return self._renderer.level

    @property
    def reference(self) -> ReferenceTap | None:
        """Where each emitted block is recorded (for echo cancellation), or None."""
        return self._renderer.reference

    @reference.setter
    def reference(self, tap: ReferenceTap | None) -> None:
        self._renderer.reference = tap

    @property
    def last_clear_handled(self) -> float | None:
        """monotonic() when the last barge-in's fade was handed to the sound server
        (pulse backend; the PortAudio callback hands it in its next block instead)."""
        return self._writer.last_clear_handled if self._writer else None

    @property
    def is_playing(self) -> bool:
        """True while queued audio remains or a turn is being emitted."""
        return self._renderer.is_playing

    @property
    def queued_seconds(self) -> float:
        return self._renderer.queued_seconds

    @property
    def last_first_sample_time(self) -> float | None:
        """time.monotonic() when the first sample after idle was handed to the device."""
        return self._renderer.last_first_sample_time

    @property
    def last_feed_pos(self) -> int:
        """Ring index of the first sample of the last chunk fed (-1 before any)."""
        return self._renderer.last_feed_pos

    @property
    def dropped_samples(self) -> int:
        return self._renderer.dropped_samples

    @property
    def underruns(self) -> int:
        return self._renderer.underruns

    @property
    def callbacks(self) -> int:
        """Blocks rendered: grows while the device consumes audio (a liveness signal)."""
        return self._renderer.blocks

    @property
    def idle_latency(self) -> float:
        """Seconds an answer starting while idle waits behind: on libpulse what the writer
        keeps queued while idle, otherwise the stream's output latency."""
        writer = self._writer
        return writer.idle_frames / writer.rate if writer else self.output_latency

    @property
    def resting(self) -> bool:
        """The libpulse writer is in a pause: nothing played for a while, so it keeps a
        longer queue of silence and wakes less often (audio/pulse_writer.py)."""
        writer = self._writer
        return writer.resting if writer else False

    def stats(self) -> dict[str, Any]:
        """Figures for the diagnostics view (read from the loop thread)."""
        r = self._renderer
        return {
            "device": self.device_name,
            "backend": self.backend,
            "path": {"pulse": "libpulse", "portaudio": "PortAudio"}.get(self.backend),
            "rate": r.samplerate,
            "block_ms": self._pulse_tick_ms if self._writer else self._block_ms,
            "latency_ms": self.output_latency * 1000.0,
            "queued_ms": self.queued_seconds * 1000.0,
            "threshold_ms": self.jitter.threshold_ms,
            "underruns": self.jitter.underruns,
            "overruns": r.overflows,
            "dropped_samples": r.dropped_samples,
            "cleared_samples": r.cleared_samples,
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
        stream, dev, rate = open_stream(
            "output",
            self._device_spec,
            self._block_ms,
            self._latency,
            self._callback,
            self._on_finished,
            self._renderer.prepare,
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
                raise AudioDeviceError(message(M.SPEAKER_NOT_PULSE, repr(dev.name)))
            return False
        rate = stream_rate(dev, RECEIVE_RATE if self._server_resampling else None)
        self._renderer.prepare(rate)
        try:
            sink = server_name(self._device_spec)  # a sink chosen by name, or the default
            out = PulseOutput(rate, self._pulse_buffer_ms, self._pulse_tick_ms, sink=sink)
        except PulseError as exc:
            if self._backend == "auto":  # e.g. ALSA's default reaches a server we cannot
                log.info("libpulse playback unavailable (%s): using PortAudio", exc)
                return False
            raise AudioDeviceError(
                message(M.SPEAKER_PULSE_FAILED, repr(dev.name), str(exc))
            ) from exc
        self._device = dev
        try:
            writer = PulseWriter(self._renderer, out, self._pulse_tick_ms, self._on_finished)
        except BaseException:
            out.close()
            raise
        # From here the writer owns ``out``: its thread closes it (see stop()).
        self.output_latency = writer.buffer_latency
        try:
            writer.start()
        except BaseException:
            writer.stop()  # never started: closes ``out`` at once
            raise
        self._writer = writer
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
            # The writer's thread closes the libpulse stream itself as it leaves: never
            # here, where it might still be inside a call on it (join timed out).
            writer.stop()
        if stream is not None:
            close_stream(stream, "playback")
        self._renderer.reset()
        log.info("playback stopped (underruns=%d)", self.underruns)

    def feed(self, pcm: bytes, rate: int = RECEIVE_RATE) -> None:
        """Queue int16 little-endian mono PCM at ``rate``. Never blocks, never drops
        (the ring holds minutes); a full ring is counted in ``dropped_samples``."""
        renderer = self._renderer
        if not renderer.prepared:
            raise RuntimeError("SpeakerPlayback.feed() called before start()")
        if not renderer.feed(pcm, rate):
            return
        writer = self._writer
        if writer is not None and (writer.starving or not renderer.active):
            writer.wake()  # an answer starts, or one ran dry: play it now

    def end_turn(self) -> None:
        """The turn's audio is complete: flush the resampler tail, so running dry from
        here on is the end of the turn, not an underrun."""
        self._renderer.end_turn()

    def play_cue(self, cue: Cue) -> None:
        """Play a sound cue now, mixed over whatever plays (see audio/cue_mixer.py); it
        goes into the echo canceller's reference with the rest. No-op when stopped."""
        renderer = self._renderer
        if not self.running or not renderer.prepared:
            return
        if renderer.cues is None:
            renderer.cues = CueMixer()
        renderer.cues.play(cue, renderer.samplerate)
        if self._writer is not None:
            self._writer.wake()

    def clear(self) -> None:
        """Drop all queued audio now (on ``interrupted``)."""
        self._renderer.clear()
        if self._writer is not None:
            self._writer.wake()

    # -- internals -----------------------------------------------------------------

    def _on_finished(self) -> None:
        # PortAudio thread: the stream ended. Unless stop() asked for it, the device failed.
        if self._stopping or self._on_lost is None or self._loop is None:
            return
        msg = message(M.SPEAKER_STOPPED, repr(self._device.name) if self._device else "")
        with contextlib.suppress(RuntimeError):  # the loop closed during shutdown
            self._loop.call_soon_threadsafe(self._on_lost, msg)

    def _callback(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        # PortAudio thread: count the device's flags, render. No logging, no buffers.
        renderer = self._renderer
        if status and renderer.prepared:
            self.status_events += 1
            if status.output_underflow:
                self.output_underflows += 1
        renderer.render(outdata[:, 0], 0.0, _dac_time(time_info))


def _dac_time(time_info: Any) -> float:
    # getattr with a default: tests drive the callback with None, and raising would allocate.
    return float(getattr(time_info, "outputBufferDacTime", 0.0))
