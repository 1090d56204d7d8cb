"""Tools end to end below the window: the app's Conversation and ToolSession, the real
google-genai SDK talking to the local server, and real MCP servers (mcp-server-time over
stdio; the test server, built with the MCP SDK, over streamable HTTP). A spoken or typed
request leads to a toolCall, the MCP call and a toolResponse, and the answer says what
the tool returned."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gemini_desk.core.events import SessionState
from gemini_desk.core.tools import ApprovalRequest, CallState, McpState, ToolCallRecord
from gemini_desk.core.transcript import Role
from gemini_desk.session.tools import ToolSession
from gemini_desk.sim import SimThread
from gemini_desk.tools.builtin import builtin_tools
from gemini_desk.tools.mcp_config import McpServerConfig
from gemini_desk.tools.mcp_host import McpHost
from gemini_desk.tools.registry import ToolRegistry
from gemini_desk.tools.runner import ToolRunner
from tests.integration.test_conversation import FakeSpeaker, Rig
from tests.integration.test_mcp_host import TIME, http_test_server, stdio_test_server
from tests.support.sim_fixtures import espeak_pcm16k, sim

__all__ = ["sim"]


class Desktop:
    """The built-in tools' desktop port, recorded (no Qt below the window)."""

    def __init__(self) -> None:
        self.opened: list[str] = []

    def open_url(self, url: str) -> None:
        self.opened.append(url)

    def read_clipboard(self) -> str:
        return ""

    def write_clipboard(self, text: str) -> None:
        pass

    def look_now(self) -> bool:
        return False


class Cards:
    """Approval cards, as the window would show them."""

    def __init__(self) -> None:
        self.shown: list[ApprovalRequest] = []
        self.withdrawn: list[str] = []

    def show_approval(self, request: ApprovalRequest) -> None:
        self.shown.append(request)

    def withdraw_approval(self, call_id: str) -> None:
        self.withdrawn.append(call_id)


class TimedSpeaker(FakeSpeaker):
    """A speaker that notes when each chunk of model audio arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.fed_at: list[float] = []

    def feed(self, pcm: bytes, rate: int = 24_000) -> None:
        self.fed_at.append(time.monotonic())
        super().feed(pcm, rate)


class ToolRig(Rig):
    """A conversation with tools: built-ins, and the MCP servers given to :meth:`serve`."""

    def __init__(self, sim: SimThread, tmp: Path, start_timeout_s: float = 20.0) -> None:
        self.timed = TimedSpeaker()
        super().__init__(sim, tmp, speaker=self.timed)
        self.sim = sim
        self.cards = Cards()
        self.registry = ToolRegistry(builtin_tools(Desktop(), tmp / "notes.md"))
        self.host = McpHost(on_change=self._on_mcp_change, start_timeout_s=start_timeout_s)
        self.runner = ToolRunner(self.registry, self.host.call)
        self.records: list[ToolCallRecord] = []
        self.tools = ToolSession(
            self.registry,
            self.runner.run,
            self.conv.settings_model,
            self.cards,
            self._record,
            lambda: self.conv.session,
        )
        self.conv.tools = self.tools

    def _record(self, record: ToolCallRecord) -> None:
        self.records.append(record)
        self.conv.transcript.show_tool_call(record)

    def _on_mcp_change(self) -> None:
        self.registry.set_mcp_tools(self.host.tools())
        self.tools.tools_changed()

    async def serve(self, *servers: McpServerConfig, wait_s: float = 30.0) -> None:
        self.host.start({s.name: s for s in servers})
        await self.host.wait_ready(wait_s)
        self.registry.set_mcp_tools(self.host.tools())

    async def connect(self) -> None:
        self.conv.connect()
        await self.until(lambda: self.conv.state is SessionState.CONNECTED and bool(self.mics))

    def final(self, name: str) -> ToolCallRecord:
        done = [r for r in self.records if r.name == name and r.state.final]
        assert done, f"no finished call of {name}: {self.records}"
        return done[-1]

    def answers(self) -> list[str]:
        """The model's answers that are complete."""
        turns = self.conv.transcript.turns
        return [t.text for t in turns if t.role is Role.MODEL and t.finished]

    async def stop(self) -> None:
        await self.tools.stop()
        await self.conv.shutdown()
        await self.host.stop()


