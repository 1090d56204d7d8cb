"""The events :class:`~gemini_desk.live.reconnect.ReconnectMachine` takes and the
commands it returns. Connections are named by the number the machine gave them."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gemini_desk.core.events import RetryWait, SessionError, SessionState
from gemini_desk.core.messages import Message


class Timer(enum.Enum):
    RETRY = "retry"  # the next attempt after a failure
    GRACE = "grace"  # a gap longer than this shows RECONNECTING
    STABLE = "stable"  # a connection up this long was healthy: the backoff starts over


# --- events ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ConnectRequested:
    """Start the conversation."""


@dataclass(frozen=True, slots=True)
class ConnectionReady:
    """Connection ``conn`` finished its setup (setupComplete)."""

    conn: int


@dataclass(frozen=True, slots=True)
class ConnectionClosed:
    """Connection ``conn`` ended, with the classified error if it failed."""

    conn: int
    error: SessionError | None = None


@dataclass(frozen=True, slots=True)
class GoAwayReceived:
    """Connection ``conn`` is to be replaced: the service will close it soon (cause
    "go_away"), or its setup changed (cause "setup": e.g. the tools on offer)."""

    conn: int
    cause: str = "go_away"


@dataclass(frozen=True, slots=True)
class HandleIssued:
    """Connection ``conn`` issued a resumption handle."""

    conn: int
    handle: str
    resumable: bool = True


@dataclass(frozen=True, slots=True)
class ContentReceived:
    """Connection ``conn`` delivered turn content: it is mid-turn."""

    conn: int


@dataclass(frozen=True, slots=True)
class TurnCompleted:
    """Connection ``conn`` finished the model's turn (turnComplete)."""

    conn: int


@dataclass(frozen=True, slots=True)
class TimerFired:
    timer: Timer


@dataclass(frozen=True, slots=True)
class RetryNow:
    """The user asked to retry at once instead of waiting for the retry timer."""


@dataclass(frozen=True, slots=True)
class CloseRequested:
    """End the conversation."""


Event = (
    ConnectRequested
    | ConnectionReady
    | ConnectionClosed
    | GoAwayReceived
    | HandleIssued
    | ContentReceived
    | TurnCompleted
    | TimerFired
    | RetryNow
    | CloseRequested
)


# --- commands --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StartConnection:
    """Open connection ``conn``: resuming with ``handle``, or fresh; ``seeded``: with the
    recent transcript appended to the system instruction."""

    conn: int
    handle: str | None
    seeded: bool


@dataclass(frozen=True, slots=True)
class CloseConnection:
    conn: int


@dataclass(frozen=True, slots=True)
class StartTimer:
    """Fire ``TimerFired(timer)`` after ``delay`` seconds."""

    timer: Timer
    delay: float


@dataclass(frozen=True, slots=True)
class CancelTimer:
    timer: Timer


@dataclass(frozen=True, slots=True)
class FlushOutbox:
    """Send everything waiting in the outbox to connection ``conn``, in order."""

    conn: int


@dataclass(frozen=True, slots=True)
class ReclaimUnsent:
    """What connection ``conn`` had queued but not sent goes first in the outbox."""

    conn: int


@dataclass(frozen=True, slots=True)
class ReplayOpenUtterance:
    """What connection ``conn`` heard of an utterance it has not answered goes first in
    the outbox (the next connection must hear all of it)."""

    conn: int


@dataclass(frozen=True, slots=True)
class EmitState:
    state: SessionState
    detail: Message | None = None
    retry: RetryWait | None = None  # the wait now counting down, if any


@dataclass(frozen=True, slots=True)
class EmitNotice:
    message: Message


@dataclass(frozen=True, slots=True)
class CloseCutTurn:
    """An answer was cut off with its connection: end its turn (turnComplete)."""


@dataclass(frozen=True, slots=True)
class GiveUp:
    """Report ``error``: it needs the user; the conversation ends."""

    error: SessionError


@dataclass(frozen=True, slots=True)
class Stopped:
    """The conversation is over and every connection has closed."""


Command = (
    StartConnection
    | CloseConnection
    | StartTimer
    | CancelTimer
    | FlushOutbox
    | ReclaimUnsent
    | ReplayOpenUtterance
    | EmitState
    | EmitNotice
    | CloseCutTurn
    | GiveUp
    | Stopped
)
