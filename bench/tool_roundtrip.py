"""Tool round trip: from the model's ``toolCall`` to the app's ``toolResponse``.

Run from the repository root::

    python -m bench.tool_roundtrip              # 200 calls of each tool
    python -m bench.tool_roundtrip --calls 50   # a quick run

The local Live server runs in a process of its own (``bench/sim_process.py``) and sends
``toolCall`` messages one after another; the app's own parts answer them: the
SessionSupervisor with the real google-genai SDK over TLS, the ToolSession with its call
machine, the ToolRunner, and either the built-in ``get_current_time`` (a worker thread)
or ``get_current_time`` of the reference MCP server ``mcp-server-time`` over stdio (the
MCP host's thread). Policies are "allow" (no approval card) and the responses are
scheduled SILENT, so the server does not answer each one with speech (the figure is the
tool path, not speech).

Measured per call:

* **wire**: on the server's clock, from sending the ``toolCall`` to receiving the
  ``toolResponse`` (what the service would see);
* **in app**: on the app's clock, from the ``ToolCall`` event to the response being
  handed to the supervisor;
* **tool**: the run itself (the built-in function in its thread, or the MCP call);
* **bare**, the baseline measured in the same run: the same function called directly
  the same number of times (the built-in in the calling thread; the MCP tool through
  the host with nothing else around it).

Overhead is wire minus the bare function's median, per call: everything the app adds
(thread hops, the call machine, the SDK and the websocket both ways), and the tool's own
spread on top (so it overstates for a tool whose time varies, like an MCP server's).
"Per call over its own run" is wire minus that call's run, the app's part alone. The goal: p99 of
the app's overhead under 5 ms on top of the tool itself. The last line printed is one
JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bench.sim_process import SimProcess
from gemini_desk.core.events import LiveEvent, SessionState, ToolCall, ToolCallCancellation
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.core.tools import ApprovalRequest, ToolSpec
from gemini_desk.live.config import Endpoint
from gemini_desk.live.supervisor import SessionSupervisor
from gemini_desk.session.tools import ToolSession
from gemini_desk.tools.builtin import builtin_tools
from gemini_desk.tools.mcp_config import McpServerConfig
from gemini_desk.tools.mcp_host import McpHost
from gemini_desk.tools.registry import ToolRegistry
from gemini_desk.tools.runner import ToolRunner

MCP_SERVER = "time"


class _NoDesktop:
    """The built-in tools' desktop: unused by the time tool."""

    def open_url(self, url: str) -> None:
        raise OSError("not in a benchmark")

    def read_clipboard(self) -> str:
        return ""

    def write_clipboard(self, text: str) -> None:
        raise OSError("not in a benchmark")

    def look_now(self) -> bool:
        return False


class _NoCards:
    def show_approval(self, request: ApprovalRequest) -> None:
        raise AssertionError("every tool is allowed in the benchmark")

    def withdraw_approval(self, call_id: str) -> None:
        pass


class _SilentCatalog:
    """The registry's tools with SILENT scheduling (no spoken answer per call)."""

    def __init__(self, registry: ToolRegistry) -> None:
        self._registry = registry

    def specs(self) -> list[ToolSpec]:
        return [dataclasses.replace(s, scheduling="SILENT") for s in self._registry.specs()]

    def get(self, name: str) -> ToolSpec | None:
        spec = self._registry.get(name)
        return None if spec is None else dataclasses.replace(spec, scheduling="SILENT")


def _percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p99_ms": round(p99 * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


async def _bare(run: Any, args: Mapping[str, Any], calls: int) -> list[float]:
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        result = run(args)
        if asyncio.iscoroutine(result):
            result = await result
        times.append(time.perf_counter() - started)
    return times


