"""The tool session drives the call machine on a real asyncio loop: runs, approvals,
timeouts, cancellation, answers through the responder, rows for the transcript, and a
setup refresh once no call is open. Its ports (catalog, view, responder) are the app's
own interfaces, given small recording implementations here."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import replace as dataclass_replace
from typing import Any

from gemini_desk.core.events import Interrupted, ToolCall, ToolCallCancellation
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.core.tools import (
    ApprovalRequest,
    CallState,
    ToolCallRecord,
    ToolPolicy,
    ToolResult,
    ToolSpec,
)
from gemini_desk.session.tools import ToolSession
from gemini_desk.tools.calls import CallMachine

CLOCK = ToolSpec("get_current_time", "Now.", default_policy=ToolPolicy.ALLOW, timeout_s=5)
SLOW = ToolSpec("slow", "Takes its time.", default_policy=ToolPolicy.ALLOW, timeout_s=0.2)
OPEN = ToolSpec("open_url", "Open a page.", default_policy=ToolPolicy.ASK)


class Catalog:
    def __init__(self, *specs: ToolSpec) -> None:
        self.items = list(specs)

    def specs(self) -> list[ToolSpec]:
        return list(self.items)

    def get(self, name: str) -> ToolSpec | None:
        return next((s for s in self.items if s.name == name), None)


class Responder:
    def __init__(self) -> None:
        self.sent: list[tuple[int, str, str, dict[str, object], str | None]] = []
        self.refreshes = 0
        self.gone: set[int] = set()

    def send_tool_response(
        self,
        origin: int,
        call_id: str,
        name: str,
        response: dict[str, object],
        scheduling: str | None = None,
    ) -> bool:
        if origin in self.gone:
            return False
        self.sent.append((origin, call_id, name, response, scheduling))
        return True

    def refresh_setup(self) -> None:
        self.refreshes += 1


class View:
    def __init__(self) -> None:
        self.shown: list[ApprovalRequest] = []
        self.withdrawn: list[str] = []

    def show_approval(self, request: ApprovalRequest) -> None:
        self.shown.append(request)

    def withdraw_approval(self, call_id: str) -> None:
        self.withdrawn.append(call_id)


class Harness:
    def __init__(self, *specs: ToolSpec, approval_timeout_s: float = 60.0) -> None:
        self.catalog = Catalog(*specs)
        self.responder = Responder()
        self.view = View()
        self.records: list[ToolCallRecord] = []
        self.settings = SettingsModel(Settings())
        self.runs: list[tuple[str, dict[str, Any]]] = []
        self.release = asyncio.Event()
        self.cancelled_runs: list[str] = []
        self.tools = ToolSession(
            self.catalog,
            self.run,
            self.settings,
            self.view,
            self.records.append,
            lambda: self.responder,
            machine=CallMachine(approval_timeout_s=approval_timeout_s),
        )

    async def run(self, spec: ToolSpec, args: Mapping[str, Any]) -> ToolResult:
        self.runs.append((spec.name, dict(args)))
        if spec.name == "slow":
            try:
                await self.release.wait()
            except asyncio.CancelledError:
                self.cancelled_runs.append(spec.name)
                raise
        return ToolResult("ok", f"{spec.name} ran with {dict(args)}")

    def state(self, call_id: str) -> CallState:
        return [r for r in self.records if r.call_id == call_id][-1].state

    async def until(self, predicate: Any, timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            while not predicate():
                await asyncio.sleep(0.005)


def test_an_allowed_call_runs_and_is_answered_on_its_connection() -> None:
    async def body() -> None:
        h = Harness(CLOCK)
        h.tools.on_event(ToolCall("c1", "get_current_time", {"zone": "UTC"}, origin=3))
        await h.until(lambda: h.responder.sent)
        origin, call_id, name, response, scheduling = h.responder.sent[0]
        assert (origin, call_id, name) == (3, "c1", "get_current_time")
        assert response["status"] == "ok" and response["retryable"] is False
        assert "{'zone': 'UTC'}" in str(response["message"])
        # Gemini 3.8 Live (the default model) takes it non-blocking: scheduled.
        assert scheduling == "WHEN_IDLE"
        assert [r.state for r in h.records] == [CallState.RUNNING, CallState.DONE]
        assert h.records[-1].duration_s is not None
        assert len(h.tools.round_trips) == 1 and h.tools.round_trips[0][0] == "c1"

    asyncio.run(body())


def test_a_blocking_only_model_gets_no_scheduling() -> None:
    async def body() -> None:
        h = Harness(CLOCK)
        h.settings.update(model="gemini-3.1-flash-live-preview")
        h.tools.on_event(ToolCall("c1", "get_current_time", {}, origin=1))
        await h.until(lambda: h.responder.sent)
        assert h.responder.sent[0][4] is None

    asyncio.run(body())


def test_ask_shows_a_card_and_always_allows_from_then_on() -> None:
    async def body() -> None:
        h = Harness(OPEN)
        h.tools.on_event(ToolCall("c1", "open_url", {"url": "https://example.org"}, origin=1))
        assert [r.call_id for r in h.view.shown] == ["c1"] and not h.runs
        assert h.state("c1") is CallState.WAITING
        h.tools.decide("c1", "always")
        await h.until(lambda: h.responder.sent)
        assert h.view.withdrawn == ["c1"]
        assert h.settings.current.tool_policies == {"open_url": "allow"}
        h.tools.on_event(ToolCall("c2", "open_url", {"url": "https://example.org/2"}, origin=1))
        await h.until(lambda: len(h.responder.sent) == 2)
        assert [r.call_id for r in h.view.shown] == ["c1"]  # no second card

    asyncio.run(body())


def test_always_also_allows_the_calls_of_that_tool_already_waiting() -> None:
    async def body() -> None:
        h = Harness(OPEN, dataclass_replace(OPEN, name="read_clipboard"))
        h.tools.on_event(ToolCall("c1", "open_url", {"url": "https://a.example"}, origin=1))
        h.tools.on_event(ToolCall("c2", "open_url", {"url": "https://b.example"}, origin=1))
        h.tools.on_event(ToolCall("c3", "read_clipboard", {}, origin=1))
        h.tools.decide("c1", "always")
        await h.until(lambda: len(h.responder.sent) == 2)
        assert sorted(call_id for _, call_id, *_ in h.responder.sent) == ["c1", "c2"]
        assert h.state("c3") is CallState.WAITING  # another tool: still asks
        assert sorted(h.view.withdrawn) == ["c1", "c2"]

    asyncio.run(body())


def test_a_denial_and_an_unanswered_card_are_clear_answers() -> None:
    async def body() -> None:
        h = Harness(OPEN, approval_timeout_s=0.05)
        h.tools.on_event(ToolCall("c1", "open_url", {"url": "https://a.example"}, origin=1))
        h.tools.decide("c1", "deny")
        h.tools.on_event(ToolCall("c2", "open_url", {"url": "https://b.example"}, origin=1))
        await h.until(lambda: len(h.responder.sent) == 2)
        denied = {call_id: response for _, call_id, _, response, _ in h.responder.sent}
        assert denied["c1"]["status"] == denied["c2"]["status"] == "denied"
        assert denied["c1"]["retryable"] is False and denied["c1"]["message"]
        assert h.state("c1") is CallState.DENIED and h.state("c2") is CallState.DENIED
        assert [r.reason for r in h.records if r.state.final] == ["user", "timeout"]
        assert not h.runs and h.view.withdrawn == ["c1", "c2"]

    asyncio.run(body())


def test_a_hanging_tool_times_out_into_an_answer_and_is_stopped() -> None:
    async def body() -> None:
        h = Harness(SLOW)
        h.tools.on_event(ToolCall("c1", "slow", {}, origin=1))
        await h.until(lambda: h.responder.sent)
        assert h.responder.sent[0][3]["status"] == "timeout"
        await h.until(lambda: h.cancelled_runs == ["slow"])
        assert h.state("c1") is CallState.FAILED

    asyncio.run(body())


def test_withdrawn_and_barged_in_calls_are_stopped_and_never_answered() -> None:
    async def body() -> None:
        h = Harness(dataclass_replace(SLOW, timeout_s=30))
        h.tools.on_event(ToolCall("c1", "slow", {}, origin=1))
        h.tools.on_event(ToolCall("c2", "slow", {}, origin=2))
        await h.until(lambda: len(h.runs) == 2)
        h.tools.on_event(ToolCallCancellation(("c1",), origin=1))
        h.tools.on_event(ToolCallCancellation(("c2",), origin=2, reason="connection"))
        await h.until(lambda: sorted(h.cancelled_runs) == ["slow", "slow"])
        h.release.set()
        assert h.state("c1") is CallState.CANCELLED and h.state("c2") is CallState.CANCELLED
        assert [r.reason for r in h.records if r.state.final] == ["server", "connection"]
        # Barge-in ends a running call only where calls are blocking.
        h.settings.update(model="gemini-3.1-flash-live-preview")
        h.release.clear()
        h.tools.on_event(ToolCall("c3", "slow", {}, origin=3))
        await h.until(lambda: len(h.runs) == 3)
        h.tools.on_event(Interrupted())
        await h.until(lambda: len(h.cancelled_runs) == 3)
        assert h.state("c3") is CallState.CANCELLED
        await h.tools.stop()
        assert h.responder.sent == []

    asyncio.run(body())


def test_a_setup_refresh_waits_until_no_call_is_open() -> None:
    async def body() -> None:
        h = Harness(CLOCK, dataclass_replace(SLOW, timeout_s=30))
        first = h.tools.declarations()
        assert [f.name for f in first.functions] == ["get_current_time", "slow"]
        h.tools.on_event(ToolCall("c1", "slow", {}, origin=1))
        await h.until(lambda: h.runs)
        h.catalog.items.append(OPEN)
        h.tools.tools_changed()
        assert h.responder.refreshes == 0  # a call is open: later
        h.release.set()
        await h.until(lambda: h.responder.sent)
        assert h.responder.refreshes == 1
        assert [f.name for f in h.tools.declarations().functions][-1] == "open_url"
        h.tools.tools_changed()  # nothing new since: no hand-over
        assert h.responder.refreshes == 1

    asyncio.run(body())
