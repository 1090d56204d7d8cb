"""Far-end reference tap: exactly what the output callback emitted, time-stamped."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from gemini_desk.core.ring_buffer import RingBuffer

__all__ = ["ReferenceTap"]


class ReferenceTap:
    """A preallocated record of the speaker's output for echo cancellation and benchmarks.

    The output callback (the single producer) calls ``push(block, t, dac_time,
    queue_pos)`` once per block: the samples go into ``samples`` (a ring at the device
    rate) and one stamp per block into fixed arrays: ``t`` (time.monotonic() at the
    callback), ``dac`` (PortAudio's outputBufferDacTime, stream clock, 0 if unknown),
    ``start`` (index of the block's first sample in the emitted stream) and ``queue_pos``
    (the jitter queue's read index of the block's first queued sample, -1 for silence).
    One consumer (e.g. an echo canceller's ``process_reverse_stream``) reads ``samples``
    with ``read_into``; ``stamps()`` returns the most recent stamps (allocates: not for
    callbacks).
    """

    def __init__(self, rate: int, seconds: float = 10.0, max_blocks: int = 4096) -> None:
        self.rate = rate
        self.samples = RingBuffer(max(1, int(rate * seconds)), dtype=np.float32)
        self._n = max_blocks
        self.t = np.zeros(max_blocks, dtype=np.float64)
        self.dac = np.zeros(max_blocks, dtype=np.float64)
        self.start = np.zeros(max_blocks, dtype=np.int64)
        self.queue_pos = np.full(max_blocks, -1, dtype=np.int64)
        self.frames = np.zeros(max_blocks, dtype=np.int64)
        self.blocks = 0  # stamps written (index = blocks % max_blocks)
        self.emitted = 0  # samples emitted since creation

    def push(self, block: npt.NDArray[Any], t: float, dac_time: float, queue_pos: int) -> None:
        """Callback side: record one emitted block (copies; allocates no arrays)."""
        i = self.blocks % self._n
        self.t[i] = t
        self.dac[i] = dac_time
        self.start[i] = self.emitted
        self.queue_pos[i] = queue_pos
        n = block.shape[0]
        self.frames[i] = n
        self.samples.write(block)
        self.emitted += n
        self.blocks += 1

    def stamps(self) -> dict[str, npt.NDArray[Any]]:
        """The retained stamps, oldest first (copies)."""
        count = min(self.blocks, self._n)
        order = (np.arange(self.blocks - count, self.blocks)) % self._n
        return {
            "t": self.t[order],
            "dac": self.dac[order],
            "start": self.start[order],
            "queue_pos": self.queue_pos[order],
            "frames": self.frames[order],
        }
