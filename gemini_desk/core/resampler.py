"""Streaming mono resampler: a thin wrapper over soxr.ResampleStream."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import soxr

__all__ = ["StreamResampler", "float32_to_int16", "int16_to_float32"]

_INT16_SCALE = 32768.0


def int16_to_float32(block: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
    """int16 PCM to float32 in [-1, 1)."""
    return block.astype(np.float32) * np.float32(1.0 / _INT16_SCALE)


def float32_to_int16(block: npt.NDArray[Any]) -> npt.NDArray[np.int16]:
    """float32 in [-1, 1] to int16 PCM, clipping out-of-range samples."""
    scaled = np.multiply(block, _INT16_SCALE, dtype=np.float32)
    np.clip(scaled, -_INT16_SCALE, _INT16_SCALE - 1.0, out=scaled)
    out: npt.NDArray[np.int16] = scaled.astype(np.int16)
    return out


class StreamResampler:
    """Resamples a continuous mono stream block by block.

    ``process()`` accepts int16 (scaled to [-1, 1)) or float mono blocks and returns
    float32. Output lags input by the filter delay; call ``flush()`` at the end of a
    stream (e.g. the end of a model turn) to get the tail, after which the resampler is
    ready for a fresh stream. When ``in_rate == out_rate`` it is a passthrough with no
    delay (the returned array may share memory with a float32 input).
    """

    def __init__(self, in_rate: int, out_rate: int, quality: str = "HQ") -> None:
        if in_rate <= 0 or out_rate <= 0:
            raise ValueError(f"sample rates must be positive, got {in_rate} -> {out_rate}")
        self.in_rate = int(in_rate)
        self.out_rate = int(out_rate)
        self._stream: soxr.ResampleStream | None = None
        if self.in_rate != self.out_rate:
            self._stream = soxr.ResampleStream(
                self.in_rate, self.out_rate, 1, dtype="float32", quality=quality
            )

    @property
    def passthrough(self) -> bool:
        return self._stream is None

    def process(self, block: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
        if block.ndim != 1:
            raise ValueError(f"expected a mono 1-D block, got shape {block.shape}")
        if block.dtype == np.int16:
            x = int16_to_float32(block)
        else:
            x = np.ascontiguousarray(block, dtype=np.float32)
        if self._stream is None:
            return x
        out: npt.NDArray[np.float32] = self._stream.resample_chunk(x)
        return out

    def flush(self) -> npt.NDArray[np.float32]:
        """Return the delayed tail of the stream and reset for a new stream."""
        if self._stream is None:
            return np.zeros(0, dtype=np.float32)
        tail: npt.NDArray[np.float32] = self._stream.resample_chunk(
            np.zeros(0, dtype=np.float32), last=True
        )
        self._stream.clear()
        return tail

    def reset(self) -> None:
        """Drop any buffered input without producing it (e.g. on interruption)."""
        if self._stream is not None:
            self._stream.clear()
