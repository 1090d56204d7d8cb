"""What the libpulse writer uses of a playback stream: ``PulseOutput``, or a test's fake."""

from __future__ import annotations

import contextlib
from typing import Protocol

import numpy as np
import numpy.typing as npt

__all__ = ["PulseSink"]


class PulseSink(Protocol):
    """What ``PulseWriter`` uses of a ``PulseOutput`` (see audio/pulse_output.py)."""

    rate: int
    written: int

    @property
    def buffer_frames(self) -> int: ...

    def locked(self) -> contextlib.AbstractContextManager[None]: ...

    def alive_locked(self) -> bool: ...

    def writable_frames(self) -> int: ...

    def latency(self) -> float | None: ...

    def sink_latency(self) -> float: ...

    def sink_block(self) -> float: ...

    def write(self, block: npt.NDArray[np.float32]) -> None: ...

    def overwrite_tail(self, block: npt.NDArray[np.float32]) -> None: ...

    def queued_frames(self, timeout: float = 0.05) -> int | None: ...

    def close(self) -> None: ...
