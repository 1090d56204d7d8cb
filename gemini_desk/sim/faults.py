"""Scripted faults and audio pacing modes for sim connections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FaultKind = Literal["drop", "internal_error", "deadline", "go_away", "burst", "slow", "normal"]
PACING_MODES: tuple[str, ...] = ("normal", "burst", "slow")
INTERNAL_ERROR_REASON = "Internal error encountered."
# What 3.8 connections are reported to end with after about 58 minutes.
DEADLINE_REASON = "Deadline expired"


@dataclass(frozen=True)
class Fault:
    """Do ``kind`` once ``after_turns`` user turns have been dealt with (answered,
    blocked or held with waitingForInput; 0: right after setup), waiting ``delay_s``
    more. ``time_left_s`` is for ``go_away``.

    Kinds: ``drop`` (abort the TCP connection, no close frame), ``internal_error``
    (close 1011 "Internal error encountered."), ``deadline`` (close 1011 "Deadline
    expired"), ``go_away`` (send goAway, close when the time is up), and the pacing
    modes ``burst``/``slow``/``normal`` (switch this connection's pacing).
    """

    kind: FaultKind
    after_turns: int = 0
    delay_s: float = 0.0
    time_left_s: float = 5.0


def check_pacing(mode: str) -> str:
    if mode not in PACING_MODES:
        raise ValueError(f"pacing must be one of {PACING_MODES}, not {mode!r}")
    return mode
