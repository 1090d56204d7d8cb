"""The echo canceller's far end: the speaker's emitted audio, with play times, from its tap."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import numpy as np

from gemini_desk.audio.echo_canceller import EchoCanceller
from gemini_desk.audio.reference import ReferenceTap

__all__ = ["ReferenceReader", "ReferenceSource", "ReferenceSpeaker", "speaker_reference"]


class ReferenceReader:
    """Drains a playback ``ReferenceTap`` into an ``EchoCanceller`` with play times.

    A block's play time is its callback's ``time.monotonic()`` plus the output
    latency PortAudio reported for the stream (the samples already queued ahead of it).
    Call ``drain()`` on the consumer thread right before processing near-end audio.
    """

    def __init__(self, tap: ReferenceTap, canceller: EchoCanceller, output_latency: float) -> None:
        self.tap = tap
        self.canceller = canceller
        self.output_latency = output_latency
        self._scratch = np.zeros(max(1, tap.rate // 10), dtype=np.float32)
        self._overflows = -1
        self._read = 0  # emitted-stream index of the next sample to read
        self._resync()

    def _resync(self) -> None:
        """Skip whatever is queued (at start, or after the ring overflowed)."""
        ring = self.tap.samples
        while ring.read_into(self._scratch):
            pass
        # Emitted index = ring index + samples the ring dropped (RingBuffer counts them).
        self._read = ring.read_index + ring.dropped_samples
        self._overflows = ring.overflows
        self.canceller.reset_timeline()

    def drain(self) -> int:
        """Move every emitted sample to the canceller; returns samples moved."""
        tap = self.tap
        if tap.samples.overflows != self._overflows:
            self._resync()
        moved = 0
        while True:
            blocks = tap.blocks
            if blocks == 0:
                return moved
            i = (blocks - 1) % tap.t.shape[0]
            # Stamps of the newest complete block, read before its samples.
            t_last, start_last, frames_last = tap.t[i], int(tap.start[i]), int(tap.frames[i])
            end = start_last + frames_last
            if end <= self._read:
                return moved
            want = min(end - self._read, self._scratch.shape[0])
            got = tap.samples.read_into(self._scratch[:want])
            if got == 0:
                return moved
            play = t_last + self.output_latency - (start_last - self._read) / tap.rate
            self.canceller.push_far(self._scratch[:got], float(play))
            self._read += got
            moved += got


ReferenceSource = Callable[[], "tuple[ReferenceTap, float] | None"]
"""Returns the running speaker's tap and its output latency (s), or None."""


class ReferenceSpeaker(Protocol):
    """What ``speaker_reference`` needs of a speaker (``SpeakerPlayback`` has it)."""

    output_latency: float
    reference: ReferenceTap | None

    @property
    def running(self) -> bool: ...

    @property
    def samplerate(self) -> int: ...


def speaker_reference(speaker: Callable[[], ReferenceSpeaker | None]) -> ReferenceSource:
    """A ``ReferenceSource`` for whatever speaker ``speaker()`` returns now.

    The first time it sees a running speaker (or one reopened at another rate) it gives
    it a ``ReferenceTap``: the playback callback records each block it emits into
    ``speaker.reference`` from then on (one attribute, read by the callback per block).
    """

    def source() -> tuple[ReferenceTap, float] | None:
        sp = speaker()
        if sp is None or not sp.running or sp.samplerate <= 0:
            return None
        tap = sp.reference
        if tap is None or tap.rate != sp.samplerate:
            tap = ReferenceTap(sp.samplerate)
            sp.reference = tap
        return tap, sp.output_latency

    return source
