"""McpHost with real MCP servers: mcp-server-time over stdio, the test server
(tests/support/mcp_test_server.py, built with the SDK's MCPServer) over streamable HTTP
and stdio. No doubles: real processes, real sockets, the SDK's own client."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from google.genai import types as genai_types

from gemini_desk.core.tools import McpServerStatus, McpState, ToolPolicy, ToolResult, ToolSpec
from gemini_desk.tools.mcp_config import McpServerConfig
from gemini_desk.tools.mcp_host import McpHost

REPO = Path(__file__).resolve().parents[2]
TEST_SERVER = ("-m", "tests.support.mcp_test_server")
TIME = McpServerConfig(
    "time", command=sys.executable, args=("-m", "mcp_server_time", "--local-timezone", "UTC")
)


def run(coro: Coroutine[Any, Any, None], timeout_s: float = 120) -> None:
    asyncio.run(asyncio.wait_for(coro, timeout_s))


@contextmanager
def http_test_server_process(*flags: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """The test server over streamable HTTP on 127.0.0.1: its URL and its process."""
    proc = subprocess.Popen(
        [sys.executable, *TEST_SERVER, "--port", "0", *flags],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "READY <url>" once it accepts connections
        assert line.startswith("READY "), f"test server did not start: {line!r}"
        yield line.split()[1], proc
    finally:
        proc.terminate()
        proc.wait(10)
        assert proc.stdout is not None
        proc.stdout.close()


@contextmanager
def http_test_server(*flags: str) -> Iterator[str]:
    with http_test_server_process(*flags) as (url, _proc):
        yield url


@contextmanager
def configured_test_server(name: str, transport: str) -> Iterator[McpServerConfig]:
    """The test server as configured: "http 2026", "http legacy" or "stdio"."""
    if transport == "stdio":
        yield stdio_test_server(name)
        return
    with http_test_server(*era_flags(transport.split()[1])) as url:
        yield McpServerConfig(name, url=url)


def era_flags(era: str) -> tuple[str, ...]:
    """The test server speaks 2026-07-28 (server/discover, subscriptions/listen), or,
    with ``--legacy``, makes the client fall back to the initialize handshake."""
    return ("--legacy",) if era == "legacy" else ()


def stdio_test_server(name: str, *flags: str) -> McpServerConfig:
    return McpServerConfig(
        name, command=sys.executable, args=(*TEST_SERVER, "--stdio", *flags), env=_pythonpath()
    )


def _pythonpath() -> dict[str, str]:
    """The stdio client passes only a few variables on; the test server is found from
    the repository."""
    return {"PYTHONPATH": str(REPO)}


class Host:
    """An McpHost and what it said: ``on_change`` calls, waited on (never slept on)."""

    def __init__(self, **kwargs: Any) -> None:
        self.changes = 0
        self._changed = asyncio.Event()
        self.host = McpHost(on_change=self._on_change, **kwargs)
        self.loop = asyncio.get_running_loop()

    def _on_change(self) -> None:
        assert asyncio.get_running_loop() is self.loop  # called back on the app's loop
        self.changes += 1
        self._changed.set()

    async def until(self, predicate: Callable[[], bool], timeout_s: float = 30) -> None:
        async with asyncio.timeout(timeout_s):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()

    def status(self, name: str) -> McpServerStatus:
        return next(s for s in self.host.statuses() if s.name == name)

    def state(self, name: str) -> McpState:
        return self.status(name).state

    def spec(self, name: str) -> ToolSpec:
        return next(t for t in self.host.tools() if t.name == name)

    def names(self) -> set[str]:
        return {t.name for t in self.host.tools()}

    async def call(self, name: str, **args: Any) -> ToolResult:
        return await self.host.call(self.spec(name), args)


def test_time_server_over_stdio_lists_its_tools_and_tells_the_time() -> None:
    async def main() -> None:
        h = Host()
        h.host.start({"time": TIME})
        assert h.state("time") is McpState.STARTING
        await h.host.wait_ready(60)
        assert h.state("time") is McpState.READY
        assert set(h.status("time").tools) == {"get_current_time", "convert_time"}
        assert h.names() == {"time__get_current_time", "time__convert_time"}
        spec = h.spec("time__get_current_time")
        assert spec.source == "mcp:time"
        assert spec.server == "time"
        assert spec.default_policy is ToolPolicy.ASK
        assert spec.timeout_s == 30
        assert "time" in spec.description.lower()
        assert spec.parameters is not None
        assert spec.parameters["required"] == ["timezone"]
        genai_types.Schema.model_validate(spec.parameters)

        result = await h.call("time__get_current_time", timezone="UTC")
        assert result.status == "ok", result
        assert result.data["timezone"] == "UTC"
        assert result.data["datetime"].endswith("+00:00")
        assert '"day_of_week"' in result.message
        await h.host.stop()
        assert h.state("time") is McpState.STOPPED
        assert h.host.tools() == []

    run(main())


@pytest.mark.parametrize("transport", ["http 2026", "http legacy", "stdio"])
def test_the_test_server_adds_and_its_tool_list_follows_the_server(transport: str) -> None:
    with configured_test_server("test", transport) as config:

        async def main() -> None:
            h = Host()
            h.host.start({"test": config})
            await h.host.wait_ready(60)
            assert h.state("test") is McpState.READY
            result = await h.call("test__add", a=2, b=3)
            assert (result.status, result.message, result.data) == ("ok", "5", {"result": 5})
            assert h.spec("test__hang").parameters is None  # no arguments

            assert "test__extra" not in h.names()
            before = h.changes
            assert (await h.call("test__toggle_extra")).message == "extra added"
            await h.until(lambda: "test__extra" in h.names())
            assert h.changes > before
            assert "extra" in h.status("test").tools
            assert (await h.call("test__extra")).message == "extra here"
            assert (await h.call("test__toggle_extra")).message == "extra removed"
            await h.until(lambda: "test__extra" not in h.names())
            await h.host.stop()

        run(main())


@pytest.mark.parametrize("transport", ["http 2026", "http legacy", "stdio"])
def test_cancelling_the_awaiting_task_cancels_the_call_and_the_server_stays_usable(
    transport: str,
) -> None:
    with configured_test_server("test", transport) as config:

        async def main() -> None:
            h = Host()
            h.host.start({"test": config})
            await h.host.wait_ready(60)
            call = asyncio.ensure_future(h.call("test__slow", seconds=120))
            await until_stats(h, lambda s: s["slow_started"] == 1)
            call.cancel()
            with pytest.raises(asyncio.CancelledError):
                await call
            stats = await until_stats(h, lambda s: s["slow_cancelled"] == 1)
            assert stats["slow_finished"] == 0
            assert h.state("test") is McpState.READY
            assert (await h.call("test__add", a=40, b=2)).message == "42"
            await h.host.stop()

        run(main())


def test_a_call_past_its_timeout_is_a_timeout_result() -> None:
    with http_test_server() as url:

        async def main() -> None:
            h = Host()
            h.host.start({"test": McpServerConfig("test", url=url)})
            await h.host.wait_ready(60)
            spec = dataclasses.replace(h.spec("test__hang"), timeout_s=0.5)
            result = await h.host.call(spec, {})
            assert result.status == "timeout"
            assert result.retryable is False
            assert "0.5 s" in result.message
            assert (await h.call("test__echo", text="still here")).message == "still here"
            await h.host.stop()

        run(main())


@pytest.mark.parametrize("era", ["2026", "legacy"])
def test_a_crashing_http_server_fails_and_the_other_server_goes_on(era: str) -> None:
    with http_test_server(*era_flags(era)) as url:

        async def main() -> None:
            h = Host()
            h.host.start({"time": TIME, "test": McpServerConfig("test", url=url)})
            await h.host.wait_ready(60)
            assert {h.state("time"), h.state("test")} == {McpState.READY}
            crash = h.spec("test__crash")

            result = await h.host.call(crash, {})
            assert result.status == "error"
            assert "test" in result.message
            await h.until(lambda: h.state("test") is McpState.FAILED)
            assert h.status("test").error
            assert not any(name.startswith("test__") for name in h.names())
            again = await h.host.call(crash, {})
            assert (again.status, again.retryable) == ("unavailable", False)
            assert "test" in again.message

            result = await h.call("time__get_current_time", timezone="Europe/Paris")
            assert result.status == "ok"
            assert result.data["timezone"] == "Europe/Paris"
            await h.host.stop()
            assert (h.state("test"), h.state("time")) == (McpState.FAILED, McpState.STOPPED)

        run(main())


def test_an_http_server_that_goes_away_between_calls_is_noticed() -> None:
    """On a 2026-07-28 connection the open subscriptions/listen stream drops."""
    with http_test_server_process() as (url, proc):

        async def main() -> None:
            h = Host()
            h.host.start({"test": McpServerConfig("test", url=url)})
            await h.host.wait_ready(60)
            assert h.state("test") is McpState.READY
            proc.kill()
            await h.until(lambda: h.state("test") is McpState.FAILED)
            error = h.status("test").error
            # In words (which words depends on where the read broke off).
            assert error in {
                "The connection to the server broke (ReadError).",
                "Server disconnected without sending a response.",
                "The server stopped answering.",
            }, error
            assert h.host.tools() == []
            await h.host.stop()

        run(main())


def test_a_crashing_stdio_server_fails_with_its_last_words() -> None:
    async def main() -> None:
        h = Host()
        h.host.start({"test": stdio_test_server("test")})
        await h.host.wait_ready(60)
        assert h.state("test") is McpState.READY
        result = await h.call("test__crash")
        assert result.status == "error"
        await h.until(lambda: h.state("test") is McpState.FAILED)
        status = h.status("test")
        assert status.error == "The server process exited."
        assert "test server: crashing on request" in status.stderr_tail
        await h.host.stop()
        assert h.status("test") == status  # what went wrong stays visible

    run(main())


def test_a_server_hanging_at_start_fails_after_the_start_timeout_and_the_others_start() -> None:
    with http_test_server("--hang-on-start") as hanging_url, http_test_server() as url:

        async def main() -> None:
            # The test server (already up) answers in milliseconds, well within 3 s.
            h = Host(start_timeout_s=3.0)
            h.host.start(
                {
                    "hanging": McpServerConfig("hanging", url=hanging_url),
                    "hanging_stdio": stdio_test_server("hanging_stdio", "--hang-on-start"),
                    "test": McpServerConfig("test", url=url),
                }
            )
            await h.host.wait_ready(60)
            for name in ("hanging", "hanging_stdio"):
                assert h.state(name) is McpState.FAILED
                assert h.status(name).error == "The server did not answer within 3 s."
            assert h.state("test") is McpState.READY
            assert (await h.call("test__add", a=1, b=1)).message == "2"
            await h.host.stop()

        run(main())


def test_a_command_that_does_not_exist_fails_in_plain_words() -> None:
    async def main() -> None:
        h = Host()
        h.host.start({"missing": McpServerConfig("missing", command="no-such-mcp-server-xyz")})
        await h.host.wait_ready(60)
        status = h.status("missing")
        assert status.state is McpState.FAILED
        assert status.error == "No such file or directory: no-such-mcp-server-xyz"
        await h.host.stop()

    run(main())


def test_a_stdio_server_that_writes_to_stderr_and_exits_shows_its_last_lines() -> None:
    script = (
        "import sys\n"
        "for n in range(30): print(f'line {n}', file=sys.stderr)\n"
        "print('fatal: no API key', file=sys.stderr)\n"
        "sys.exit(2)\n"
    )
    config = McpServerConfig("dies", command=sys.executable, args=("-c", script))

    async def main() -> None:
        h = Host(stderr_lines=5)
        h.host.start({"dies": config})
        await h.host.wait_ready(60)
        status = h.status("dies")
        assert status.state is McpState.FAILED
        assert status.error == "The server process exited."
        assert status.stderr_tail.splitlines() == [
            "line 26",
            "line 27",
            "line 28",
            "line 29",
            "fatal: no API key",
        ]
        await h.host.stop()

    run(main())


def test_a_stdio_server_gets_its_env_over_a_minimal_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GEMINI_DESK_TEST_PRIVATE", "not for servers")
    script = (
        "import os, sys\n"
        "for name in ('API_TOKEN', 'GEMINI_DESK_TEST_PRIVATE', 'PATH'):\n"
        "    print(name, os.environ.get(name, '-') != '-', file=sys.stderr)\n"
        "print('token', os.environ['API_TOKEN'], file=sys.stderr)\n"
    )
    config = McpServerConfig(
        "env", command=sys.executable, args=("-c", script), env={"API_TOKEN": "t0k3n-value"}
    )

    async def main() -> None:
        h = Host()
        h.host.start({"env": config})
        await h.host.wait_ready(60)
        assert h.status("env").stderr_tail.splitlines() == [
            "API_TOKEN True",
            "GEMINI_DESK_TEST_PRIVATE False",
            "PATH True",
            "token t0k3n-value",
        ]
        await h.host.stop()

    run(main())


def test_http_headers_are_sent_and_a_refusal_is_a_plain_failure() -> None:
    token = "Bearer s3cr3t-t0ken"
    with http_test_server("--require-header", f"Authorization: {token}") as url:

        async def main() -> None:
            h = Host()
            h.host.start(
                {
                    "with": McpServerConfig("with", url=url, headers={"Authorization": token}),
                    "without": McpServerConfig("without", url=url),
                }
            )
            await h.host.wait_ready(60)
            assert h.state("with") is McpState.READY
            assert (await h.call("with__echo", text="hi")).message == "hi"
            status = h.status("without")
            assert status.state is McpState.FAILED
            assert status.error == "Server returned an error response"
            await h.host.stop()

        run(main())


def test_start_follows_the_config_and_a_failed_server_is_tried_again() -> None:
    async def main() -> None:
        h = Host()
        h.host.start({"time": TIME})
        await h.host.wait_ready(60)
        assert h.state("time") is McpState.READY

        h.host.start({"time": dataclasses.replace(TIME, enabled=False)})
        assert h.state("time") is McpState.DISABLED
        assert h.host.tools() == []
        unavailable = await h.host.call(
            ToolSpec("time__get_current_time", source="mcp:time"), {"timezone": "UTC"}
        )
        assert unavailable.status == "unavailable"
        assert "turned off" in unavailable.message

        h.host.start({"time": TIME, "other": dataclasses.replace(TIME, name="other")})
        await h.host.wait_ready(60)
        assert [(s.name, s.state) for s in h.host.statuses()] == [
            ("time", McpState.READY),
            ("other", McpState.READY),
        ]
        h.host.start({"other": dataclasses.replace(TIME, name="other")})
        assert [s.name for s in h.host.statuses()] == ["other"]
        assert h.names() == {"other__get_current_time", "other__convert_time"}

        broken = McpServerConfig("broken", command="no-such-mcp-server-xyz")
        h.host.start({"broken": broken})
        await h.host.wait_ready(60)
        assert h.state("broken") is McpState.FAILED
        h.host.start({"broken": broken})  # unchanged but failed: tried again
        assert h.state("broken") is McpState.STARTING
        await h.host.wait_ready(60)
        assert h.state("broken") is McpState.FAILED
        await h.host.stop()

    run(main())


def test_stop_leaves_no_child_processes_and_is_safe_twice() -> None:
    before = child_pids()

    async def main() -> None:
        h = Host(start_timeout_s=60)
        h.host.start(
            {
                "time": TIME,
                "test": stdio_test_server("test"),
                "hanging": stdio_test_server("hanging", "--hang-on-start"),
            }
        )
        await h.until(lambda: h.state("time") is McpState.READY)
        await h.until(lambda: h.state("test") is McpState.READY)
        assert len(child_pids() - before) == 3
        assert "mcp-host" in thread_names()
        await h.host.stop()
        assert child_pids() - before == set()
        assert not any(name.startswith("mcp-") for name in thread_names())
        assert {s.state for s in h.host.statuses()} == {McpState.STOPPED}
        await h.host.stop()

    run(main())


async def until_stats(h: Host, predicate: Callable[[dict[str, int]], bool]) -> dict[str, int]:
    """Ask the test server how its slow calls went until ``predicate`` holds."""
    async with asyncio.timeout(30):
        while True:
            result = await h.call("test__stats")
            assert result.status == "ok", result
            if predicate(result.data):
                return dict(result.data)


def thread_names() -> list[str]:
    return [t.name for t in threading.enumerate()]


def child_pids() -> set[int]:
    """This process's child processes (Linux: from /proc), zombies included."""
    me = str(os.getpid())
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        if stat.rsplit(")", 1)[1].split()[1] == me:
            pids.add(int(entry.name))
    return pids
