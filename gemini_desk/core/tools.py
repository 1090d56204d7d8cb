"""What the layers say to each other about tools: declarations, calls, results, policies.

Plain data only. The tool layer (``gemini_desk/tools``) builds declarations and runs
calls; ``live/config.py`` turns :class:`Declarations` into the connect config; the
transcript keeps :class:`ToolCallRecord` rows; the window shows them. Results are for
the model (what it reads back), so their ``message`` is plain English data, like a
transcript's text; what the *user* reads is worded in ``ui/``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# Scheduling of a non-blocking call's response (FunctionResponse.scheduling).
SCHEDULINGS: tuple[str, ...] = ("SILENT", "WHEN_IDLE", "INTERRUPT")
BUILTIN_SOURCE = "builtin"
MCP_SOURCE_PREFIX = "mcp:"


class ToolPolicy(enum.Enum):
    """What happens when the model calls a tool."""

    ALLOW = "allow"  # always allowed
    ASK = "ask"  # an approval card each time
    NEVER = "never"  # not even declared to the model


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """One tool the app can offer the model.

    ``parameters`` is already in the form Gemini accepts (an OpenAPI-style ``Schema``
    dict: upper-case ``type``, ``properties``, ``required``…; None for no arguments).
    ``source`` is ``"builtin"`` or ``"mcp:<server name>"``. ``blocking`` asks for a
    BLOCKING declaration even where the model can call non-blocking (a tool whose result
    the answer cannot go on without). ``scheduling`` is how a non-blocking result is
    delivered (one of :data:`SCHEDULINGS`). ``timeout_s`` bounds one run.
    """

    name: str
    description: str = ""
    parameters: Mapping[str, Any] | None = None
    source: str = BUILTIN_SOURCE
    default_policy: ToolPolicy = ToolPolicy.ASK
    blocking: bool = False
    scheduling: str = "WHEN_IDLE"
    timeout_s: float = 30.0

    @property
    def is_mcp(self) -> bool:
        return self.source.startswith(MCP_SOURCE_PREFIX)

    @property
    def server(self) -> str:
        """The MCP server's name ("" for a built-in tool)."""
        return self.source.removeprefix(MCP_SOURCE_PREFIX) if self.is_mcp else ""


@dataclass(frozen=True, slots=True)
class FunctionDecl:
    """One function declaration as sent in setup. ``behavior`` is "" (left to the
    model's default, and the only choice for models with blocking calls only),
    "BLOCKING" or "NON_BLOCKING"."""

    name: str
    description: str = ""
    parameters: Mapping[str, Any] | None = None
    behavior: str = ""


@dataclass(frozen=True, slots=True)
class Declarations:
    """The tools part of a connect config."""

    functions: tuple[FunctionDecl, ...] = ()
    google_search: bool = False

    def __bool__(self) -> bool:
        return bool(self.functions) or self.google_search


@dataclass(frozen=True, slots=True)
class ToolResult:
    """What a tool run came to, always informative (Gemini 3.8 retries an empty or
    unexplained result with other arguments): a ``status``, whether trying again could
    help, and a sentence for the model. ``data`` is the tool's own output, if any.

    Statuses: ``ok``, ``no_results``, ``invalid_argument``, ``error``, ``timeout``,
    ``denied``, ``cancelled``, ``unavailable``.
    """

    status: str
    message: str
    retryable: bool = False
    data: Any = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def response(self) -> dict[str, Any]:
        """The FunctionResponse ``response`` object."""
        body: dict[str, Any] = {
            "status": self.status,
            "retryable": self.retryable,
            "message": self.message,
        }
        if self.data is not None:
            body["result"] = self.data
        return body


class CallState(enum.Enum):
    """Where one tool call stands (shown in the transcript)."""

    WAITING = "waiting"  # for the user's approval
    RUNNING = "running"
    DONE = "done"
    DENIED = "denied"
    CANCELLED = "cancelled"
    FAILED = "failed"  # an error, or a timeout

    @property
    def final(self) -> bool:
        return self not in (CallState.WAITING, CallState.RUNNING)


@dataclass(frozen=True, slots=True)
class ToolCallRecord:
    """One call as the transcript, history and exports keep it.

    ``summary`` is the result's message (or the tool's output, shortened); ``reason``
    says why a call ended the way it did when that is not its result ("user",
    "timeout", "server", "barge_in", "connection", "policy", "shutdown", "")."""

    call_id: str
    name: str
    args: Mapping[str, Any] = field(default_factory=dict)
    source: str = BUILTIN_SOURCE
    state: CallState = CallState.RUNNING
    started_at: float = 0.0  # wall-clock seconds
    duration_s: float | None = None
    summary: str = ""
    status: str = ""  # the ToolResult's status, once there is one
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "name": self.name,
            "args": dict(self.args),
            "source": self.source,
            "state": self.state.value,
            "started_at": self.started_at,
            "duration_s": self.duration_s,
            "summary": self.summary,
            "status": self.status,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ToolCallRecord:
        try:
            state = CallState(str(data.get("state", "done")))
        except ValueError:
            state = CallState.DONE
        duration = data.get("duration_s")
        args = data.get("args")
        return cls(
            call_id=str(data.get("call_id", "")),
            name=str(data.get("name", "")),
            args=dict(args) if isinstance(args, Mapping) else {},
            source=str(data.get("source", BUILTIN_SOURCE)),
            state=state,
            started_at=float(data.get("started_at", 0.0) or 0.0),
            duration_s=float(duration) if isinstance(duration, int | float) else None,
            summary=str(data.get("summary", "")),
            status=str(data.get("status", "")),
            reason=str(data.get("reason", "")),
        )


@dataclass(frozen=True, slots=True)
class ApprovalRequest:
    """An "ask" call waiting for the user: shown as a card (Allow once, Always, Deny)."""

    call_id: str
    name: str
    args: Mapping[str, Any]
    source: str = BUILTIN_SOURCE
    description: str = ""
    timeout_s: float = 60.0


class McpState(enum.Enum):
    """Where one MCP server stands."""

    DISABLED = "disabled"
    STARTING = "starting"
    READY = "ready"
    FAILED = "failed"  # did not start, crashed, or stopped answering
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class McpServerStatus:
    """What the Settings page shows of one MCP server. ``error`` is the cause in the
    server's or the OS's own words; ``stderr_tail`` its last lines of stderr."""

    name: str
    state: McpState
    tools: tuple[str, ...] = ()
    error: str = ""
    stderr_tail: str = ""