async def measure(sim: SimProcess, tool: str, calls: int, notes: Path) -> dict[str, Any]:
    """Round trips of ``calls`` calls of ``tool`` ("builtin" or "mcp")."""
    loop = asyncio.get_running_loop()
    registry = ToolRegistry(builtin_tools(_NoDesktop(), notes))
    changed = asyncio.Event()
    host = McpHost(on_change=changed.set)
    name, args = "get_current_time", {}
    if tool == "mcp":
        command = McpServerConfig(
            name=MCP_SERVER,
            command=sys.executable,
            args=("-m", "mcp_server_time", "--local-timezone", "UTC"),
        )
        host.start({MCP_SERVER: command})
        await host.wait_ready(30.0)
        registry.set_mcp_tools(host.tools())
        spec = next(s for s in host.tools() if s.name.endswith("get_current_time"))
        name, args = spec.name, {"timezone": "Europe/Paris"}
    policies = {name: "allow"}
    settings = SettingsModel(Settings(tool_policies=policies, google_search=False))
    runner = ToolRunner(registry, host.call)
    supervisor: SessionSupervisor | None = None
    tools = ToolSession(
        _SilentCatalog(registry),
        runner.run,
        settings,
        _NoCards(),
        lambda r: None,
        lambda: supervisor,
    )

    def on_event(event: LiveEvent) -> None:
        if isinstance(event, ToolCall | ToolCallCancellation):
            tools.on_event(event)

    base_url, ca_file = sim.base_url, sim.ca_file
    endpoint = Endpoint(api_key="demo-key", base_url=base_url, ca_file=ca_file)
    supervisor = SessionSupervisor(endpoint, settings.current, on_event, tools=tools.declarations)
    task = loop.create_task(supervisor.run())
    while supervisor.state is not SessionState.CONNECTED:
        await asyncio.sleep(0.01)
    sent_ids = []
    for _ in range(calls + 5):  # 5 to warm up
        call_id = await loop.run_in_executor(None, sim.call, "send_tool_call", name, args)
        sent_ids.append(call_id)
        while not any(done == call_id for done, _, _ in tools.round_trips):
            await asyncio.sleep(0.001)
    while True:  # the last responses may still be on their way
        records = {c.id: c for c in await loop.run_in_executor(None, sim.call, "tool_calls")}
        if all(records[i].answered_at is not None for i in sent_ids):
            break
        await asyncio.sleep(0.01)
    await supervisor.close()
    await task
    measured = set(sent_ids[5:])
    wire = [records[i].answered_at - records[i].issued_at for i in sent_ids[5:]]
    in_app = {i: (rt, ran) for i, rt, ran in tools.round_trips if i in measured}
    ran = [in_app[i][1] for i in sent_ids[5:]]
    if tool == "mcp":
        spec = registry.get(name)
        assert spec is not None
        bare = await _bare(lambda a: host.call(spec, a), args, calls)
    else:
        builtin = registry.builtin(name)
        assert builtin is not None
        bare = await _bare(builtin.run, args, calls)
    await host.stop()
    # Everything past the bare function's typical time is the app's (thread hops, the
    # call machine, the SDK and the websocket both ways included).
    bare_p50 = statistics.median(bare)
    overhead = [w - bare_p50 for w in wire]
    # The same per call against that call's own run: what the app adds on top of it.
    paired = [w - r for w, r in zip(wire, ran, strict=True)]
    return {
        "tool": tool,
        "calls": calls,
        "wire": _percentiles(wire),
        "in_app": _percentiles([in_app[i][0] for i in sent_ids[5:]]),
        "tool_run": _percentiles(ran),
        "bare": _percentiles(bare),
        "overhead": _percentiles(overhead),
        "overhead_paired": _percentiles(paired),
        "overhead_p99_over_bare_p50": round(
            _percentiles(overhead)["p99_ms"] / max(1e-3, _percentiles(bare)["p50_ms"]), 2
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    results = []
    with SimProcess() as sim, tempfile.TemporaryDirectory() as tmp:
        for tool in ("builtin", "mcp"):
            result = asyncio.run(measure(sim, tool, args.calls, Path(tmp) / "notes.md"))
            results.append(result)
            print(
                f"{tool:8s} wire p50 {result['wire']['p50_ms']:7.2f} ms p99 "
                f"{result['wire']['p99_ms']:7.2f} | tool p50 {result['tool_run']['p50_ms']:7.2f}"
                f" | bare p50 {result['bare']['p50_ms']:7.2f} p99 {result['bare']['p99_ms']:7.2f}"
                f" | app overhead p50 {result['overhead']['p50_ms']:6.2f} ms"
                f" p99 {result['overhead']['p99_ms']:6.2f} ms (goal < 5)"
                f" | per call over its own run p50 {result['overhead_paired']['p50_ms']:6.2f}"
                f" p99 {result['overhead_paired']['p99_ms']:6.2f} ms"
            )
    print(json.dumps({"tool_roundtrip": results}))


if __name__ == "__main__":
    main()
