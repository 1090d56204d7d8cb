"""Tool calls from arrival to answer: a sans-I/O state machine.

:class:`CallMachine` takes events (:data:`~gemini_desk.tools.call_types.Event`) with the
time from the caller's clock and returns commands
(:data:`~gemini_desk.tools.call_types.Command`) to carry out, in order. It does no I/O
and knows no asyncio: the driver shows approval cards, runs tools, keeps the timers and
sends the responses it is told to.

Every call ends exactly once: answered (done, failed, denied) with one informative
response, or cancelled with none (the service withdrew it, the user talked over a
blocking call, its connection ended, the app closed). Anything that arrives for a call
that has ended is ignored.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from gemini_desk.core.tools import (
    SCHEDULINGS,
    ApprovalRequest,
    CallState,
    ToolCallRecord,
    ToolPolicy,
    ToolResult,
    ToolSpec,
)
from gemini_desk.tools.call_types import (
    AskUser,
    BargeIn,
    CallArrived,
    Cancelled,
    CancelTimer,
    Command,
    ConnectionEnded,
    Event,
    Record,
    RememberAlways,
    RunFinished,
    SendResponse,
    Shutdown,
    StartRun,
    StartTimer,
    StopRun,
    TimerFired,
    UserDecided,
    WithdrawAsk,
)

log = logging.getLogger("gemini_desk.tools")

APPROVAL_TIMEOUT_S = 60.0
SUMMARY_CHARS = 200
# Ended call ids remembered to tell a duplicate from a new call (oldest forgotten first).
REMEMBERED_ENDED = 1024
_DONE_STATUSES = ("ok", "no_results")
_DEFAULT_SCHEDULING = "WHEN_IDLE"


def shorten(text: str, limit: int = SUMMARY_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def seconds(value: float) -> str:
    """``60`` -> "60 seconds", ``2.5`` -> "2.5 seconds", ``1`` -> "1 second"."""
    figure = f"{value:g}"
    return f"{figure} second" if figure == "1" else f"{figure} seconds"


@dataclass(slots=True)
class _Call:
    """One open call."""

    arrived: CallArrived
    spec: ToolSpec
    origin: int
    record: ToolCallRecord
    run_started: float | None = None  # the caller's clock, once running

    @property
    def call_id(self) -> str:
        return self.arrived.call_id

    @property
    def waiting(self) -> bool:
        return self.record.state is CallState.WAITING

    @property
    def scheduling(self) -> str | None:
        """How a non-blocking call's answer is delivered; None for a blocking call."""
        if not self.arrived.non_blocking:
            return None
        return self.spec.scheduling if self.spec.scheduling in SCHEDULINGS else _DEFAULT_SCHEDULING


