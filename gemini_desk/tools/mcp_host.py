"""MCP servers as tools: every client on one thread of its own, with its own loop.

The app's loop (qasync's, the GUI's) never runs MCP code: a server that hangs, floods
or crashes costs the MCP thread at most, and the conversation goes on without it. The
app talks to :class:`McpHost` from its loop: ``start`` and ``statuses``/``tools`` return
at once, ``wait_ready``/``call``/``stop`` are awaited there while the work happens on the
MCP loop, and ``on_change`` is called back on the app's loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import dataclasses
import logging
import threading
from collections.abc import Callable, Coroutine, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from gemini_desk.core.tools import (
    MCP_SOURCE_PREFIX,
    McpServerStatus,
    McpState,
    ToolPolicy,
    ToolResult,
    ToolSpec,
)
from gemini_desk.tools.mcp_config import McpServerConfig
from gemini_desk.tools.mcp_host_types import unavailable_result
from gemini_desk.tools.schema import declared_name, to_gemini_schema

if TYPE_CHECKING:  # the MCP SDK is imported only once a server starts
    from gemini_desk.tools.mcp_server import ServerRunner

log = logging.getLogger("gemini_desk.tools")

MCP_TOOL_TIMEOUT_S = 30.0
_JOIN_TIMEOUT_S = 5.0
_T = TypeVar("_T")


@dataclasses.dataclass(frozen=True, slots=True)
class _Published:
    """What the app sees of one server: its status (stderr tail read live) and tools."""

    config: McpServerConfig
    status: McpServerStatus
    tools: tuple[tuple[str, ToolSpec], ...] = ()  # (the server's name for it, its spec)
    runner: ServerRunner | None = None


class McpHost:
    """Starts, watches and stops the configured MCP servers and calls their tools."""

    def __init__(
        self,
        on_change: Callable[[], None],
        start_timeout_s: float = 20.0,
        stderr_lines: int = 20,
    ) -> None:
        self._on_change = on_change
        self._start_timeout_s = start_timeout_s
        self._stderr_lines = stderr_lines
        self._lock = threading.Lock()
        self._published: dict[str, _Published] = {}  # in config order
        self._routes: dict[str, tuple[str, str]] = {}  # declared name → (server, tool)
        self._offered: tuple[ToolSpec, ...] = ()
        self._app_loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._thread_done: concurrent.futures.Future[None] | None = None
        # MCP loop only:
        self._runners: dict[str, ServerRunner] = {}
        self._calls: set[asyncio.Task[Any]] = set()
        self._tasks: set[asyncio.Task[None]] = set()  # stops and delayed starts
        self._stops: dict[str, asyncio.Task[None]] = {}
        self._shutting_down = False

    # -- the app's side --------------------------------------------------------------

    def start(self, servers: Mapping[str, McpServerConfig]) -> None:
        """Bring the running servers in line with ``servers``: start the enabled ones not
        running (a failed one is tried again), restart the changed ones, stop the
        removed and disabled ones. Returns at once."""
        self._app_loop = asyncio.get_running_loop()
        if self._changed is None:
            self._changed = asyncio.Event()
        loop = self._ensure_thread()
        wanted = dict(servers)
        with self._lock:
            published = dict(self._published)
            self._published = {}
            for name, config in wanted.items():
                old = published.get(name)
                if not config.enabled:
                    state = McpState.DISABLED
                elif old is not None and old.config == config and old.status.state in _LIVE:
                    self._published[name] = old
                    continue
                else:
                    state = McpState.STARTING
                self._published[name] = _Published(config, McpServerStatus(name, state))
            self._rebuild_routes()
        loop.call_soon_threadsafe(self._apply, wanted)
        self._changed_now()

    async def wait_ready(self, timeout_s: float) -> None:
        """Return once every enabled server is ready or failed, or after ``timeout_s``."""
        changed = self._changed
        if changed is None:
            return
        deadline = asyncio.get_running_loop().time() + timeout_s
        while any(p.status.state is McpState.STARTING for p in self._snapshot()):
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return
            changed.clear()
            try:
                await asyncio.wait_for(changed.wait(), remaining)
            except TimeoutError:
                return

    def statuses(self) -> list[McpServerStatus]:
        """Every configured server's status, in config order."""
        out = []
        for item in self._snapshot():
            stderr = item.runner.stderr if item.runner is not None else None
            tail = stderr.tail() if stderr is not None else ""
            out.append(dataclasses.replace(item.status, stderr_tail=tail))
        return out

    def tools(self) -> list[ToolSpec]:
        """The tools of the ready servers, as the model is offered them."""
        with self._lock:
            return list(self._offered)

    async def call(self, spec: ToolSpec, args: Mapping[str, Any]) -> ToolResult:
        """Run ``spec`` with ``args`` on its server. Never raises for the server's sake
        (an unavailable server, a crash, a timeout are results); cancelling the awaiting
        task cancels the call."""
        with self._lock:
            route = self._routes.get(spec.name)
            item = self._published.get(route[0] if route else spec.server)
        loop = self._loop
        if route is None or item is None or item.runner is None or loop is None:
            state = item.status.state if item is not None else McpState.STOPPED
            error = item.status.error if item is not None else ""
            return unavailable_result(spec.server or spec.name, state, error)
        server, tool = route
        try:
            future = self._submit(self._call_on_loop(server, tool, args, spec.timeout_s))
        except RuntimeError:  # the MCP loop has just stopped
            return unavailable_result(server, McpState.STOPPED)
        return await asyncio.wrap_future(future)

    async def stop(self) -> None:
        """Stop every server (stdio processes are ended) and the MCP thread. Safe twice."""
        thread, done = self._thread, self._thread_done
        if thread is None or done is None:
            return
        loop = self._loop
        assert loop is not None
        with contextlib.suppress(RuntimeError):  # the loop is gone already
            await asyncio.wrap_future(self._submit(self._shutdown()))
            loop.call_soon_threadsafe(loop.stop)
        await asyncio.wrap_future(done)
        thread.join(_JOIN_TIMEOUT_S)
        self._thread = self._loop = self._thread_done = None
        with self._lock:
            self._published = {
                name: dataclasses.replace(p, status=_stopped(p.status), tools=())
                for name, p in self._published.items()
            }
            self._rebuild_routes()
        self._changed_now()
        log.info("MCP servers stopped")

    # -- the MCP thread -----------------------------------------------------------------

    def _ensure_thread(self) -> asyncio.AbstractEventLoop:
        if self._loop is not None:
            return self._loop
        # The platform's own loop, whatever policy the process set (never a Qt one).
        loop = asyncio.DefaultEventLoopPolicy().new_event_loop()
        done: concurrent.futures.Future[None] = concurrent.futures.Future()
        thread = threading.Thread(target=self._thread_main, args=(loop, done), name="mcp-host")
        self._loop, self._thread, self._thread_done = loop, thread, done
        self._shutting_down = False
        thread.start()
        return loop

    @staticmethod
    def _thread_main(
        loop: asyncio.AbstractEventLoop, done: concurrent.futures.Future[None]
    ) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
            leftovers = asyncio.all_tasks(loop)
            for task in leftovers:
                task.cancel()
            if leftovers:
                loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            loop.close()
            done.set_result(None)

    def _submit(self, coro: Coroutine[Any, Any, _T]) -> concurrent.futures.Future[_T]:
        if self._loop is None:
            coro.close()
            raise RuntimeError("the MCP loop is not running")
        try:
            return asyncio.run_coroutine_threadsafe(coro, self._loop)
        except RuntimeError:
            coro.close()
            raise

    def _apply(self, wanted: dict[str, McpServerConfig]) -> None:
        """On the MCP loop: make the runners match ``wanted``. A restarted server's new
        process starts once the old one has stopped."""
        if self._shutting_down:
            return
        for name, runner in list(self._runners.items()):
            config = wanted.get(name)
            if config == runner.config and config.enabled and runner.state in _LIVE:
                continue
            del self._runners[name]
            self._stops[name] = self._background(runner.stop())
        for name, config in wanted.items():
            if config.enabled and name not in self._runners:
                self._start_runner(config, after=self._stops.get(name))

    def _start_runner(self, config: McpServerConfig, after: asyncio.Task[None] | None) -> None:
        from gemini_desk.tools.mcp_server import ServerRunner

        runner = ServerRunner(config, self._start_timeout_s, self._stderr_lines, self._update)
        self._runners[config.name] = runner
        self._update(runner)
        if after is None or after.done():
            runner.start()
            return

        async def start_after_previous() -> None:
            await asyncio.wait({after})
            if self._runners.get(config.name) is runner and not self._shutting_down:
                runner.start()

        self._background(start_after_previous())

    def _background(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """A task of the MCP loop's own, kept until it ends (the loop holds tasks weakly)."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _update(self, runner: ServerRunner) -> None:
        """On the MCP loop: publish ``runner``'s state, if it is still the current one."""
        if self._runners.get(runner.name) is not runner:
            return
        tools = tuple((tool.name, _spec(runner.name, tool)) for tool in runner.tools)
        status = McpServerStatus(
            runner.name,
            runner.state,
            tools=tuple(tool.name for tool in runner.tools),
            error=runner.error,
        )
        with self._lock:
            if runner.name not in self._published:
                return  # removed from the config meanwhile
            self._published[runner.name] = _Published(runner.config, status, tools, runner)
            self._rebuild_routes()
        self._changed_now()

    async def _call_on_loop(
        self, server: str, tool: str, args: Mapping[str, Any], timeout_s: float
    ) -> ToolResult:
        runner = self._runners.get(server)
        if runner is None or self._shutting_down:
            return unavailable_result(server, McpState.STOPPED)
        task = asyncio.current_task()
        assert task is not None
        self._calls.add(task)
        try:
            return await runner.call(tool, args, timeout_s)
        except asyncio.CancelledError:
            if self._shutting_down:  # not the caller's doing: answer it
                return ToolResult("cancelled", "The app stopped its MCP servers during the call.")
            raise
        finally:
            self._calls.discard(task)

    async def _shutdown(self) -> None:
        self._shutting_down = True
        for task in list(self._calls):
            task.cancel()
        runners = list(self._runners.values())
        self._runners.clear()
        await asyncio.gather(*(runner.stop() for runner in runners), *self._tasks)
        self._stops.clear()
        for runner in runners:
            if runner.stderr is not None:
                runner.stderr.close()

    # -- both sides -----------------------------------------------------------------------

    def _snapshot(self) -> list[_Published]:
        with self._lock:
            return list(self._published.values())

    def _rebuild_routes(self) -> None:
        """(Lock held.) The ready servers' tools, and which server and tool each declared
        name stands for; a name declared twice keeps its first owner."""
        routes: dict[str, tuple[str, str]] = {}
        offered: list[ToolSpec] = []
        for name, item in self._published.items():
            if item.status.state is not McpState.READY:
                continue
            for tool, spec in item.tools:
                if spec.name in routes:
                    log.warning("MCP tool %r of %r clashes with another; left out", tool, name)
                    continue
                routes[spec.name] = (name, tool)
                offered.append(spec)
        self._routes, self._offered = routes, tuple(offered)

    def _changed_now(self) -> None:
        """Tell the app's loop that statuses or tools changed (from either thread)."""
        loop = self._app_loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the app's loop is closed: nobody to tell
            loop.call_soon_threadsafe(self._deliver_change)

    def _deliver_change(self) -> None:
        if self._changed is not None:
            self._changed.set()
        try:
            self._on_change()
        except Exception:
            log.exception("MCP on_change callback failed")


_LIVE = frozenset({McpState.STARTING, McpState.READY})


def _stopped(status: McpServerStatus) -> McpServerStatus:
    """A running server's status once the host has stopped (failed and disabled ones
    stay as they were)."""
    if status.state not in _LIVE:
        return status
    return dataclasses.replace(status, state=McpState.STOPPED, tools=())


def _spec(server: str, tool: Any) -> ToolSpec:
    """The ToolSpec the model is offered for an MCP tool."""
    return ToolSpec(
        name=declared_name(server, tool.name),
        description=tool.description or tool.title or "",
        parameters=to_gemini_schema(tool.input_schema),
        source=f"{MCP_SOURCE_PREFIX}{server}",
        default_policy=ToolPolicy.ASK,
        timeout_s=MCP_TOOL_TIMEOUT_S,
    )
