"""Sans-I/O energy-based voice activity detection on 16 kHz int16 PCM."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import Enum

import numpy as np

from .protocol import VadSettings

SAMPLE_RATE = 16000
FRAME_MS = 10
FRAME_SAMPLES = SAMPLE_RATE * FRAME_MS // 1000


@dataclass(frozen=True)
class VadConfig:
    """Thresholds for :class:`EnergyVad`; times in milliseconds."""

    threshold_dbfs: float = -42.0
    start_ms: int = 40
    silence_ms: int = 500

    def with_setup(self, settings: VadSettings) -> VadConfig:
        """Apply a client's ``automaticActivityDetection`` overrides."""
        cfg = self
        if settings.silence_duration_ms is not None:
            cfg = replace(cfg, silence_ms=max(FRAME_MS, settings.silence_duration_ms))
        if settings.prefix_padding_ms is not None:
            cfg = replace(cfg, start_ms=max(FRAME_MS, settings.prefix_padding_ms))
        if settings.start_sensitivity == "START_SENSITIVITY_HIGH":
            cfg = replace(cfg, threshold_dbfs=cfg.threshold_dbfs - 6)
        elif settings.start_sensitivity == "START_SENSITIVITY_LOW":
            cfg = replace(cfg, threshold_dbfs=cfg.threshold_dbfs + 6)
        if settings.end_sensitivity == "END_SENSITIVITY_HIGH":
            cfg = replace(cfg, silence_ms=max(FRAME_MS, cfg.silence_ms * 2 // 3))
        elif settings.end_sensitivity == "END_SENSITIVITY_LOW":
            cfg = replace(cfg, silence_ms=cfg.silence_ms * 3 // 2)
        return cfg


class VadKind(Enum):
    START = "start"
    END = "end"


@dataclass(frozen=True)
class VadEvent:
    """Speech started or ended; ``sample`` counts from the first sample fed.

    For START it is the first sample of the first loud frame; for END it is the
    sample just after the last loud frame (the trailing silence is excluded).
    """

    kind: VadKind
    sample: int


def level_dbfs(frame: np.ndarray) -> float:
    """RMS level of int16 samples relative to full scale."""
    if frame.size == 0:
        return -math.inf
    rms = float(np.sqrt(np.mean(np.square(frame.astype(np.float64)))))
    return -math.inf if rms <= 0 else 20.0 * math.log10(rms / 32768.0)


class EnergyVad:
    """Feed PCM, get START/END events. Works in 10 ms frames."""

    def __init__(self, config: VadConfig | None = None) -> None:
        self.config = config or VadConfig()
        self._pending = np.zeros(0, dtype=np.int16)
        self._position = 0  # samples consumed into whole frames
        self._in_speech = False
        self._loud_run = 0
        self._loud_run_start = 0
        self._quiet_run = 0
        self._last_loud_end = 0

    @property
    def in_speech(self) -> bool:
        return self._in_speech

    @property
    def speech_end(self) -> int:
        """The sample just after the latest loud frame."""
        return self._last_loud_end

    @property
    def position(self) -> int:
        """Samples fed so far (including a partial frame)."""
        return self._position + self._pending.size

    def feed(self, pcm: bytes | np.ndarray) -> list[VadEvent]:
        """Consume samples; returns the events they caused, in order."""
        samples = np.frombuffer(pcm, dtype="<i2") if isinstance(pcm, bytes | bytearray) else pcm
        buf = np.concatenate([self._pending, samples.astype(np.int16, copy=False)])
        events: list[VadEvent] = []
        whole = buf.size - buf.size % FRAME_SAMPLES
        for off in range(0, whole, FRAME_SAMPLES):
            event = self._frame(buf[off : off + FRAME_SAMPLES])
            if event is not None:
                events.append(event)
        self._pending = buf[whole:].copy()
        return events

    def flush(self) -> list[VadEvent]:
        """End of stream: close an open utterance now."""
        self._pending = np.zeros(0, dtype=np.int16)
        if not self._in_speech:
            return []
        self._in_speech = False
        self._loud_run = self._quiet_run = 0
        return [VadEvent(VadKind.END, self._last_loud_end)]

    def _frame(self, frame: np.ndarray) -> VadEvent | None:
        start = self._position
        self._position += FRAME_SAMPLES
        loud = level_dbfs(frame) >= self.config.threshold_dbfs
        if loud:
            if self._loud_run == 0:
                self._loud_run_start = start
            self._loud_run += 1
            self._quiet_run = 0
            self._last_loud_end = self._position
        else:
            self._loud_run = 0
            self._quiet_run += 1
        if not self._in_speech:
            if loud and self._loud_run * FRAME_MS >= self.config.start_ms:
                self._in_speech = True
                return VadEvent(VadKind.START, self._loud_run_start)
            return None
        if self._quiet_run * FRAME_MS >= self.config.silence_ms:
            self._in_speech = False
            self._quiet_run = 0
            return VadEvent(VadKind.END, self._last_loud_end)
        return None
