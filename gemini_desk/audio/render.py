"""The speaker's jitter buffer: PCM fed on the loop in, output blocks rendered out."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import replace

import numpy as np
import numpy.typing as npt

from gemini_desk.audio.cue_mixer import CueMixer
from gemini_desk.audio.reference import ReferenceTap
from gemini_desk.core.jitter import JitterConfig, JitterPolicy, JitterState
from gemini_desk.core.level_meter import LevelMeter
from gemini_desk.core.resampler import (
    LOW_LATENCY,
    StreamResampler,
    int16_to_float32,
    playable_rate,
)
from gemini_desk.core.ring_buffer import RingBuffer

__all__ = ["RECEIVE_RATE", "BlockRenderer"]

RECEIVE_RATE = 24000  # what the Live API sends: audio/pcm;rate=24000
_FADE_S = 0.003  # a barge-in fades what was playing out over this long


class BlockRenderer:
    """Turns PCM fed on the loop thread into output blocks for whoever drives the device
    (the PortAudio callback, or ``PulseWriter``'s thread).

    ``prepare(rate)`` allocates everything for a stream at ``rate`` (the device's); it is
    called again when a stream reopens. ``feed()`` / ``end_turn()`` / ``clear()`` are
    called on the loop thread (the single producer): PCM is resampled to ``rate`` into a
    ring that holds minutes, so bursts are never dropped. ``render(out)`` is called on the
    output thread (the single consumer): an adaptive jitter policy (``core.jitter``)
    decides when a turn starts playing and re-buffers after an underrun; the block is
    read from the ring, padded with silence, metered (``level``), given the sound cue
    playing (``cues``, if set) and, if a ``ReferenceTap`` is set in ``reference``,
    recorded exactly as emitted (the far-end reference for echo cancellation).

    ``clear()`` drops everything queued: the next ``render`` plays at most ``_FADE_S``
    (3 ms) more of the old signal, faded to zero so there is no click, then skips the
    rest. A consumer that hands the fade over some other way (``PulseWriter`` rewrites
    what the server holds) calls ``drop_cleared()`` first and uses ``fade``.

    ``underruns`` counts times the ring ran dry mid-turn (a turn is open from the first
    ``feed()`` until ``end_turn()`` or ``clear()``), not the normal end of a turn.

    PCM at a rate outside 8-96 kHz is dropped (``feed`` returns 0); one resampler is kept
    per input rate, the ``MAX_RESAMPLERS`` used last, so rates that keep changing cost
    no memory.
    """

    MAX_RESAMPLERS = 4

    def __init__(
        self,
        *,
        ring_seconds: float = 300.0,
        jitter: JitterConfig | None = None,
        resample_quality: str = LOW_LATENCY,
        reference: ReferenceTap | None = None,
    ) -> None:
        self._ring_seconds = ring_seconds
        self._jitter_config = jitter
        self._quality = resample_quality
        self.jitter = JitterPolicy(48000, jitter)  # replaced in prepare() at the device rate
        self.reference = reference
        self.cues: CueMixer | None = None  # sound cues mixed on top (audio/cue_mixer.py)
        self.level = LevelMeter()
        self._samplerate = 0
        self._ring: RingBuffer | None = None
        self._resamplers: OrderedDict[int, StreamResampler] = OrderedDict()
        self._odd_byte = b""
        self._fade = np.zeros(0, dtype=np.float32)
        # Loop-thread state.
        self._turn_open = False
        self._turn_base = 0  # ring index where the current turn's first sample goes
        self._turn_in = 0  # input samples fed in the current turn
        self.last_feed_pos = -1  # ring index of the last fed chunk's first sample
        # Output-thread state.
        self._active = False  # emitting a turn (from first sample after idle)
        self._turns_seen = 0
        self._first_sample_time: float | None = None
        self.underruns = 0
        self.blocks = 0  # blocks rendered since creation: a liveness signal

    # -- state ----------------------------------------------------------------------

    @property
    def prepared(self) -> bool:
        return self._ring is not None

    @property
    def samplerate(self) -> int:
        return self._samplerate

    @property
    def turn_open(self) -> bool:
        """A turn's audio is still arriving (fed, not yet ended or cleared)."""
        return self._turn_open

    @property
    def active(self) -> bool:
        """The output thread is emitting a turn (from its first sample after idle)."""
        return self._active

    @property
    def available(self) -> int:
        """Samples queued for playing (a pending clear already taken into account)."""
        ring = self._ring
        return ring.available if ring is not None else 0

    @property
    def clear_pending(self) -> bool:
        """A ``clear()`` the output thread has not honoured yet."""
        ring = self._ring
        return ring is not None and ring.clear_pending

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
        """time.monotonic() when the first sample after idle was rendered."""
        return self._first_sample_time

    @property
    def dropped_samples(self) -> int:
        return self._ring.dropped_samples if self._ring else 0

    @property
    def overflows(self) -> int:
        return self._ring.overflows if self._ring else 0

    @property
    def cleared_samples(self) -> int:
        return self._ring.cleared_samples if self._ring else 0

    @property
    def resampler_rates(self) -> tuple[int, ...]:
        """The input rates a resampler is kept for, least recently used first."""
        return tuple(self._resamplers)

    @property
    def fade(self) -> npt.NDArray[np.float32]:
        """The barge-in fade at the prepared rate: a raised-cosine ramp 1 -> 0."""
        return self._fade

    # -- set-up -----------------------------------------------------------------------

    def prepare(self, rate: int) -> None:
        """Allocate everything ``render`` and ``feed`` use for a stream at ``rate``."""
        self._samplerate = rate
        # np.zeros is lazily backed by the OS: minutes of capacity cost little until used.
        self._ring = RingBuffer(int(rate * self._ring_seconds), dtype=np.float32)
        self._resamplers = OrderedDict()
        n = max(1, int(rate * _FADE_S))
        # Raised-cosine ramp 1 -> 0 over n samples.
        self._fade = (0.5 * (1.0 + np.cos(np.pi * (np.arange(n) + 1) / (n + 1)))).astype(np.float32)
        self._turn_open = False
        self._active = False
        self.jitter = JitterPolicy(rate, self._start_on_first_chunk(rate))
        self._turns_seen = 0
        self.last_feed_pos = -1

    def reset(self) -> None:
        """The stream stopped: drop what is queued and the turn (call with no consumer)."""
        if self._ring is not None:
            self._ring.clear()
        self.jitter.reset()
        self._turn_open = False
        self._active = False
        self.level.reset()
        if self.cues is not None:
            self.cues.reset()

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

    # -- producer (loop thread) ---------------------------------------------------------

    def feed(self, pcm: bytes, rate: int = RECEIVE_RATE) -> int:
        """Queue int16 little-endian mono PCM at ``rate``; return the whole samples taken
        (an odd byte waits for the next call). Never blocks, never drops (the ring holds
        minutes); a full ring is counted in ``dropped_samples``. PCM at an unplayable
        rate is dropped (0 returned)."""
        ring = self._ring
        if ring is None:
            raise RuntimeError("BlockRenderer.feed() called before prepare()")
        if not playable_rate(rate):
            return 0
        if self._odd_byte:
            pcm = self._odd_byte + pcm
            self._odd_byte = b""
        if len(pcm) % 2:
            self._odd_byte = pcm[-1:]
            pcm = pcm[:-1]
        if not pcm:
            return 0
        samples = int16_to_float32(np.frombuffer(pcm, dtype="<i2"))
        if not self._turn_open:
            self._turn_base = ring.write_index
            self._turn_in = 0
        pos = self._turn_base + self._turn_in * self._samplerate // rate
        self._turn_in += samples.shape[0]
        self.last_feed_pos = pos
        out = self._resampler_for(rate).process(samples)
        self._turn_open = True
        ring.write(out)
        return int(samples.shape[0])

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

    def _resampler_for(self, rate: int) -> StreamResampler:
        r = self._resamplers.get(rate)
        if r is None:
            r = StreamResampler(rate, self._samplerate, self._quality)
            self._resamplers[rate] = r
            while len(self._resamplers) > self.MAX_RESAMPLERS:
                self._resamplers.popitem(last=False)  # its held-back tail (ms) is lost
        else:
            self._resamplers.move_to_end(rate)
        return r

    # -- consumer (output thread) -------------------------------------------------------

    def will_play(self, available: int) -> bool:
        """True if a render now plays something: a turn is playing, ``available`` queued
        samples start one (as many as the jitter threshold, or the whole turn), or a
        sound cue is due (so the libpulse writer keeps a full buffer under it: with
        only the idle silence queued, a late wake-up cut a gap into the cue)."""
        jitter = self.jitter
        if jitter.state == JitterState.PLAYING:
            return True
        if available > 0 and (available >= jitter.threshold or not self._turn_open):
            return True
        cues = self.cues
        return cues is not None and cues.busy

    def drop_cleared(self) -> bool:
        """Honour a pending ``clear()`` without rendering (the caller fades out what was
        playing by other means); True if a turn was being played."""
        ring = self._ring
        if ring is None:
            return False
        was_playing = self.jitter.state == JitterState.PLAYING or self._active
        ring.drop_cleared()
        self.jitter.reset()
        self._active = False
        return was_playing

    def render(
        self, out: npt.NDArray[np.float32], stamp_lead: float = 0.0, dac_time: float = 0.0
    ) -> None:
        """Fill ``out`` (mono) with the next block: copy out of the ring, pad, meter, tap.
        No logging, no buffers allocated. The reference tap stamps the block with
        ``time.monotonic() + stamp_lead`` and ``dac_time`` (the device's clock, 0 if
        unknown)."""
        ring = self._ring
        if ring is None:
            out.fill(0.0)
            return
        self.blocks += 1
        frames = out.shape[0]
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
            queue_pos = ring.read_index
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
        self.level.update(out)  # the answer's level: the speaking orb does not follow cues
        cues = self.cues
        if cues is not None:
            cues.mix_into(out)
        tap = self.reference
        if tap is not None:
            tap.push(out, time.monotonic() + stamp_lead, dac_time, queue_pos)
