"""Tools through the live layer, against the local server with the real SDK: what setup
declares, calls answered on the connection that made them, calls withdrawn when that
connection ends, and a setup refresh that hands over to a connection with new tools."""

from __future__ import annotations

import asyncio
from typing import Any

from gemini_desk.core.events import ToolCall, ToolCallCancellation
from gemini_desk.core.settings import Settings
from gemini_desk.core.tools import Declarations, FunctionDecl
from gemini_desk.sim import SimThread
from tests.integration.test_supervisor import Harness, endpoint, run
from tests.support.sim_fixtures import sim

__all__ = ["sim"]

_TIME = FunctionDecl(
    "get_current_time",
    "The date and time here.",
    {"type": "OBJECT", "properties": {"zone": {"type": "STRING"}}, "required": ["zone"]},
    "NON_BLOCKING",
)
_NOTE = FunctionDecl("remember_note", "Keep a note.", None, "BLOCKING")


def _setup_tools(sim: SimThread, index: int = 0) -> list[dict[str, Any]]:
    setup = sim.server.sessions[index].setup or {}
    tools = setup.get("tools") or []
    assert isinstance(tools, list)
    return tools


def _functions(sim: SimThread, index: int = 0) -> list[dict[str, Any]]:
    """The function declarations of connection ``index``'s setup (wherever they sit)."""
    found = [
        t["functionDeclarations"] for t in _setup_tools(sim, index) if "functionDeclarations" in t
    ]
    assert len(found) == 1
    return list(found[0])


def test_setup_declares_functions_with_behaviour_and_google_search(sim: SimThread) -> None:
    async def body() -> None:
        declared = Declarations((_TIME, _NOTE), google_search=True)
        h = Harness(endpoint(sim), Settings(), tools=lambda: declared)
        h.start()
        await h.connected()
        tools = _setup_tools(sim)
        functions = _functions(sim)
        assert [f["name"] for f in functions] == ["get_current_time", "remember_note"]
        assert [f.get("behavior") for f in functions] == ["NON_BLOCKING", "BLOCKING"]
        assert functions[0]["parameters"] == {
            "type": "OBJECT",
            "properties": {"zone": {"type": "STRING"}},
            "required": ["zone"],
        }
        assert "parameters" not in functions[1]
        assert {"googleSearch": {}} in tools and len(tools) == 2
        await h.close()

    run(body())


def test_no_tools_means_no_tools_field(sim: SimThread) -> None:
    async def body() -> None:
        h = Harness(endpoint(sim), Settings())
        h.start()
        await h.connected()
        assert "tools" not in (sim.server.sessions[0].setup or {})
        await h.close()

    run(body())


def test_a_call_is_answered_on_the_connection_that_made_it(sim: SimThread) -> None:
    async def body() -> None:
        h = Harness(endpoint(sim), Settings(), tools=lambda: Declarations((_TIME,)))
        h.start()
        await h.connected()
        call_id = await asyncio.to_thread(sim.send_tool_call, "get_current_time", {"zone": "UTC"})
        await h.until(lambda: any(isinstance(e, ToolCall) for e in h.events))
        call = next(e for e in h.events if isinstance(e, ToolCall))
        assert (call.call_id, call.name, call.args, call.origin) == (
            call_id,
            "get_current_time",
            {"zone": "UTC"},
            1,
        )
        body_sent = {"status": "ok", "retryable": False, "message": "It is noon."}
        assert h.sup.send_tool_response(1, call_id, call.name, body_sent, "WHEN_IDLE")
        record = sim.server.sessions[0]
        await h.until(lambda: bool(record.tool_responses))
        assert record.tool_responses[0]["id"] == call_id
        assert record.tool_responses[0]["response"] == body_sent
        assert record.tool_responses[0]["scheduling"] == "WHEN_IDLE"
        # Answered once: a second answer, or one for a call never made, is not sent.
        assert not h.sup.send_tool_response(1, call_id, call.name, body_sent)
        assert not h.sup.send_tool_response(1, "never-made", "x", body_sent)
        await h.close()

    run(body())


def test_calls_of_a_lost_connection_are_withdrawn_and_never_answered_elsewhere(
    sim: SimThread,
) -> None:
    async def body() -> None:
        h = Harness(endpoint(sim), Settings(), tools=lambda: Declarations((_TIME,)))
        h.start()
        await h.connected()
        call_id = await asyncio.to_thread(sim.send_tool_call, "get_current_time", {"zone": "UTC"})
        await h.until(lambda: any(isinstance(e, ToolCall) for e in h.events))
        await asyncio.to_thread(sim.drop)
        await h.until(lambda: any(isinstance(e, ToolCallCancellation) for e in h.events))
        withdrawn = next(e for e in h.events if isinstance(e, ToolCallCancellation))
        assert (withdrawn.call_ids, withdrawn.origin, withdrawn.reason) == (
            (call_id,),
            1,
            "connection",
        )
        await h.until(lambda: len(sim.server.sessions) == 2)
        await h.connected()
        late = {"status": "ok", "retryable": False, "message": "late"}
        assert not h.sup.send_tool_response(1, call_id, "get_current_time", late)
        await h.close()
        assert all(not s.tool_responses for s in sim.server.sessions)

    run(body())


def test_a_setup_refresh_hands_over_to_a_connection_with_the_new_tools(sim: SimThread) -> None:
    async def body() -> None:
        offered = [Declarations((_TIME,))]
        h = Harness(endpoint(sim), Settings(), tools=lambda: offered[-1])
        h.start()
        await h.connected()
        await h.until(lambda: h.sup.resume_handle is not None)
        offered.append(Declarations((_TIME, _NOTE)))
        h.sup.refresh_setup()
        await h.until(lambda: len(sim.server.sessions) == 2)
        await h.until(lambda: h.sup.recoveries != [])
        names = [f["name"] for f in _functions(sim, 1)]
        assert names == ["get_current_time", "remember_note"]
        assert sim.server.sessions[1].resumed_from is not None  # the session goes on
        assert h.sup.recoveries[0][0] == "setup"
        await h.close()

    run(body())
