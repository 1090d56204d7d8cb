"""Runs one tool call on the app loop and turns whatever happens into a ToolResult."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, cast

from gemini_desk.core.tools import ToolResult, ToolSpec
from gemini_desk.tools.builtin import AsyncRun, SyncRun
from gemini_desk.tools.registry import ToolRegistry

log = logging.getLogger("gemini_desk.tools")

McpCall = Callable[[ToolSpec, Mapping[str, Any]], Awaitable[ToolResult]]


class ToolRunner:
    """``await run(spec, args)`` on the app loop: a built-in's plain function in a
    worker thread, its async function on the loop, an MCP tool through ``mcp_call``
    (the MCP host). Whatever fails becomes an ``error`` result with the cause; a
    cancelled run raises :class:`asyncio.CancelledError` as usual. The time limit is
    the caller's (the call machine's run timer)."""

    def __init__(self, registry: ToolRegistry, mcp_call: McpCall | None = None) -> None:
        self._registry = registry
        self._mcp_call = mcp_call

    async def run(self, spec: ToolSpec, args: Mapping[str, Any]) -> ToolResult:
        try:
            result = await self._dispatch(spec, args)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("tool %s raised %r", spec.name, exc)
            cause = str(exc) or type(exc).__name__
            return ToolResult("error", f"The tool '{spec.name}' failed: {cause}.")
        return _checked(result, spec.name)

    async def _dispatch(self, spec: ToolSpec, args: Mapping[str, Any]) -> object:
        if spec.is_mcp:
            if self._mcp_call is None:
                return _unavailable(spec, "MCP servers are not running in this app")
            return await self._mcp_call(spec, args)
        tool = self._registry.builtin(spec.name)
        if tool is None:
            return _unavailable(spec, "it is not one of this app's tools")
        if tool.on_loop:
            return await cast(AsyncRun, tool.run)(args)
        return await asyncio.to_thread(cast(SyncRun, tool.run), args)


def _unavailable(spec: ToolSpec, why: str) -> ToolResult:
    return ToolResult("unavailable", f"The tool '{spec.name}' cannot run: {why}.")


def _checked(result: object, name: str) -> ToolResult:
    """``result`` if it is a ToolResult whose data can be sent as JSON; else an error,
    or the data as text."""
    if not isinstance(result, ToolResult):
        log.warning("tool %s returned %r, not a ToolResult", name, type(result))
        return ToolResult("error", f"The tool '{name}' returned nothing usable.")
    if result.data is None:
        return result
    try:
        json.dumps(result.data)
    except (TypeError, ValueError):
        return ToolResult(result.status, result.message, result.retryable, str(result.data))
    return result