class CallMachine:
    """Many independent calls, each from arrival to its one answer or cancellation.

    ``approval_timeout_s`` bounds how long an "ask" call waits for the user before it
    is denied; ``wall_clock`` stamps records (``started_at``, wall-clock seconds) while
    durations and timers use the ``now`` given to :meth:`handle`.

    A call id that is open is a duplicate wherever it comes from; when it comes again on
    another connection (a hand-over, or the sim sending to every live connection) the
    call moves there, so its answer goes to the newest connection. An ended id coming
    again on the same connection is a duplicate; on another, a new call.
    """

    def __init__(
        self,
        *,
        approval_timeout_s: float = APPROVAL_TIMEOUT_S,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._approval_timeout_s = approval_timeout_s
        self._wall_clock = wall_clock
        self._calls: dict[str, _Call] = {}
        self._ended: dict[str, int] = {}  # call id -> origin, oldest first
        self._shut = False
        self._now = 0.0
        self._out: list[Command] = []

    # --- what it knows ---------------------------------------------------------------
    @property
    def open_calls(self) -> tuple[ToolCallRecord, ...]:
        """The records of the calls waiting or running, in arrival order."""
        return tuple(call.record for call in self._calls.values())

    def record(self, call_id: str) -> ToolCallRecord | None:
        """The record of an open call, if ``call_id`` is one."""
        call = self._calls.get(call_id)
        return call.record if call is not None else None

    # --- events in, commands out -----------------------------------------------------
    def handle(self, event: Event, now: float) -> list[Command]:
        """Act on ``event`` at time ``now``; the commands to carry out, in order."""
        self._now = now
        self._out = []
        self._dispatch(event)
        out, self._out = self._out, []
        return out

    def _dispatch(self, event: Event) -> None:
        if isinstance(event, CallArrived):
            self._on_arrived(event)
        elif isinstance(event, UserDecided):
            self._on_decided(event.call_id, event.decision)
        elif isinstance(event, RunFinished):
            self._on_finished(event.call_id, event.result)
        elif isinstance(event, TimerFired):
            self._on_timer(event.call_id, event.kind)
        elif isinstance(event, Cancelled):
            for call_id in event.call_ids:
                if (call := self._calls.get(call_id)) is not None:
                    self._cancel(call, event.reason)
        elif isinstance(event, ConnectionEnded):
            for call in [c for c in self._calls.values() if c.origin == event.origin]:
                self._cancel(call, "connection")
        elif isinstance(event, BargeIn):
            for call in [c for c in self._calls.values() if not c.arrived.non_blocking]:
                self._cancel(call, "barge_in")
        elif isinstance(event, Shutdown):
            self._shut = True
            for call in list(self._calls.values()):
                self._cancel(call, "shutdown")

    # --- arrival ---------------------------------------------------------------------
    def _on_arrived(self, event: CallArrived) -> None:
        open_call = self._calls.get(event.call_id)
        if open_call is not None:
            if open_call.origin != event.origin:
                log.info("tool call %s moves to connection %d", event.call_id, event.origin)
                open_call.origin = event.origin
            return
        if self._ended.get(event.call_id) == event.origin:
            log.debug("duplicate tool call %s ignored", event.call_id)
            return
        self._ended.pop(event.call_id, None)
        spec = event.spec or ToolSpec(name=event.name, source="")
        call = _Call(
            arrived=event,
            spec=spec,
            origin=event.origin,
            record=ToolCallRecord(
                call_id=event.call_id,
                name=event.name,
                args=dict(event.args),
                source=spec.source,
                state=CallState.WAITING,
                started_at=self._wall_clock(),
            ),
        )
        if self._shut:
            message = f"The app is closing, so '{event.name}' was not run. Do not call it again."
            self._answer(call, ToolResult("unavailable", message), CallState.FAILED, "shutdown")
        elif event.spec is None:
            message = (
                f"There is no tool named '{event.name}': it does not exist in this app. "
                "Do not call it again; answer without it."
            )
            self._answer(call, ToolResult("unavailable", message), CallState.FAILED)
        elif event.policy is ToolPolicy.NEVER:
            message = (
                f"The user turned the tool '{event.name}' off, so it did not run. "
                "Do not call it again; answer without it."
            )
            self._answer(call, ToolResult("denied", message), CallState.DENIED, "policy")
        elif event.policy is ToolPolicy.ASK:
            self._calls[call.call_id] = call
            request = ApprovalRequest(
                call_id=call.call_id,
                name=event.name,
                args=dict(event.args),
                source=spec.source,
                description=spec.description,
                timeout_s=self._approval_timeout_s,
            )
            self._out += [
                AskUser(request),
                StartTimer(call.call_id, "approval", self._approval_timeout_s),
                Record(call.record),
            ]
        else:
            self._calls[call.call_id] = call
            self._start_run(call)

    # --- the user's answer -----------------------------------------------------------
    def _on_decided(self, call_id: str, decision: str) -> None:
        call = self._calls.get(call_id)
        if call is None or not call.waiting:
            return
        self._out += [CancelTimer(call_id, "approval"), WithdrawAsk(call_id)]
        if decision == "deny":
            message = (
                f"The user declined to let '{call.record.name}' run. Do not retry it, and do "
                "not call it again unless the user asks you to."
            )
            self._answer(call, ToolResult("denied", message), CallState.DENIED, "user")
            return
        if decision == "always":
            self._out.append(RememberAlways(call.record.name))
        self._start_run(call)

    def _start_run(self, call: _Call) -> None:
        call.run_started = self._now
        call.record = dataclasses.replace(call.record, state=CallState.RUNNING)
        self._out += [
            StartRun(call.call_id, call.spec, dict(call.arrived.args)),
            StartTimer(call.call_id, "run", call.spec.timeout_s),
            Record(call.record),
        ]

    # --- results and timers ----------------------------------------------------------
    def _on_finished(self, call_id: str, result: ToolResult) -> None:
        call = self._calls.get(call_id)
        if call is None or call.waiting:
            return
        self._out.append(CancelTimer(call_id, "run"))
        result = _informative(result, call.record.name)
        state = CallState.DONE if result.status in _DONE_STATUSES else CallState.FAILED
        self._answer(call, result, state)

    def _on_timer(self, call_id: str, kind: str) -> None:
        call = self._calls.get(call_id)
        if call is None or call.waiting != (kind == "approval"):
            return  # a stale timer: the call ended or moved on
        name = call.record.name
        if kind == "approval":
            self._out.append(WithdrawAsk(call_id))
            message = (
                f"The user did not answer the request to run '{name}' within "
                f"{seconds(self._approval_timeout_s)}, so it did not run. Do not call it "
                "again unless the user asks you to."
            )
            self._answer(call, ToolResult("denied", message), CallState.DENIED, "timeout")
            return
        self._out.append(StopRun(call_id))
        message = (
            f"'{name}' did not finish within {seconds(call.spec.timeout_s)} and was stopped. "
            "Trying again is not likely to help; answer without it."
        )
        self._answer(call, ToolResult("timeout", message), CallState.FAILED, "timeout")

    # --- endings ---------------------------------------------------------------------
    def _answer(self, call: _Call, result: ToolResult, state: CallState, reason: str = "") -> None:
        """End ``call`` with ``result`` sent back to the model."""
        self._out.append(
            SendResponse(
                origin=call.origin,
                call_id=call.call_id,
                name=call.record.name,
                response=result.response(),
                scheduling=call.scheduling,
            )
        )
        self._end(call, state, reason, summary=shorten(result.message), status=result.status)

    def _cancel(self, call: _Call, reason: str) -> None:
        """End ``call`` without a response: nobody is waiting for one any more."""
        if call.waiting:
            self._out += [WithdrawAsk(call.call_id), CancelTimer(call.call_id, "approval")]
        else:
            self._out += [StopRun(call.call_id), CancelTimer(call.call_id, "run")]
        self._end(call, CallState.CANCELLED, reason)

    def _end(
        self, call: _Call, state: CallState, reason: str, summary: str = "", status: str = ""
    ) -> None:
        duration = None if call.run_started is None else max(0.0, self._now - call.run_started)
        call.record = dataclasses.replace(
            call.record,
            state=state,
            duration_s=duration,
            summary=summary,
            status=status,
            reason=reason,
        )
        self._calls.pop(call.call_id, None)
        self._ended[call.call_id] = call.origin
        while len(self._ended) > REMEMBERED_ENDED:
            del self._ended[next(iter(self._ended))]
        self._out.append(Record(call.record))


def _informative(result: ToolResult, name: str) -> ToolResult:
    """``result`` with a message, even when the tool gave none (Gemini 3.8 retries an
    unexplained result with other arguments)."""
    if result.message.strip():
        return result
    message = f"'{name}' finished with status '{result.status}' and said nothing more."
    return dataclasses.replace(result, message=message)
