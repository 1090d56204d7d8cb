"""Speaker playback: 24 kHz PCM from the loop -> ring buffer -> PortAudio callback."""

from __future__ import annotations

import logging
import time
from typing import Any

import numpy as np
import sounddevice as sd

from gemini_desk.audio.devices import AudioDeviceError, DeviceInfo, resolve_device
from gemini_desk.core.level_meter import LevelMeter
from gemini_desk.core.resampler import StreamResampler, int16_to_float32
from gemini_desk.core.ring_buffer import RingBuffer

__all__ = ["RECEIVE_RATE", "SpeakerPlayback"]

log = logging.getLogger("gemini_desk.audio")

RECEIVE_RATE = 24000  # what the Live API sends: audio/pcm;rate=24000
_FADE_S = 0.003


class SpeakerPlayback:
    """Plays mono PCM through an output stream at the device's native rate.

    ``feed()`` / ``end_turn()`` / ``clear()`` are called on the loop thread (the single
    producer). The PortAudio callback is the single consumer: it reads the ring, pads
    with silence on underrun and meters what it played.

    ``clear()`` drops everything queued: the callback plays at most ``_FADE_S`` (3 ms)
    more of the old signal, faded to zero so there is no click, then skips the rest.
    ``underruns`` counts times the ring ran dry mid-turn (a turn is open from the first
    ``feed()`` until ``end_turn()`` or ``clear()``), not the normal end of a turn.
    """

    def __init__(
        self,
        device: str | int | None = None,
        block_ms: int = 10,
        ring_seconds: float = 300.0,
    ) -> None:
        self._device_spec = device
        self._block_ms = block_ms
        self._ring_seconds = ring_seconds
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
        return self._stream is not None

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

    def start(self) -> None:
        if self._stream is not None:
            return
        dev = resolve_device(self._device_spec, "output")
        rate = int(dev.default_samplerate)
        self._prepare(rate)
        try:
            stream = sd.OutputStream(
                device=dev.index,
                samplerate=rate,
                channels=1,
                dtype="float32",
                blocksize=rate * self._block_ms // 1000,
                latency="low",
                callback=self._callback,
            )
            stream.start()
        except (sd.PortAudioError, ValueError) as exc:
            raise AudioDeviceError(
                f"Could not open the speaker {dev.name!r} at {rate} Hz: {exc}. "
                "It may be in use by another program or unplugged."
            ) from exc
        self._device = dev
        self._stream = stream
        log.info("playback started on %r at %d Hz", dev.name, rate)

    def stop(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None:
            return
        try:
            stream.stop()
        finally:
            stream.close()
        if self._ring is not None:
            self._ring.clear()
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
        out = self._resampler_for(rate).process(samples)
        self._turn_open = True
        ring.write(out)

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

    # -- internals -----------------------------------------------------------------

    def _resampler_for(self, rate: int) -> StreamResampler:
        r = self._resamplers.get(rate)
        if r is None:
            r = self._resamplers[rate] = StreamResampler(rate, self._samplerate)
        return r

    def _prepare(self, rate: int) -> None:
        """Allocate everything the callback and feed() use (no stream needed)."""
        self._samplerate = rate
        # np.zeros is lazily backed by the OS: minutes of capacity cost little until used.
        self._ring = RingBuffer(int(rate * self._ring_seconds), dtype=np.float32)
        self._resamplers = {}
        n = max(1, int(rate * _FADE_S))
        # Raised-cosine ramp 1 -> 0 over n samples.
        self._fade = (0.5 * (1.0 + np.cos(np.pi * (np.arange(n) + 1) / (n + 1)))).astype(
            np.float32
        )
        self._turn_open = False
        self._active = False
        self._starved = False

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
        filled = 0
        if ring.clear_pending and self._active:
            # Fade out what was playing rather than cutting it mid-waveform.
            fade = self._fade
            n = ring.read_before_clear_into(out[: fade.shape[0]])
            out[:n] *= fade[:n]
            filled = n
        filled += ring.read_into(out[filled:])
        if filled < frames:
            out[filled:] = 0.0
        if filled > 0:
            if not self._active:
                self._active = True
                self._first_sample_time = time.monotonic()
            self._starved = False
        if filled < frames:
            if self._turn_open:
                if self._active and not self._starved:
                    self.underruns += 1
                    self._starved = True
            else:
                self._active = False
        self.level.update(out)
