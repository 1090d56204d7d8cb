"""What the MCP host answers without a server: kept apart from the MCP SDK, which is
imported only once a server is started (it takes the better part of a second)."""

from __future__ import annotations

from gemini_desk.core.tools import McpState, ToolResult


def unavailable_result(server: str, state: McpState, error: str = "") -> ToolResult:
    """The answer to a call for a server that is not running."""
    why = {
        McpState.STARTING: "is still starting",
        McpState.FAILED: f"has failed ({error})" if error else "has failed",
        McpState.DISABLED: "is turned off",
    }.get(state, "is not running")
    return ToolResult(
        "unavailable", f"The MCP server {server!r} {why}; its tools cannot be used now."
    )
