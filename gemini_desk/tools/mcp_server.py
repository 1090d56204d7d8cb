"""One MCP server's life on the MCP loop: start, list its tools, answer calls, notice a
crash or a changed tool list, stop.

Everything here runs on the :class:`~gemini_desk.tools.mcp_host.McpHost`'s own thread and
loop (the SDK's anyio code on asyncio), never on the GUI's. The runner keeps its state in
plain attributes and reports every change through ``on_update``; the host turns that
into statuses and tool specs for the app.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from typing import Any

import anyio
import mcp_types as types
from mcp import Client, StdioServerParameters, stdio_client
from mcp.client._transport import TransportStreams
from mcp.client.subscriptions import ListenNotSupportedError, SubscriptionLost
from mcp.shared.exceptions import MCPError
from mcp_types.version import MODERN_PROTOCOL_VERSIONS

from gemini_desk import __version__
from gemini_desk.core.tools import McpState, ToolResult
from gemini_desk.tools.mcp_config import McpServerConfig
from gemini_desk.tools.mcp_host_types import unavailable_result
from gemini_desk.tools.mcp_results import (
    describe_error,
    failure_result,
    first_cause,
    is_connection_lost,
    to_tool_result,
)
from gemini_desk.tools.mcp_stderr import StderrCapture
from gemini_desk.tools.mcp_transport import WatchedTransport, http_transport

log = logging.getLogger("gemini_desk.tools")

CLIENT_INFO = types.Implementation(name="gemini-desk", version=__version__)
# A stop waits this long for a server to wind down (the SDK's stdio shutdown: stdin
# closed, 2 s, SIGTERM, 2 s, SIGKILL); then it is cut off.
STOP_GRACE_S = 8.0
# After a stdio server ends, how long its last stderr lines may take to be read.
STDERR_SETTLE_S = 2.0
_MAX_TOOL_PAGES = 100
_LISTEN_ATTEMPTS = 3


class ServerRunner:
    """Runs one configured server until it is stopped or fails.

    ``state``, ``error`` and ``tools`` say where it stands; ``on_update(self)`` is called
    on the MCP loop whenever they change.
    """

    def __init__(
        self,
        config: McpServerConfig,
        start_timeout_s: float,
        stderr_lines: int,
        on_update: Callable[[ServerRunner], None],
    ) -> None:
        self.config = config
        self.state = McpState.STARTING
        self.error = ""
        self.tools: tuple[types.Tool, ...] = ()
        self.stderr: StderrCapture | None = None
        self._start_timeout_s = start_timeout_s
        self._stderr_lines = stderr_lines
        self._on_update = on_update
        self._client: Client | None = None
        self._scope: anyio.CancelScope | None = None
        self._wake: anyio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._lost = ""  # why the connection ended, once it has
        self._refresh_wanted = False

    @property
    def name(self) -> str:
        return self.config.name

    def start(self) -> None:
        """Begin running (on the MCP loop); returns at once."""
        self._task = asyncio.get_running_loop().create_task(self._run(), name=f"mcp-{self.name}")

    async def stop(self) -> None:
        """Stop the server and wait until it has (a few seconds at most). Safe twice."""
        self._stopping = True
        if self._scope is not None:
            if self.state is McpState.READY:  # leave the session in order
                self._scope.deadline = min(
                    self._scope.deadline, anyio.current_time() + STOP_GRACE_S
                )
                self._wake_up()
            else:
                self._scope.cancel()
        if self._task is not None:
            await asyncio.wait({self._task})  # not cancelled with a cancelled caller

    async def call(self, tool: str, args: Mapping[str, Any], timeout_s: float) -> ToolResult:
        """Call ``tool``; whatever happens, the answer is a ToolResult."""
        client = self._client
        if client is None or self.state is not McpState.READY:
            return unavailable_result(self.name, self.state, self.error)
        try:
            result = await client.call_tool(tool, dict(args), read_timeout_seconds=timeout_s)
        except Exception as exc:
            if is_connection_lost(exc) and not self._stopping:
                self._request_refresh()  # is the server still there?
            return failure_result(exc, self.name, timeout_s)
        return to_tool_result(result)

    # -- the run ---------------------------------------------------------------------

    async def _run(self) -> None:
        self._wake = anyio.Event()
        failure: Exception | None = None
        timed_out = False
        log.info("MCP server %r starting (%s)", self.name, self.config.transport)
        try:
            if self.config.transport == "stdio":
                self.stderr = StderrCapture(self.name, self._stderr_lines)
            with anyio.CancelScope(deadline=anyio.current_time() + self._start_timeout_s) as scope:
                self._scope = scope
                if self._stopping:
                    scope.cancel()
                await self._session()
            timed_out = scope.cancelled_caught and self.state is McpState.STARTING
        except Exception as exc:
            failure = exc
        finally:
            self._scope = None
            self._client = None
        if self.stderr is not None:
            await self.stderr.ended(STDERR_SETTLE_S)
        self._finish(failure, timed_out)

    async def _session(self) -> None:
        async with Client(
            self._transport(),
            mode="auto",
            cache=None,
            message_handler=self._on_message,
            client_info=CLIENT_INFO,
        ) as client:
            tools = await _list_tools(client)
            if self._scope is not None:
                self._scope.deadline = math.inf  # started: no more deadline
            self._client, self.tools, self.state = client, tools, McpState.READY
            log.info("MCP server %r ready with %d tools", self.name, len(tools))
            self._on_update(self)
            await self._serve(client)

    async def _serve(self, client: Client) -> None:
        """Wait for a stop, a lost connection or a changed tool list."""
        async with anyio.create_task_group() as tg:
            if _listens_for_changes(client):
                tg.start_soon(self._listen, client)
            while not self._stopping and not self._lost:
                if self._refresh_wanted:
                    self._refresh_wanted = False
                    await self._refresh(client)
                    continue
                assert self._wake is not None
                await self._wake.wait()
                self._wake = anyio.Event()
            tg.cancel_scope.cancel()
        self._client = None

    def _finish(self, failure: Exception | None, timed_out: bool) -> None:
        self._client = None
        self.tools = ()
        error = ""
        if failure is not None:
            leaf = first_cause(failure)
            closed = isinstance(leaf, MCPError) and leaf.code == types.CONNECTION_CLOSED
            error = self._lost if self._lost and closed else describe_error(failure)
        elif timed_out and not self._stopping:
            error = f"The server did not answer within {self._start_timeout_s:g} s."
        elif self._lost and not self._stopping:
            error = self._lost
        if error:
            self.state, self.error = McpState.FAILED, _redacted(error, self.config)
            log.warning("MCP server %r failed: %s", self.name, self.error)
        else:
            self.state, self.error = McpState.STOPPED, ""
            log.info("MCP server %r stopped", self.name)
        self._on_update(self)

    # -- tool lists --------------------------------------------------------------------

    async def _refresh(self, client: Client) -> None:
        """List the tools again (a change was announced, or the connection is in doubt)."""
        try:
            with anyio.fail_after(self._start_timeout_s):
                tools = await _list_tools(client)
        except Exception as exc:
            if isinstance(exc, TimeoutError) or is_connection_lost(exc):
                self._lost = "The server stopped answering."
            else:
                why = _redacted(describe_error(exc), self.config)
                log.warning("MCP server %r: tools not listed again (%s)", self.name, why)
            return
        if tools != self.tools:
            self.tools = tools
            log.info("MCP server %r now has %d tools", self.name, len(tools))
            self._on_update(self)

    async def _listen(self, client: Client) -> None:
        """On a 2026-07-28 connection, change notifications come through a
        ``subscriptions/listen`` stream; keep one open."""
        for _ in range(_LISTEN_ATTEMPTS):
            try:
                async with client.listen(tools_list_changed=True) as subscription:
                    async for _event in subscription:
                        self._request_refresh()
                return  # the server ended the stream in order
            except (SubscriptionLost, MCPError, ListenNotSupportedError, TimeoutError) as exc:
                if not isinstance(exc, SubscriptionLost) and not is_connection_lost(exc):
                    log.debug("MCP server %r: no change notifications (%r)", self.name, exc)
                    return
                self._request_refresh()  # dropped: is the server still there?

    async def _on_message(self, message: types.ServerNotification | Exception) -> None:
        """The SDK's message handler: notifications (earlier protocol versions send
        tools/list_changed here) and transport faults."""
        if isinstance(message, types.ToolListChangedNotification):
            self._request_refresh()
        elif isinstance(message, Exception):
            log.debug("MCP server %r: transport fault %s", self.name, type(message).__name__)

    def _request_refresh(self) -> None:
        self._refresh_wanted = True
        self._wake_up()

    # -- the connection ----------------------------------------------------------------

    def _transport(self) -> WatchedTransport:
        config = self.config
        inner: AbstractAsyncContextManager[TransportStreams]
        if config.transport == "http":
            inner = http_transport(config.url, config.headers)
        else:
            assert self.stderr is not None
            params = StdioServerParameters(
                command=config.command, args=list(config.args), env=dict(config.env) or None
            )
            inner = stdio_client(params, errlog=self.stderr.writer)
        return WatchedTransport(inner, self._on_open, self._on_eof)

    def _on_open(self) -> None:
        if self.stderr is not None:
            self.stderr.close_writer()  # the server has its own copy now

    def _on_eof(self) -> None:
        if not self._stopping and not self._lost:
            stdio = self.config.transport == "stdio"
            self._lost = (
                "The server process exited." if stdio else "The server closed the connection."
            )
            self._wake_up()

    def _wake_up(self) -> None:
        if self._wake is not None:
            self._wake.set()


async def _list_tools(client: Client) -> tuple[types.Tool, ...]:
    tools: list[types.Tool] = []
    cursor: str | None = None
    for _ in range(_MAX_TOOL_PAGES):
        page = await client.list_tools(cursor=cursor)
        tools.extend(page.tools)
        cursor = page.next_cursor
        if cursor is None:
            break
    return tuple(tools)


def _listens_for_changes(client: Client) -> bool:
    tools = client.server_capabilities.tools
    return (
        client.protocol_version in MODERN_PROTOCOL_VERSIONS
        and tools is not None
        and bool(tools.list_changed)
    )


def _redacted(text: str, config: McpServerConfig) -> str:
    """``text`` without the config's secrets (env values, headers, a URL's query)."""
    secrets = [*config.env.values(), *config.headers.values()]
    if "?" in config.url:
        secrets.append(config.url.split("?", 1)[1])
    for secret in sorted((s for s in secrets if len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "…")
    return text