async def connected_rig(
    sim: SimThread, tmp: Path, server: McpServerConfig, *allowed: str
) -> ToolRig:
    """A connected conversation offering ``server``'s tools, ``allowed`` without asking."""
    rig = ToolRig(sim, tmp)
    await rig.serve(server)
    rig.conv.settings_model.update(tool_policies=dict.fromkeys(allowed, "allow"))
    await rig.connect()
    return rig


def run(coro: object, timeout: float = 90) -> None:
    asyncio.run(asyncio.wait_for(coro, timeout))  # type: ignore[arg-type]


@contextmanager
def mcp_test_server() -> Iterator[McpServerConfig]:
    with http_test_server() as url:
        yield McpServerConfig("tests", url=url)


def test_a_spoken_request_calls_mcp_server_time_over_stdio_after_approval(
    sim: SimThread, tmp_path: Path
) -> None:
    async def body() -> None:
        rig = ToolRig(sim, tmp_path)
        await rig.serve(TIME)
        name = "time__get_current_time"
        assert rig.registry.get(name) is not None
        await rig.connect()
        sim.queue_tool_call(name, {"timezone": "Europe/Paris"})
        await rig.speak(espeak_pcm16k("what time is it in Paris"))
        await rig.until(lambda: bool(rig.cards.shown))
        card = rig.cards.shown[0]
        assert (card.name, dict(card.args)) == (name, {"timezone": "Europe/Paris"})
        assert card.source == "mcp:time"
        rig.tools.decide(card.call_id, "once")
        await rig.until(lambda: any("the tool said" in a for a in rig.answers()), 30)
        record = rig.final(name)
        assert record.state is CallState.DONE and "Europe/Paris" in record.summary
        (sent,) = [c for c in sim.tool_calls() if c.name == name]
        assert sent.state == "answered" and sent.responses[0]["response"]["status"] == "ok"
        spoken = next(a for a in rig.answers() if "the tool said" in a)
        assert "Europe/Paris" in spoken  # the answer says what the tool returned
        await rig.stop()

    run(body())


def test_a_typed_request_calls_the_test_server_over_streamable_http(
    sim: SimThread, tmp_path: Path
) -> None:
    async def body() -> None:
        with mcp_test_server() as server:
            rig = await connected_rig(sim, tmp_path, server, "tests__add")
            rig.conv.send_text("call tests__add")
            await rig.until(lambda: any("the tool said: 2" in a for a in rig.answers()), 30)
            assert rig.final("tests__add").state is CallState.DONE
            assert not rig.cards.shown  # allowed: no card
            tool_rows = [t for t in rig.conv.transcript.turns if t.role is Role.TOOL]
            assert [t.tool.name for t in tool_rows if t.tool] == ["tests__add"]
            await rig.stop()

    run(body())


