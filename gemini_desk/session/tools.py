"""The model's tool calls in a conversation: the asyncio driver of the call machine.

:class:`ToolSession` feeds :class:`~gemini_desk.tools.calls.CallMachine` the calls,
cancellations and barge-ins the live session reports and the user's answers on the
approval cards, and carries out its commands: approval cards through the view, runs as
tasks on the loop (built-ins in a worker thread or on the loop, MCP calls on the MCP
thread), timers with ``loop.call_later``, responses through the supervisor, rows in the
transcript, and "Always" into the settings.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from gemini_desk.core.events import Interrupted, LiveEvent, ToolCall, ToolCallCancellation
from gemini_desk.core.models import capabilities
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.core.tools import (
    ApprovalRequest,
    CallState,
    Declarations,
    ToolCallRecord,
    ToolPolicy,
    ToolResult,
    ToolSpec,
)
from gemini_desk.tools import call_types as ct
from gemini_desk.tools.calls import CallMachine
from gemini_desk.tools.declarations import build_declarations, is_non_blocking
from gemini_desk.tools.policy import effective_policy, with_choice

log = logging.getLogger("gemini_desk.tools")

ROUND_TRIPS_KEPT = 1000


class ToolView(Protocol):
    """Where approval cards are shown (the main window)."""

    def show_approval(self, request: ApprovalRequest) -> None: ...
    def withdraw_approval(self, call_id: str) -> None: ...


class Responder(Protocol):
    """Where answers go (the session supervisor)."""

    def send_tool_response(
        self,
        origin: int,
        call_id: str,
        name: str,
        response: dict[str, object],
        scheduling: str | None = None,
    ) -> bool: ...

    def refresh_setup(self) -> None: ...


class ToolCatalog(Protocol):
    """The tools on offer (the registry)."""

    def specs(self) -> list[ToolSpec]: ...
    def get(self, name: str) -> ToolSpec | None: ...


Run = Callable[[ToolSpec, Mapping[str, Any]], Any]  # async (spec, args) -> ToolResult


class ToolSession:
    """Runs the model's tool calls for the app, with the user in control.

    ``responder()`` is the supervisor of the conversation (None while offline);
    ``record`` is called with each call's row as it changes (the transcript).
    When the tools on offer change while connected (an MCP server started or reported
    a new list), the conversation is handed over to a connection that declares them,
    once no call is open (see :meth:`tools_changed`).
    """

    def __init__(
        self,
        catalog: ToolCatalog,
        run: Run,
        settings: SettingsModel,
        view: ToolView,
        record: Callable[[ToolCallRecord], object],
        responder: Callable[[], Responder | None],
        machine: CallMachine | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._catalog = catalog
        self._run = run
        self._settings = settings
        self._view = view
        self._record = record
        self._responder = responder
        self._machine = machine or CallMachine()
        self._clock = clock
        self._runs: dict[str, asyncio.Task[None]] = {}
        self._timers: dict[tuple[str, str], asyncio.TimerHandle] = {}
        self._declared: Declarations | None = None  # what the current connection was given
        self._refresh_wanted = False
        # Figures for tests and the benchmark: (call id, seconds from the call's arrival
        # to its response being handed to the supervisor, seconds the run itself took),
        # the newest ROUND_TRIPS_KEPT (a long session must not grow it without bound).
        self.round_trips: deque[tuple[str, float, float]] = deque(maxlen=ROUND_TRIPS_KEPT)
        self._arrived: dict[str, float] = {}
        self._ran: dict[str, float] = {}

    @property
    def open_calls(self) -> tuple[ToolCallRecord, ...]:
        return self._machine.open_calls

    # --- what the model is offered -----------------------------------------------------
    def declarations(self) -> Declarations:
        """The tools to declare on the next connection (called as each one starts)."""
        self._declared = self._on_offer()
        self._refresh_wanted = False
        return self._declared

    def _on_offer(self) -> Declarations:
        """What the settings and the catalog offer the model in use now."""
        s = self._settings.current
        return build_declarations(
            self._catalog.specs(), s.tool_policies, capabilities(s.model), s.google_search
        )

    def tools_changed(self) -> None:
        """The tools on offer (or their policies) changed: a connected conversation is
        handed over to one that declares them, as soon as no call is open."""
        if self._declared is None or self._responder() is None:
            return  # the next connection declares them anyway
        self._refresh_wanted = self._on_offer() != self._declared
        self._refresh_if_idle()

    def connection_closed(self) -> None:
        """The conversation ended: the next one declares what is on offer then."""
        self._declared = None
        self._refresh_wanted = False

    # --- events --------------------------------------------------------------------------
    def on_event(self, event: LiveEvent) -> None:
        """A live event that concerns tools (others are ignored)."""
        if isinstance(event, ToolCall):
            self._arrived[event.call_id] = self._clock()
            self._feed(self._arrival(event))
        elif isinstance(event, ToolCallCancellation):
            if event.reason == "connection":
                self._feed(ct.ConnectionEnded(event.origin))
            else:
                self._feed(ct.Cancelled(tuple(event.call_ids), event.reason))
        elif isinstance(event, Interrupted):
            self._feed(ct.BargeIn())

    def decide(self, call_id: str, decision: str) -> None:
        """The user answered the approval card of ``call_id``: once, always or deny.
        "Always" also allows the other calls of that tool already waiting."""
        if decision not in ct.DECISIONS:
            return
        record = self._machine.record(call_id)
        self._feed(ct.UserDecided(call_id, decision))  # type: ignore[arg-type]
        if decision == "always" and record is not None:
            for other in self._machine.open_calls:
                if other.name == record.name and other.state is CallState.WAITING:
                    self._feed(ct.UserDecided(other.call_id, "once"))

    async def stop(self) -> None:
        """Cancel every open call (no answers go out) and wait for the runs to end."""
        self._feed(ct.Shutdown())
        for handle in self._timers.values():
            handle.cancel()
        self._timers.clear()
        runs = list(self._runs.values())
        for task in runs:
            task.cancel()
        if runs:
            await asyncio.gather(*runs, return_exceptions=True)

    def _arrival(self, call: ToolCall) -> ct.CallArrived:
        spec = self._catalog.get(call.name)
        s = self._settings.current
        return ct.CallArrived(
            call_id=call.call_id,
            name=call.name,
            args=dict(call.args),
            origin=call.origin,
            spec=spec,
            policy=effective_policy(spec, s.tool_policies) if spec else ToolPolicy.ASK,
            non_blocking=spec is not None and is_non_blocking(spec, capabilities(s.model)),
        )

    # --- the machine -----------------------------------------------------------------
    def _feed(self, event: ct.Event) -> None:
        for command in self._machine.handle(event, self._clock()):
            self._carry_out(command)
        self._refresh_if_idle()

    def _carry_out(self, command: ct.Command) -> None:
        match command:
            case ct.AskUser(request):
                self._view.show_approval(request)
            case ct.WithdrawAsk(call_id):
                self._view.withdraw_approval(call_id)
            case ct.StartRun(call_id, spec, args):
                task = asyncio.get_running_loop().create_task(
                    self._execute(call_id, spec, args), name=f"tool-{spec.name}"
                )
                self._runs[call_id] = task
                task.add_done_callback(lambda done: self._run_ended(call_id, done))
            case ct.StopRun(call_id):
                if (running := self._runs.pop(call_id, None)) is not None:
                    running.cancel()
            case ct.SendResponse(origin, call_id, name, response, scheduling):
                self._send(origin, call_id, name, response, scheduling)
            case ct.StartTimer(call_id, kind, delay_s):
                self._cancel_timer(call_id, kind)
                loop = asyncio.get_running_loop()
                self._timers[(call_id, kind)] = loop.call_later(
                    delay_s, self._timer_fired, call_id, kind
                )
            case ct.CancelTimer(call_id, kind):
                self._cancel_timer(call_id, kind)
            case ct.Record(record):
                self._record(record)
                if record.state.final:
                    self._arrived.pop(record.call_id, None)
                    self._ran.pop(record.call_id, None)
            case ct.RememberAlways(name):
                policies = self._settings.current.tool_policies
                self._settings.update(tool_policies=with_choice(policies, name, ToolPolicy.ALLOW))

    def _send(
        self,
        origin: int,
        call_id: str,
        name: str,
        response: dict[str, Any],
        scheduling: str | None,
    ) -> None:
        responder = self._responder()
        sent = responder is not None and responder.send_tool_response(
            origin, call_id, name, response, scheduling
        )
        if not sent:  # its connection ended meanwhile; the call was withdrawn with it
            log.info("tool response for %s not sent: its connection is gone", name)
            return
        arrived = self._arrived.get(call_id)
        if arrived is not None:
            self.round_trips.append((call_id, self._clock() - arrived, self._ran.get(call_id, 0)))

    async def _execute(self, call_id: str, spec: ToolSpec, args: Mapping[str, Any]) -> None:
        started = self._clock()
        try:
            result = await self._run(spec, args)
        except asyncio.CancelledError:
            return  # stopped: the machine has ended the call already
        except Exception as exc:  # the runner reports failures; this is a last resort
            log.warning("tool %s failed: %r", spec.name, exc)
            result = ToolResult("error", f"The tool {spec.name} failed: {exc}.")
        self._ran[call_id] = self._clock() - started
        self._feed(ct.RunFinished(call_id, result))

    def _run_ended(self, call_id: str, task: asyncio.Task[None]) -> None:
        if self._runs.get(call_id) is task:
            del self._runs[call_id]

    def _timer_fired(self, call_id: str, kind: str) -> None:
        self._timers.pop((call_id, kind), None)
        self._feed(ct.TimerFired(call_id, kind))  # type: ignore[arg-type]

    def _cancel_timer(self, call_id: str, kind: str) -> None:
        handle = self._timers.pop((call_id, kind), None)
        if handle is not None:
            handle.cancel()

    def _refresh_if_idle(self) -> None:
        if not self._refresh_wanted or self._machine.open_calls:
            return
        responder = self._responder()
        if responder is None:
            return
        self._refresh_wanted = False
        log.info("the tools on offer changed: handing over to a connection that declares them")
        responder.refresh_setup()
