"""Preallocated single-producer/single-consumer ring of mono samples for audio callbacks."""

from __future__ import annotations

import mmap
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["RingBuffer"]

# Rings of this size or more give the pages they have read back to the OS.
RELEASE_MIN_BYTES = 4 << 20
RELEASE_STEP_BYTES = 1 << 20  # what the consumer must have read before a release
_PAGE = mmap.PAGESIZE
_CAN_RELEASE = hasattr(mmap, "MADV_DONTNEED") and hasattr(mmap.mmap, "madvise")


def _zeros(capacity: int, dtype: np.dtype[Any]) -> tuple[npt.NDArray[Any], mmap.mmap | None]:
    """Zeroed samples; a big ring gets a mapping of its own, whose pages can be given back."""
    nbytes = capacity * dtype.itemsize
    if nbytes < RELEASE_MIN_BYTES or not _CAN_RELEASE:
        return np.zeros(capacity, dtype=dtype), None
    # Private and anonymous: zero pages, resident only once written, and freed for good
    # by MADV_DONTNEED (a shared mapping would keep them in memory, only unmapped).
    pages = mmap.mmap(-1, nbytes, flags=mmap.MAP_PRIVATE)
    return np.frombuffer(pages, dtype=dtype, count=capacity), pages


class RingBuffer:
    """A fixed-capacity SPSC ring buffer of mono samples.

    Indexes are ever-growing Python ints (position = index % capacity). The producer only
    assigns ``_write_idx`` and its own counters; the consumer only assigns ``_read_idx``
    and its own counters. A single attribute assignment is atomic under the GIL, so the
    two sides never need a lock as long as there is at most one producer thread and one
    consumer thread.

    ``clear()`` is a *request*: it records the write index at the moment of the call
    (``_clear_mark``). The consumer honours it on its next read by skipping everything
    before the mark, so samples queued before ``clear()`` are never read afterwards,
    while samples written after it are kept. ``clear()`` may be called from the producer
    thread or any one other thread (not concurrently from several).

    ``write`` and ``read_into`` copy into/out of the preallocated array; with a block of
    the ring's dtype they allocate no sample buffers (only the small Python objects any
    Python call creates).

    A ring of ``RELEASE_MIN_BYTES`` or more (the speaker's minutes of capacity) lives in
    an anonymous mapping of its own, resident only where written. Left alone, the
    indexes moving round the ring would make all of it resident, a little with each
    answer; so ``write`` gives back to the OS (``madvise(MADV_DONTNEED)``) the whole pages
    the consumer has read, once per ``RELEASE_STEP_BYTES`` read. Those slots are written
    again before they are read, so the zero pages the OS maps back change nothing.
    """

    def __init__(self, capacity: int, dtype: npt.DTypeLike = np.float32) -> None:
        if capacity <= 0:
            raise ValueError(f"capacity must be positive, got {capacity}")
        self._capacity = int(capacity)
        self._buf, self._pages = _zeros(self._capacity, np.dtype(dtype))
        self._released = 0  # producer-owned: stream index up to which pages were given back
        self._release_step = max(1, RELEASE_STEP_BYTES // self._buf.dtype.itemsize)
        self._write_idx = 0  # producer-owned
        self._read_idx = 0  # consumer-owned
        self._clear_mark = 0  # written by clear(); only ever grows
        # Producer-owned counters.
        self.overflows = 0
        self.dropped_samples = 0
        # Consumer-owned counter.
        self.cleared_samples = 0

    @property
    def capacity(self) -> int:
        return self._capacity

    @property
    def dtype(self) -> np.dtype[Any]:
        return self._buf.dtype

    @property
    def available(self) -> int:
        """Samples the consumer can read now (pending clears already taken into account)."""
        mark = self._clear_mark
        return self._write_idx - max(self._read_idx, mark)

    @property
    def free(self) -> int:
        """Samples the producer can write now without overflowing."""
        return self._capacity - (self._write_idx - self._read_idx)

    @property
    def clear_pending(self) -> bool:
        """True if a clear() has been requested that the consumer has not honoured yet."""
        return self._read_idx < self._clear_mark

    @property
    def write_index(self) -> int:
        """Stream index of the next sample ``write`` stores (samples written so far)."""
        return self._write_idx

    @property
    def read_index(self) -> int:
        """Stream index of the next sample ``read_into`` returns (past a pending clear)."""
        return max(self._read_idx, self._clear_mark)

    # -- producer side -------------------------------------------------------------

    def write(self, block: npt.NDArray[Any]) -> int:
        """Copy as much of ``block`` as fits; return samples written.

        Samples that do not fit are dropped and counted in ``overflows`` (one per short
        write) and ``dropped_samples``.
        """
        total = block.shape[0]
        w = self._write_idx
        free = self._capacity - (w - self._read_idx)
        n = total if total <= free else free
        if n > 0:
            start = w % self._capacity
            first = self._capacity - start
            if n <= first:
                self._buf[start : start + n] = block[:n]
            else:
                self._buf[start:] = block[:first]
                self._buf[: n - first] = block[first:n]
            self._write_idx = w + n
        if n < total:
            self.overflows += 1
            self.dropped_samples += total - n
        if self._pages is not None and self._read_idx - self._released >= self._release_step:
            self._release(self._read_idx)
        return n

    def _release(self, read: int) -> None:
        """Give back the whole pages of slots read before stream index ``read`` (the
        consumer is past them and the producer writes them only later)."""
        # Slots of [write - capacity, read) hold nothing unread, whatever the consumer does.
        lo = max(self._released, self._write_idx - self._capacity)
        self._released = read
        if lo >= read:
            return
        start, n = lo % self._capacity, read - lo
        first = min(n, self._capacity - start)
        self._advise(start, first)
        if n > first:
            self._advise(0, n - first)

    def _advise(self, slot: int, count: int) -> None:
        size = self._buf.dtype.itemsize
        begin = -(-slot * size // _PAGE) * _PAGE  # whole pages inside the slots only
        end = (slot + count) * size // _PAGE * _PAGE
        if end > begin and self._pages is not None:
            self._pages.madvise(mmap.MADV_DONTNEED, begin, end - begin)

    def clear(self) -> None:
        """Request that everything queued so far be dropped by the consumer."""
        w = self._write_idx
        if w > self._clear_mark:
            self._clear_mark = w

    # -- consumer side -------------------------------------------------------------

    def read_into(self, out: npt.NDArray[Any]) -> int:
        """Copy up to ``len(out)`` samples into ``out``; return samples read.

        Honours a pending clear() first: samples queued before it are skipped.
        """
        r = self._read_idx
        mark = self._clear_mark  # read before the write index: mark <= write index
        w = self._write_idx
        if mark > r:
            self.cleared_samples += mark - r
            r = mark
        n: int = min(out.shape[0], w - r)
        if n > 0:
            self._copy_out(r, n, out)
        self._read_idx = r + n
        return n

    def drop_cleared(self) -> int:
        """Honour a pending clear() now without reading; return the samples it skipped."""
        r = self._read_idx
        mark = self._clear_mark
        if mark <= r:
            return 0
        self.cleared_samples += mark - r
        self._read_idx = mark
        return mark - r

    def read_before_clear_into(self, out: npt.NDArray[Any]) -> int:
        """Read up to ``len(out)`` samples queued *before* a pending clear() without
        honouring it; return 0 when no clear is pending.

        Lets a consumer fade out the signal that was playing instead of cutting it.
        """
        r = self._read_idx
        mark = self._clear_mark
        n: int = min(out.shape[0], mark - r)
        if n <= 0:
            return 0
        self._copy_out(r, n, out)
        self._read_idx = r + n
        return n

    def _copy_out(self, r: int, n: int, out: npt.NDArray[Any]) -> None:
        start = r % self._capacity
        first = self._capacity - start
        if n <= first:
            out[:n] = self._buf[start : start + n]
        else:
            out[:first] = self._buf[start:]
            out[first:n] = self._buf[: n - first]
