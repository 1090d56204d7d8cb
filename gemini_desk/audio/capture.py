"""Microphone capture: PortAudio callback -> ring buffer -> 16 kHz int16 chunks on the loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import sounddevice as sd

from gemini_desk.audio.devices import DeviceInfo, close_stream, open_stream
from gemini_desk.audio.loop_waker import LoopWaker
from gemini_desk.audio.mic_batch import MicBatcher
from gemini_desk.audio.realtime import favour_audio_callbacks
from gemini_desk.core.level_meter import LevelMeter
from gemini_desk.core.messages import Message, message
from gemini_desk.core.messages import MessageId as M
from gemini_desk.core.resampler import LOW_LATENCY, StreamResampler, float32_to_int16
from gemini_desk.core.ring_buffer import RingBuffer

if TYPE_CHECKING:
    from gemini_desk.audio.echo import NearEndProcessor

__all__ = ["SEND_RATE", "MicCapture"]

log = logging.getLogger("gemini_desk.audio")

SEND_RATE = 16000  # what the Live API takes: audio/pcm;rate=16000
_RING_SECONDS = 2.0  # how long the loop may stall before samples are dropped
_DRAIN_BLOCK = 4096
# No callback for this long while open: the stream records nothing. PipeWire parks a
# stream whose device vanished when it has nowhere to move it: no error, no callback.
STALL_S = 2.0
_STAMPS = 256  # arrival times of the most recent callbacks (for mic-to-wire bookkeeping)


class MicCapture:
    """Captures mono audio and delivers it on the asyncio loop as 16 kHz int16
    little-endian chunks of exactly ``chunk_ms``.

    The PortAudio callback only copies into a preallocated ring, updates the level
    meter and, once a whole chunk is ready and no wake-up is pending, schedules one
    ``_pump`` on the loop through a ``LoopWaker`` (one byte on a socket pair; qasync's
    ``call_soon_threadsafe`` costs ~0.2 ms a call there) - at most one wake-up per
    chunk: 50 a second for 20 ms chunks. ``on_chunk`` is called on the loop thread;
    ``last_chunk_arrival`` is then the time.monotonic() at which the chunk's first sample
    arrived in the callback. If the device disappears, ``on_lost(message)`` is called on
    the loop; the owner should ``stop()`` and reopen later.

    The default block is one chunk (20 ms): a chunk's first sample waits for its last
    either way, so smaller blocks add no latency, only wake-ups (each costs ~0.15-0.2 ms
    of CPU through PortAudio's ALSA/PulseAudio path, measured here).
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        on_chunk: Callable[[bytes], None],
        device: str | int | None = None,
        block_ms: int = 20,
        chunk_ms: int = 20,
        *,
        on_lost: Callable[[Message], None] | None = None,
        resample_quality: str = LOW_LATENCY,
        latency: str | float = "low",
        server_resampling: bool = True,
    ) -> None:
        self._loop = loop
        self._on_chunk = on_chunk
        self._on_lost = on_lost
        self._device_spec = device
        self._block_ms = block_ms
        self._chunk_ms = chunk_ms
        self._quality = resample_quality
        self._latency = latency
        # On a sound server's device open at the API's rate and let the server convert
        # (audio.devices.stream_rate); False forces the native rate + our resampler.
        self._server_resampling = server_resampling
        self._stopping = False
        self._chunk_bytes = SEND_RATE * chunk_ms // 1000 * 2
        self._wake_at = 1  # ring samples that make a whole chunk (set in prepare)
        self._slack = 0
        self._pending_samples = 0  # 16 kHz samples waiting in _pending (loop-owned)
        self._emitted = 0  # 16 kHz samples handed to on_chunk since start
        # Echo cancellation etc. (issue 8): runs here in the pump, on the loop thread, on
        # the 16 kHz signal; it calls a native library and allocates, so never in the callback.
        self.processor: NearEndProcessor | None = None
        self._resampled = 0  # 16 kHz samples out of the resampler since start
        self._stamp_t = np.zeros(_STAMPS, dtype=np.float64)
        self._stamp_end = np.zeros(_STAMPS, dtype=np.int64)  # input samples after the block
        self._stamps = 0
        self._captured = 0  # input samples seen by the callback
        self.last_chunk_arrival = 0.0
        self.input_latency = 0.0
        self.level = LevelMeter()
        self._muted = False
        self._stream: sd.InputStream | None = None
        self._device: DeviceInfo | None = None
        self._samplerate = 0
        self._ring: RingBuffer | None = None
        self._resampler: StreamResampler | None = None
        self._scratch = np.zeros(_DRAIN_BLOCK, dtype=np.float32)
        self._pending = bytearray()
        self._wake_pending = False
        self._waker: LoopWaker | None = None  # the callback's way to the loop (a socket)
        # Two chunks per wake-up and per send after 2 s of quiet, five chunks per wake-up
        # after 5 s (audio/mic_batch.py).
        self.batcher = MicBatcher()
        # Callback-owned counters.
        self.status_events = 0  # callbacks that reported any status flag
        self.input_overflows = 0  # PortAudio said input was lost before we saw it
        self.wakeups = 0
        self.callbacks = 0  # grows while the device delivers audio: a liveness signal
        self._watch: asyncio.TimerHandle | None = None
        self._watched = -1  # callbacks at the watchdog's last look

    # -- public API ----------------------------------------------------------------

    @property
    def device_name(self) -> str | None:
        return self._device.name if self._device else None

    @property
    def samplerate(self) -> int:
        """The rate the stream runs at (0 before start()): 16 kHz on a sound server's
        device (it converts), else the device's native rate (resampled here)."""
        return self._samplerate

    @property
    def running(self) -> bool:
        return self._stream is not None

    @property
    def muted(self) -> bool:
        return self._muted

    @muted.setter
    def muted(self, value: bool) -> None:
        self._muted = bool(value)
        if self._muted:
            self.level.reset()

    @property
    def overflows(self) -> int:
        """Times input was lost: ring full (loop too slow) or PortAudio input overflow."""
        ring_overflows = self._ring.overflows if self._ring else 0
        return ring_overflows + self.input_overflows

    @property
    def dropped_samples(self) -> int:
        return self._ring.dropped_samples if self._ring else 0

    def start(self) -> None:
        if self._stream is not None:
            return
        self._stopping = False
        if self.processor is not None:  # nothing from before a mute comes out after it
            self.processor.reset_timeline()
        favour_audio_callbacks()
        stream, dev, rate = open_stream(
            "input",
            self._device_spec,
            self._block_ms,
            self._latency,
            self.callback,
            self._on_finished,
            self.prepare,
            wanted_rate=SEND_RATE if self._server_resampling else None,
        )
        self._device = dev
        self._stream = stream
        self.input_latency = float(stream.latency)
        self._watched = -1
        self._watch = self._loop.call_later(STALL_S, self._check_alive)
        if self._waker is None:
            self._waker = LoopWaker(self._loop, self._pump)
        log.info("capture started on %r at %d Hz", dev.name, rate)

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if self._watch is not None:
            self._watch.cancel()
            self._watch = None
        if stream is None:
            return
        self._stopping = True
        # A microphone has nothing worth finishing: abort, which does not wait on a
        # stalled stream as stop() does.
        close_stream(stream, "capture", abort=True)
        if self._waker is not None:  # after the stream: no callback can wake it now
            self._waker.close()
            self._waker = None
        self.level.reset()
        log.info("capture stopped (overflows=%d)", self.overflows)

    # -- internals -----------------------------------------------------------------

    def prepare(self, rate: int) -> None:
        """Allocate everything the callback and the pump use for a stream at ``rate``
        (``start()`` calls it; without a stream, ``callback`` can then be driven by hand)."""
        self._samplerate = rate
        self._ring = RingBuffer(int(rate * _RING_SECONDS), dtype=np.float32)
        self._resampler = StreamResampler(rate, SEND_RATE, self._quality)
        self._pending.clear()
        self._wake_pending = False
        self.batcher.reset()
        # Wake the loop once the ring holds what completes the next chunk.
        self._slack = rate // 2000
        self._wake_at = max(1, rate * self._chunk_ms // 1000 - self._slack)
        self._pending_samples = 0
        self._emitted = 0
        self._resampled = 0
        self._stamps = 0
        self._captured = 0

    def stats(self) -> dict[str, Any]:
        """Figures for the diagnostics view (read from the loop thread)."""
        return {
            "device": self.device_name,
            "rate": self._samplerate,
            "block_ms": self._block_ms,
            "latency_ms": self.input_latency * 1000.0,
            "overruns": self.overflows,
            "dropped_samples": self.dropped_samples,
            "wakeups": self.wakeups,
            "callbacks": self.callbacks,
            # None: no echo cancellation (headphones); see audio/echo.py.
            "echo_cpu_us": _echo_cpu_us(self.processor),
        }

    def _on_finished(self) -> None:
        # PortAudio thread: the stream ended. Unless stop() asked for it, the device failed.
        if self._stopping or self._on_lost is None:
            return
        msg = message(M.MIC_STOPPED, repr(self._device.name) if self._device else "")
        with contextlib.suppress(RuntimeError):  # the loop closed during shutdown
            self._loop.call_soon_threadsafe(self._on_lost, msg)

    def _check_alive(self) -> None:
        """Loop timer, every ``STALL_S`` while open: no callback since the last look means
        the stream stalled; that is told like a lost device (the owner stops and reopens)."""
        self._watch = None
        if self._stream is None or self._stopping:
            return
        if self.callbacks == self._watched:
            log.info("capture stalled: no audio from the device for %.1f s", STALL_S)
            if self._on_lost is not None:
                name = repr(self._device.name) if self._device else ""
                self._on_lost(message(M.MIC_STOPPED, name))
            return
        self._watched = self.callbacks
        self._watch = self._loop.call_later(STALL_S, self._check_alive)

    def _arrival(self, sample16k: int) -> float:
        """When the input sample matching 16 kHz sample ``sample16k`` reached the callback."""
        pos = sample16k * self._samplerate // SEND_RATE
        newest = self._stamps
        for k in range(newest - 1, max(-1, newest - _STAMPS - 1), -1):
            i = k % _STAMPS
            if self._stamp_end[i] <= pos:
                return float(self._stamp_t[(k + 1) % _STAMPS]) if k + 1 < newest else 0.0
        return float(self._stamp_t[max(0, newest - _STAMPS) % _STAMPS])

    def callback(self, indata: Any, frames: int, time_info: Any, status: Any) -> None:
        """The input stream's callback (PortAudio thread): copy, meter, maybe wake the
        loop. No logging, no allocation of buffers."""
        ring = self._ring
        if ring is None:
            return
        self.callbacks += 1
        if status:
            self.status_events += 1
            if status.input_overflow:
                self.input_overflows += 1
        mono = indata[:, 0]
        ring.write(mono)
        i = self._stamps % _STAMPS
        now = time.monotonic()
        self._stamp_t[i] = now
        self._captured += frames
        self._stamp_end[i] = self._captured
        self._stamps += 1
        batch = 1
        if not self._muted:
            self.level.update(mono)
            batch = self.batcher.block(self.level.rms_db, now)
        chunk = self._wake_at + self._slack
        need = batch * chunk - self._slack - self._pending_samples * self._samplerate // SEND_RATE
        if not self._wake_pending and ring.available >= need:
            self._wake_pending = True
            self.wakeups += 1
            waker = self._waker
            try:
                if waker is None:  # driven by hand, without a stream
                    self._loop.call_soon_threadsafe(self._pump)
                elif not waker.wake():
                    self._wake_pending = False
            except RuntimeError:  # loop closed during shutdown
                self._wake_pending = False

    @property
    def block_ms(self) -> int:
        """The callback's block length in milliseconds."""
        return self._block_ms

    def _pump(self) -> None:
        """Loop thread: drain the ring, resample, emit whole chunks."""
        # Reset first so a block written while we drain schedules another pump.
        self._wake_pending = False
        ring, resampler = self._ring, self._resampler
        if ring is None or resampler is None:
            return
        if self._muted:
            while ring.read_into(self._scratch):
                pass
            self._pending.clear()
            self._pending_samples = 0
            self._emitted = self._captured * SEND_RATE // self._samplerate
            self._resampled = self._emitted
            resampler.reset()
            return
        while True:
            n = ring.read_into(self._scratch)
            if n == 0:
                break
            out = resampler.process(self._scratch[:n])
            processor = self.processor
            if processor is not None and out.size:
                captured = self._arrival(self._resampled) or time.monotonic()
                self._resampled += out.size
                out = processor.process(out, captured - self.input_latency)
            if out.size:
                self._pending += float32_to_int16(out).astype("<i2", copy=False).tobytes()
        size = self._chunk_bytes * self.batcher.batch
        if len(self._pending) < size:
            size = self._chunk_bytes  # the room got loud: what is pending goes now
        while len(self._pending) >= size and not self._muted:
            chunk = bytes(self._pending[:size])
            del self._pending[:size]
            self.last_chunk_arrival = self._arrival(self._emitted)
            self._emitted += size // 2
            self._on_chunk(chunk)
        self._pending_samples = len(self._pending) // 2


def _echo_cpu_us(processor: NearEndProcessor | None) -> float | None:
    """Recent CPU time of echo cancellation per 10 ms frame, or None when it is off."""
    if processor is None:
        return None
    stats = processor.stats()
    return float(stats["cpu_us_recent"]) if stats.get("echo_cancellation") else None
