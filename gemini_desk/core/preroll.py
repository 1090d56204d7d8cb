"""Keeps the last few hundred milliseconds of microphone chunks for push-to-talk."""

from __future__ import annotations

from collections import deque

__all__ = ["DEFAULT_PREROLL_MS", "PreRoll"]

DEFAULT_PREROLL_MS = 300


class PreRoll:
    """A bounded FIFO of 16 kHz int16 mono chunks covering at least ``ms`` of audio.

    While the user is not talking every microphone chunk goes in here instead of to the
    service; when the key goes down, :meth:`drain` hands back the audio spoken just
    before, so the first syllable (said as the finger lands) is not lost.
    """

    def __init__(self, ms: int = DEFAULT_PREROLL_MS, rate: int = 16_000) -> None:
        if ms < 0:
            raise ValueError("ms must not be negative")
        self._bytes_per_ms = rate * 2 / 1000
        self.capacity_bytes = int(self._bytes_per_ms * ms)
        self._chunks: deque[bytes] = deque()
        self._bytes = 0

    @property
    def buffered_bytes(self) -> int:
        return self._bytes

    def push(self, chunk: bytes) -> None:
        """Add a chunk, dropping the oldest ones beyond the capacity."""
        if self.capacity_bytes == 0:
            return
        self._chunks.append(chunk)
        self._bytes += len(chunk)
        while self._chunks and self._bytes - len(self._chunks[0]) >= self.capacity_bytes:
            self._bytes -= len(self._chunks.popleft())

    def drain(self, ms: float | None = None) -> list[bytes]:
        """The newest chunks covering at least ``ms`` (all if None), oldest first.

        The buffer is empty afterwards: older audio is never sent later.
        """
        chunks = list(self._chunks)
        self.clear()
        if ms is None:
            return chunks
        want = int(self._bytes_per_ms * ms)
        kept: list[bytes] = []
        have = 0
        for chunk in reversed(chunks):
            if have >= want:
                break
            kept.append(chunk)
            have += len(chunk)
        return kept[::-1]

    def clear(self) -> None:
        self._chunks.clear()
        self._bytes = 0