def test_a_two_second_tool_runs_while_the_model_talks_and_is_answered_when_idle(
    sim: SimThread, tmp_path: Path
) -> None:
    async def body() -> None:
        with mcp_test_server() as server:
            rig = await connected_rig(sim, tmp_path, server, "tests__slow")
            sim.queue_tool_call("tests__slow", {"seconds": 2})
            await rig.speak(espeak_pcm16k("take your time"))
            await rig.until(lambda: any("the tool said" in a for a in rig.answers()), 30)
            record = rig.final("tests__slow")
            assert record.state is CallState.DONE and record.duration_s is not None
            assert record.duration_s >= 2.0
            (call,) = [c for c in sim.tool_calls() if c.name == "tests__slow"]
            assert call.behavior == "NON_BLOCKING" and call.scheduling == "WHEN_IDLE"
            # Model audio kept arriving while the tool ran (the sim shares our clock)...
            ran_from, ran_to = call.issued_at, call.answered_at
            assert ran_to is not None and ran_to - ran_from >= 2.0
            during = [t for t in rig.timed.fed_at if ran_from + 0.5 < t < ran_to - 0.2]
            assert len(during) >= 10, "the model went quiet while the tool ran"
            # ... and the result was spoken once that answer had ended (when idle).
            turns = sim.server.sessions[0].turns
            calling, result = turns[0], turns[-1]
            assert "calling tests__slow" in calling.output_text
            assert calling.completed and not calling.interrupted
            assert result.source == "tool_response" and "the tool said" in result.output_text
            answers = [a for a in rig.answers() if a]
            assert "calling tests__slow" in answers[0] and "the tool said" in answers[-1]
            await rig.stop()

    run(body())


def test_barge_in_during_a_running_call_cancels_it_and_no_late_answer_goes_out(
    sim: SimThread, tmp_path: Path
) -> None:
    async def body() -> None:
        with mcp_test_server() as server:
            rig = await connected_rig(sim, tmp_path, server, "tests__slow")
            sim.queue_tool_call("tests__slow", {"seconds": 3})
            await rig.speak(espeak_pcm16k("count slowly"))
            await rig.until(lambda: any(r.state is CallState.RUNNING for r in rig.records))
            await rig.speak(espeak_pcm16k("stop, never mind"))  # the user talks over it
            await rig.until(lambda: any(r.state is CallState.CANCELLED for r in rig.records))
            record = rig.final("tests__slow")
            assert (record.state, record.reason) == (CallState.CANCELLED, "server")
            (call,) = [c for c in sim.tool_calls() if c.name == "tests__slow"]
            assert call.state == "cancelled"
            # The run was stopped on the MCP server too, so nothing can answer late.
            stats_spec = rig.registry.get("tests__stats")
            assert stats_spec is not None
            counts: dict[str, int] = {}

            async def cancelled_on_server() -> bool:
                counts.update((await rig.host.call(stats_spec, {})).data or {})
                return counts.get("slow_cancelled") == 1

            async with asyncio.timeout(10):
                while not await cancelled_on_server():
                    await asyncio.sleep(0.05)
            assert counts["slow_finished"] == 0
            await rig.stop()
            assert call.responses == [] and sim.late_tool_responses() == []

    run(body())


def test_crashing_and_hanging_servers_leave_the_conversation_working(
    sim: SimThread, tmp_path: Path
) -> None:
    async def body() -> None:
        with mcp_test_server() as server:
            rig = ToolRig(sim, tmp_path, start_timeout_s=3.0)
            hanging = stdio_test_server("stuck", "--hang-on-start")
            await rig.serve(server, TIME, hanging, wait_s=30)
            states = {s.name: s.state for s in rig.host.statuses()}
            assert states == {
                "tests": McpState.READY,
                "time": McpState.READY,
                "stuck": McpState.FAILED,
            }
            assert "3 s" in next(s.error for s in rig.host.statuses() if s.name == "stuck")
            rig.conv.settings_model.update(
                tool_policies={"tests__crash": "allow", "tests__hang": "allow"}
            )
            await rig.connect()
            rig.conv.send_text("call tests__crash")
            await rig.until(lambda: any(r.state.final for r in rig.records), 30)
            crashed = rig.final("tests__crash")
            assert crashed.state is CallState.FAILED and crashed.status == "error"
            await rig.until(
                lambda: {s.name: s.state for s in rig.host.statuses()}["tests"] is McpState.FAILED
            )
            # The conversation goes on: another question gets its answer.
            answered = len([a for a in rig.answers() if a])
            rig.conv.send_text("are you still there")
            await rig.until(lambda: len([a for a in rig.answers() if a]) > answered, 30)
            await rig.stop()

    run(body())
