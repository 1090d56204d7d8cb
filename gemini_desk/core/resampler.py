"""Streaming mono resampler: a thin wrapper over soxr.ResampleStream."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import soxr

__all__ = [
    "LOW_LATENCY",
    "MAX_STREAM_RATE",
    "MIN_STREAM_RATE",
    "StreamResampler",
    "float32_to_int16",
    "int16_to_float32",
    "lowpass_taps",
    "playable_rate",
]

_INT16_SCALE = 32768.0
LOW_LATENCY = "LL"
"""Quality name for soxr's cubic ("QQ", no look-ahead) guarded by a short FIR low-pass.

soxr's filtered qualities hold back 10-40 ms of audio inside the stream (measured here:
LQ ~11 ms mean / 21 ms max from 48 kHz to 16 kHz, HQ ~21/38 ms), which would double a
10 ms capture block's latency. "LL" filters at the higher of the two rates with a 63-tap
windowed-sinc (0.7 ms delay at 44.1 kHz, about 60 dB stopband) before decimating, or after
interpolating, so cubic interpolation neither aliases nor leaves images.
"""
_LL_TAPS = 63

MIN_STREAM_RATE = 8_000
MAX_STREAM_RATE = 96_000
"""The sample rates accepted for audio that arrives from outside (the model's answer).

Anything else is a bad or hostile peer: 0 divides by zero, 1 turns 400 bytes into minutes
of audio, a huge rate keeps soxr busy for ever."""


def playable_rate(rate: int) -> bool:
    """True for a rate in ``MIN_STREAM_RATE``..``MAX_STREAM_RATE`` (inclusive)."""
    return MIN_STREAM_RATE <= rate <= MAX_STREAM_RATE


def lowpass_taps(cutoff_hz: float, rate: int, taps: int = _LL_TAPS) -> npt.NDArray[np.float32]:
    """Blackman-windowed sinc low-pass with unity DC gain."""
    n = np.arange(taps) - (taps - 1) / 2.0
    h = np.sinc(2.0 * cutoff_hz / rate * n) * np.blackman(taps)
    out: npt.NDArray[np.float32] = (h / h.sum()).astype(np.float32)
    return out


class _Fir:
    """Streaming FIR filter: keeps the last ``taps - 1`` inputs between blocks."""

    def __init__(self, taps: npt.NDArray[np.float32]) -> None:
        self._h = taps
        self._hist = np.zeros(taps.shape[0] - 1, dtype=np.float32)

    def process(self, x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        if x.shape[0] == 0:
            return x
        buf = np.concatenate((self._hist, x))
        self._hist = buf[-self._hist.shape[0] :].copy()
        y: npt.NDArray[np.float32] = np.convolve(buf, self._h, mode="valid").astype(
            np.float32, copy=False
        )
        return y

    def flush(self) -> npt.NDArray[np.float32]:
        """Push the filter's delay out with zeros."""
        return self.process(np.zeros((self._h.shape[0] - 1) // 2, dtype=np.float32))

    def reset(self) -> None:
        self._hist[:] = 0.0


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

    ``quality`` is a soxr quality ("QQ", "LQ", "MQ", "HQ", "VHQ") or ``LOW_LATENCY``.
    """

    def __init__(self, in_rate: int, out_rate: int, quality: str = "HQ") -> None:
        if in_rate <= 0 or out_rate <= 0:
            raise ValueError(f"sample rates must be positive, got {in_rate} -> {out_rate}")
        self.in_rate = int(in_rate)
        self.out_rate = int(out_rate)
        self.quality = quality
        self._stream: soxr.ResampleStream | None = None
        self._pre: _Fir | None = None
        self._post: _Fir | None = None
        if self.in_rate != self.out_rate:
            soxr_quality = quality
            if quality == LOW_LATENCY:
                soxr_quality = "QQ"
                cutoff = 0.45 * min(self.in_rate, self.out_rate)
                if self.in_rate > self.out_rate:
                    self._pre = _Fir(lowpass_taps(cutoff, self.in_rate))
                else:
                    self._post = _Fir(lowpass_taps(cutoff, self.out_rate))
            self._stream = soxr.ResampleStream(
                self.in_rate, self.out_rate, 1, dtype="float32", quality=soxr_quality
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
        if self._pre is not None:
            x = self._pre.process(x)
        out: npt.NDArray[np.float32] = self._stream.resample_chunk(x)
        if self._post is not None:
            out = self._post.process(out)
        return out

    def flush(self) -> npt.NDArray[np.float32]:
        """Return the delayed tail of the stream and reset for a new stream."""
        if self._stream is None:
            return np.zeros(0, dtype=np.float32)
        head = self._pre.flush() if self._pre is not None else np.zeros(0, dtype=np.float32)
        tail: npt.NDArray[np.float32] = self._stream.resample_chunk(head, last=True)
        if self._post is not None:
            tail = np.concatenate((self._post.process(tail), self._post.flush()))
        self.reset()
        return tail

    def reset(self) -> None:
        """Drop any buffered input without producing it (e.g. on interruption)."""
        if self._stream is not None:
            self._stream.clear()
        for fir in (self._pre, self._post):
            if fir is not None:
                fir.reset()
