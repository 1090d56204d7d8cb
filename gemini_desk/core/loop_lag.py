"""Event-loop lag statistics: how late scheduled wake-ups happen (sans-I/O, no clock)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from gemini_desk.core.desk_state import TalkState

__all__ = ["LoopLag", "LoopLagSummary", "probe_wanted"]

# The talk states in which the user or the model is talking: a late wake-up is heard.
_TURN = frozenset({TalkState.LISTENING, TalkState.SPEAKING})


def probe_wanted(talk: TalkState, thinking: bool, diagnostics_open: bool) -> bool:
    """Should the loop-lag probe run? While Audio diagnostics is open (it shows the lag)
    and while a turn is live (the talk key held, an answer awaited or playing), where a
    late wake-up would be heard; not while a connected app waits in silence."""
    return diagnostics_open or thinking or talk in _TURN


@dataclass(frozen=True, slots=True)
class LoopLagSummary:
    """Lag of recent wake-ups in milliseconds (``count`` 0: nothing measured yet)."""

    count: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    late: int  # wake-ups in the window later than ``late_ms``


class LoopLag:
    """Keeps the lag (actual minus scheduled wake-up time) of the last ``window`` wake-ups.

    The caller owns the clock: it asks to be woken at ``scheduled`` and reports
    ``record(scheduled, actual)`` when it runs. Waking early counts as no lag.
    """

    def __init__(self, window: int = 400, late_ms: float = 50.0) -> None:
        if window <= 0:
            raise ValueError(f"window must be positive, got {window}")
        self._lags: deque[float] = deque(maxlen=window)
        self.late_ms = late_ms
        self.total = 0  # wake-ups recorded since creation (not only the window)

    def record(self, scheduled: float, actual: float) -> float:
        """Record one wake-up (times in seconds); returns its lag in milliseconds."""
        lag = max(0.0, (actual - scheduled) * 1000.0)
        self._lags.append(lag)
        self.total += 1
        return lag

    def summary(self) -> LoopLagSummary:
        lags = sorted(self._lags)
        if not lags:
            return LoopLagSummary(0, 0.0, 0.0, 0.0, 0)
        return LoopLagSummary(
            count=len(lags),
            p50_ms=_percentile(lags, 50.0),
            p99_ms=_percentile(lags, 99.0),
            max_ms=lags[-1],
            late=sum(1 for v in lags if v > self.late_ms),
        )


def _percentile(ordered: list[float], q: float) -> float:
    """Linear-interpolated percentile of an ascending list (numpy's default method)."""
    pos = (len(ordered) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)
