"""A small MCP server for the tests, built with the SDK's own server API (``MCPServer``).

Run it over streamable HTTP on 127.0.0.1 or over stdio::

    python -m tests.support.mcp_test_server --port 0     # prints "READY <url>" once bound
    python -m tests.support.mcp_test_server --stdio

Tools: ``add(a, b)``, ``echo(text)``, ``slow(seconds)`` (sleeps), ``hang()`` (never
answers), ``crash()`` (ends the process at once, mid-call), ``toggle_extra()`` (adds or
removes the tool ``extra`` and announces the change), ``stats()`` (how the ``slow``
calls went: started, finished, cancelled).

``--hang-on-start`` never answers the handshake; ``--legacy`` refuses the 2026
``server/discover`` probe, so a client falls back to the ``initialize`` handshake of
the earlier protocol versions (where change notifications come as plain messages);
``--require-header "Name: value"`` answers 401 to requests without that header.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sys
from typing import Any

import anyio
import uvicorn
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import Context, MCPServer
from mcp.shared.exceptions import MCPError
from mcp_types import METHOD_NOT_FOUND
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

HANDSHAKE_METHODS = frozenset({"server/discover", "initialize"})


def build_server(*, hang_on_start: bool = False, legacy: bool = False) -> MCPServer:
    server = MCPServer("gemini-desk-test", version="1.0", log_level="WARNING")
    counts = {"slow_started": 0, "slow_finished": 0, "slow_cancelled": 0}
    extra_on = False

    async def handshake(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        if hang_on_start and ctx.method in HANDSHAKE_METHODS:
            await anyio.sleep_forever()
        if legacy and ctx.method == "server/discover":
            raise MCPError(code=METHOD_NOT_FOUND, message="Method not found")
        return await call_next(ctx)

    server.middleware.append(handshake)

    @server.tool()
    def add(a: int, b: int) -> int:
        """Add two whole numbers."""
        return a + b

    @server.tool()
    def echo(text: str) -> str:
        """Say the text back."""
        return text

    @server.tool()
    async def slow(seconds: float) -> str:
        """Wait, then say how long."""
        counts["slow_started"] += 1
        try:
            await anyio.sleep(seconds)
        except anyio.get_cancelled_exc_class():
            counts["slow_cancelled"] += 1
            raise
        counts["slow_finished"] += 1
        return f"waited {seconds:g} s"

    @server.tool()
    async def hang() -> str:
        """Never answer."""
        await anyio.sleep_forever()
        return "unreachable"

    @server.tool()
    def crash() -> str:
        """End the server process at once, mid-call."""
        print("test server: crashing on request", file=sys.stderr, flush=True)
        os._exit(3)

    def extra() -> str:
        """A tool that comes and goes."""
        return "extra here"

    @server.tool()
    async def toggle_extra(ctx: Context) -> str:
        """Add the tool "extra", or remove it, and announce the change."""
        nonlocal extra_on
        if extra_on:
            server.remove_tool("extra")
        else:
            server.add_tool(extra)
        extra_on = not extra_on
        await ctx.notify_tools_changed()  # 2026-07-28: subscriptions/listen streams
        await ctx.session.send_tool_list_changed()  # earlier versions: a notification
        return "extra added" if extra_on else "extra removed"

    @server.tool()
    def stats() -> dict[str, int]:
        """How the slow calls went so far."""
        return dict(counts)

    return server


class _AnnouncingServer(uvicorn.Server):
    """Says ``READY <url>`` on stdout once it accepts connections."""

    def __init__(self, config: uvicorn.Config, url: str) -> None:
        super().__init__(config)
        self.url = url

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        print(f"READY {self.url}", flush=True)


def require_header(app: ASGIApp, name: str, value: str) -> ASGIApp:
    """``app`` answering 401 to a request without the header ``name: value``."""
    wanted = (name.lower().encode(), value.encode())

    async def checked(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and wanted not in scope["headers"]:
            await PlainTextResponse("unauthorized", status_code=401)(scope, receive, send)
            return
        await app(scope, receive, send)

    return checked


async def serve_http(server: MCPServer, port: int, header: str | None = None) -> None:
    """Serve on 127.0.0.1:``port`` (0: any free port); with ``header`` ("Name: value"),
    only to requests that carry it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    app: ASGIApp = server.streamable_http_app()
    if header is not None:
        name, value = header.split(":", 1)
        app = require_header(app, name.strip(), value.strip())
    config = uvicorn.Config(app, log_level="warning")
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/mcp"
    await _AnnouncingServer(config, url).serve(sockets=[sock])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--stdio", action="store_true")
    parser.add_argument("--hang-on-start", action="store_true")
    parser.add_argument("--legacy", action="store_true")
    parser.add_argument("--require-header", metavar='"NAME: VALUE"')
    args = parser.parse_args(argv)
    server = build_server(hang_on_start=args.hang_on_start, legacy=args.legacy)
    if args.stdio:
        anyio.run(server.run_stdio_async)
    else:
        asyncio.run(serve_http(server, args.port, args.require_header))


if __name__ == "__main__":
    main()
