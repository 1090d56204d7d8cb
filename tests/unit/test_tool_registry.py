"""The registry of tools on offer and the runner that turns any outcome into a result."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Mapping
from typing import Any

import pytest

from gemini_desk.core.tools import ToolResult, ToolSpec
from gemini_desk.tools.builtin import BuiltinTool
from gemini_desk.tools.registry import ToolRegistry
from gemini_desk.tools.runner import ToolRunner

Args = Mapping[str, Any]


def threaded(args: Args) -> ToolResult:
    return ToolResult("ok", f"ran on {threading.current_thread().name}", data=dict(args))


async def on_loop(args: Args) -> ToolResult:
    await asyncio.sleep(0)
    return ToolResult("ok", f"ran on {threading.current_thread().name}")


def broken(args: Args) -> ToolResult:
    raise ValueError("the disk is full")


def sloppy(args: Args) -> ToolResult:
    return "not a result"  # type: ignore[return-value]


def odd_data(args: Args) -> ToolResult:
    return ToolResult("ok", "Made a set.", data={1, 2})


async def forever(args: Args) -> ToolResult:
    await asyncio.Event().wait()
    raise AssertionError("never reached")


BUILTINS = [
    BuiltinTool(ToolSpec("threaded"), threaded),
    BuiltinTool(ToolSpec("on_loop"), on_loop),
    BuiltinTool(ToolSpec("broken"), broken),
    BuiltinTool(ToolSpec("sloppy"), sloppy),
    BuiltinTool(ToolSpec("odd_data"), odd_data),
    BuiltinTool(ToolSpec("forever"), forever),
]
TIME = ToolSpec("get_time", "The time.", source="mcp:time")
FETCH = ToolSpec("fetch", "Fetch a page.", source="mcp:web")


def registry() -> ToolRegistry:
    return ToolRegistry(BUILTINS)


def test_builtins_first_then_mcp_tools_which_are_replaced_as_a_whole() -> None:
    reg = registry()
    names = [t.spec.name for t in BUILTINS]
    assert [s.name for s in reg.specs()] == names
    reg.set_mcp_tools([TIME, FETCH])
    assert [s.name for s in reg.specs()] == [*names, "get_time", "fetch"]
    assert reg.get("fetch") is FETCH and reg.get("nothing") is None
    assert reg.mcp_specs == [TIME, FETCH]
    reg.set_mcp_tools([FETCH])
    assert reg.get("get_time") is None and reg.specs()[-1] is FETCH
    reg.set_mcp_tools([])
    assert [s.name for s in reg.specs()] == names


def test_a_name_taken_by_a_builtin_stays_the_builtins() -> None:
    reg = registry()
    impostor = ToolSpec("threaded", source="mcp:evil")
    reg.set_mcp_tools([impostor, ToolSpec("plain", source="builtin")])  # not an MCP tool
    assert reg.get("threaded") is BUILTINS[0].spec
    assert reg.get("plain") is None
    assert reg.builtin("threaded") is BUILTINS[0] and reg.builtin("get_time") is None


def run(spec: ToolSpec, args: Args | None = None, runner: ToolRunner | None = None) -> ToolResult:
    async def go() -> ToolResult:
        return await (runner or ToolRunner(registry())).run(spec, args or {})

    return asyncio.run(go())


def test_plain_functions_run_in_a_worker_thread_and_async_ones_on_the_loop() -> None:
    main = threading.current_thread().name
    worker = run(ToolSpec("threaded"), {"n": 1})
    assert worker.status == "ok" and worker.message != f"ran on {main}"
    assert worker.data == {"n": 1}
    assert run(ToolSpec("on_loop")).message == f"ran on {main}"


def test_failures_become_informative_results() -> None:
    raised = run(ToolSpec("broken"))
    assert raised.status == "error" and "broken" in raised.message
    assert "the disk is full" in raised.message
    assert run(ToolSpec("sloppy")).status == "error"
    odd = run(ToolSpec("odd_data"))
    assert odd.status == "ok" and odd.data == "{1, 2}"  # sent as text, not dropped
    missing = run(ToolSpec("vanished"))
    assert missing.status == "unavailable" and "vanished" in missing.message


def test_mcp_tools_go_through_the_host() -> None:
    seen: list[tuple[str, dict[str, Any]]] = []

    async def mcp_call(spec: ToolSpec, args: Args) -> ToolResult:
        seen.append((spec.name, dict(args)))
        if spec.name == "fetch":
            raise ConnectionError("server web crashed")
        return ToolResult("ok", "It is noon.")

    runner = ToolRunner(registry(), mcp_call)
    assert run(TIME, {"timezone": "UTC"}, runner) == ToolResult("ok", "It is noon.")
    crashed = run(FETCH, {}, runner)
    assert crashed.status == "error" and "server web crashed" in crashed.message
    assert seen == [("get_time", {"timezone": "UTC"}), ("fetch", {})]
    without = run(TIME)
    assert without.status == "unavailable" and "get_time" in without.message


def test_a_cancelled_run_is_cancelled_not_answered() -> None:
    async def go() -> None:
        task = asyncio.create_task(ToolRunner(registry()).run(ToolSpec("forever"), {}))
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(go())
