"""The events :class:`~gemini_desk.tools.calls.CallMachine` takes and the commands it
returns. Calls are named by the id the service gave them; ``origin`` is the connection a
call came on (its response must go back there)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from gemini_desk.core.tools import ApprovalRequest, ToolCallRecord, ToolPolicy, ToolResult, ToolSpec

Decision = Literal["once", "always", "deny"]
TimerKind = Literal["approval", "run"]
DECISIONS: tuple[str, ...] = ("once", "always", "deny")
TIMER_KINDS: tuple[str, ...] = ("approval", "run")


# --- events ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CallArrived:
    """The model called ``name`` on connection ``origin``. ``spec`` is the tool (None:
    there is no such tool here), ``policy`` the user's effective choice for it, and
    ``non_blocking`` whether the call was declared NON_BLOCKING to this model."""

    call_id: str
    name: str
    args: Mapping[str, Any] = field(default_factory=dict)
    origin: int = 0
    spec: ToolSpec | None = None
    policy: ToolPolicy = ToolPolicy.ASK
    non_blocking: bool = False


@dataclass(frozen=True, slots=True)
class UserDecided:
    """The user answered an approval card: allow ``once``, ``always``, or ``deny``."""

    call_id: str
    decision: Decision

    def __post_init__(self) -> None:
        if self.decision not in DECISIONS:
            raise ValueError(f"decision must be one of {DECISIONS}, not {self.decision!r}")


@dataclass(frozen=True, slots=True)
class RunFinished:
    """The run started by :class:`StartRun` came to ``result``."""

    call_id: str
    result: ToolResult


@dataclass(frozen=True, slots=True)
class TimerFired:
    """The timer of ``kind`` started by :class:`StartTimer` for ``call_id`` ran out."""

    call_id: str
    kind: TimerKind

    def __post_init__(self) -> None:
        if self.kind not in TIMER_KINDS:
            raise ValueError(f"kind must be one of {TIMER_KINDS}, not {self.kind!r}")


@dataclass(frozen=True, slots=True)
class Cancelled:
    """The calls are withdrawn (``reason`` "server": a toolCallCancellation)."""

    call_ids: tuple[str, ...]
    reason: str = "server"


@dataclass(frozen=True, slots=True)
class ConnectionEnded:
    """Connection ``origin`` is gone: its open calls can no longer be answered."""

    origin: int


@dataclass(frozen=True, slots=True)
class BargeIn:
    """The user talked over the model: the service cancels blocking calls."""


@dataclass(frozen=True, slots=True)
class Shutdown:
    """The app is closing: every open call is cancelled, later calls are refused."""


Event = (
    CallArrived
    | UserDecided
    | RunFinished
    | TimerFired
    | Cancelled
    | ConnectionEnded
    | BargeIn
    | Shutdown
)


# --- commands --------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class AskUser:
    """Show an approval card for ``request``."""

    request: ApprovalRequest


@dataclass(frozen=True, slots=True)
class WithdrawAsk:
    """Take the approval card of ``call_id`` away (answered, timed out or cancelled)."""

    call_id: str


@dataclass(frozen=True, slots=True)
class StartRun:
    """Run ``spec`` with ``args``; report with :class:`RunFinished`."""

    call_id: str
    spec: ToolSpec
    args: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class StopRun:
    """Cancel the run of ``call_id``; its result, if any, is no longer wanted."""

    call_id: str


@dataclass(frozen=True, slots=True)
class SendResponse:
    """Answer ``call_id`` on connection ``origin``. ``scheduling`` is for non-blocking
    calls (one of SILENT, WHEN_IDLE, INTERRUPT); None for a blocking call."""

    origin: int
    call_id: str
    name: str
    response: dict[str, Any]
    scheduling: str | None = None


@dataclass(frozen=True, slots=True)
class StartTimer:
    """Fire ``TimerFired(call_id, kind)`` after ``delay_s`` seconds."""

    call_id: str
    kind: TimerKind
    delay_s: float


@dataclass(frozen=True, slots=True)
class CancelTimer:
    call_id: str
    kind: TimerKind


@dataclass(frozen=True, slots=True)
class Record:
    """The call's row in the transcript is now ``record``."""

    record: ToolCallRecord


@dataclass(frozen=True, slots=True)
class RememberAlways:
    """The user chose "Always" for ``name``: store its policy as allow."""

    name: str


Command = (
    AskUser
    | WithdrawAsk
    | StartRun
    | StopRun
    | SendResponse
    | StartTimer
    | CancelTimer
    | Record
    | RememberAlways
)
