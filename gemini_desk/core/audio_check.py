"""The pure parts of Diagnostics' microphone and speaker tests: the figures of a
recording, the test tone, the countdown."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from gemini_desk.core.diagnosis import MicFigures
from gemini_desk.core.level_meter import CLIP_THRESHOLD, FLOOR_DB

__all__ = ["RECORD_SECONDS", "chime_pcm", "countdown", "recording_figures"]

RECORD_SECONDS = 3.0
_FRAME_S = 0.02


def recording_figures(samples: npt.NDArray[np.float32], rate: int) -> MicFigures:
    """Per-20-ms RMS figures of a mono float recording in [-1, 1]."""
    n = max(1, int(rate * _FRAME_S))
    whole = samples.shape[0] // n * n
    if whole == 0:
        return MicFigures(0.0, FLOOR_DB, FLOOR_DB, 0.0)
    frames = samples[:whole].astype(np.float64).reshape(-1, n)
    rms = np.sqrt(np.mean(frames * frames, axis=1))
    db = 20.0 * np.log10(np.maximum(rms, 10.0 ** (FLOOR_DB / 20.0)))
    peaks = np.max(np.abs(frames), axis=1)
    ordered = np.sort(db)
    return MicFigures(
        seconds=whole / rate,
        loudest_db=float(ordered[-1]),
        floor_db=float(ordered[len(ordered) // 10]),
        clipped_share=float(np.mean(peaks >= CLIP_THRESHOLD)),
    )


def chime_pcm(rate: int, seconds: float = 1.2, level_db: float = -18.0) -> bytes:
    """A soft two-note chime (A5 then E6, gently faded) as int16 little-endian mono PCM."""
    n = int(rate * seconds)
    t = np.arange(n) / rate
    half = n // 2
    freq = np.where(np.arange(n) < half, 880.0, 1318.5)
    phase = 2.0 * np.pi * np.cumsum(freq) / rate
    envelope = np.minimum(1.0, np.minimum(t, seconds - t) / 0.05)  # 50 ms fades
    amp = 10.0 ** (level_db / 20.0) * math.sqrt(2.0)  # level_db is the RMS
    x = amp * envelope * np.sin(phase)
    return bytes((np.clip(x, -1.0, 1.0) * 32767.0).astype("<i2").tobytes())


def countdown(elapsed_s: float, total_s: float = RECORD_SECONDS) -> int:
    """Whole seconds left to record (3, 2, 1), shown while recording; 0 at the end."""
    return max(0, math.ceil(total_s - elapsed_s - 1e-9))
