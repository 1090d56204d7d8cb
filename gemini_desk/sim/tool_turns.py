"""Tool calls in a sim conversation: issued from turns, waited for or talked over,
their results answered as scheduled, cancelled when the user barges in.

A user turn whose text says "call <name>" for a declared function (or a spoken turn,
for the calls a test queued) gets one ``toolCall`` with every call it asks for.
Blocking calls: nothing more until all are answered, then an answer saying what they
said; a barge-in cancels them and ends the turn interrupted. Non-blocking calls only
(Gemini 3.8's default): the model keeps talking ("calling …") while they run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from . import frames as f
from .calls import BLOCKING, NON_BLOCKING, CallTable
from .catalogue import ModelSpec, function_behaviors
from .config import SimConfig
from .model import LocalModel, Reply, UserTurn, announce_calls, describe_input
from .player import AnswerPlayer
from .protocol import Setup, ToolResponse, get_key
from .records import SimSession, SimToolCall, TurnRecord
from .tools import declared_args, named_calls, read_declarations, result_message

QueuedCalls = Callable[[], list[tuple[str, dict[str, Any] | None]]]


class ToolHost(Protocol):
    """What tool turns need from their connection."""

    record: SimSession

    async def send(self, frame: f.Frame) -> None: ...

    def post(self, frame: f.Frame) -> None:
        """Send ``frame`` in order with the other off-turn signals."""

    async def signals_sent(self) -> None: ...

    def submit(self, turn: UserTurn) -> None: ...

    async def play(self, turn: UserTurn, reply: Reply, rec: TurnRecord) -> None: ...


def wire_call(call: SimToolCall) -> dict[str, Any]:
    """A FunctionCall as the service sends it."""
    return {"id": call.id, "name": call.name, "args": call.args}


class ToolTurns:
    """The tool side of one connection (its calls are in ``record.tool_calls``)."""

    def __init__(
        self,
        host: ToolHost,
        setup: Setup,
        spec: ModelSpec,
        player: AnswerPlayer,
        model: LocalModel,
        config: SimConfig,
        queued_calls: QueuedCalls,
    ) -> None:
        self.host = host
        self.setup = setup
        self.spec = spec
        self.player = player
        self.model = model
        self.config = config
        self.queued_calls = queued_calls
        self.declarations = read_declarations(setup.raw)
        self.calls = CallTable(
            host.record, function_behaviors(spec, setup.raw), spec.default_behavior
        )

    # ---- calls from turns --------------------------------------------------------

    def issue(self, turn: UserTurn) -> list[SimToolCall]:
        """The calls a user turn asks for: "call <name>" in its text, and for a spoken
        turn those a test queued."""
        if turn.source == "tool_response":
            return []
        wanted: list[tuple[str, dict[str, Any] | None, str]] = []
        if turn.source == "audio":
            wanted.extend((name, args, "queued") for name, args in self.queued_calls())
        for name in named_calls(turn.texts, self.declarations.names):
            wanted.append((name, None, "turn"))
        return [
            self.calls.issue(
                name, declared_args(self.declarations.find(name)) if args is None else args, how
            )
            for name, args, how in wanted
        ]

    async def answer(self, turn: UserTurn, calls: list[SimToolCall]) -> None:
        """Send one toolCall with ``calls`` and carry the turn on (see the module)."""
        host, setup = self.host, self.setup
        voice = setup.voice_name if not host.record.turns else None
        rec = TurnRecord(
            index=len(host.record.turns),
            source=turn.source,
            input_text=describe_input(turn),
            output_text="",
            audio_seconds=0.0,
            tool_call_ids=[c.id for c in calls],
        )
        host.record.turns.append(rec)
        if setup.input_transcription and rec.input_text:
            await host.send(f.input_transcription(rec.input_text))
        await host.send(f.tool_call([wire_call(c) for c in calls]))
        blocking = [c for c in calls if c.behavior == BLOCKING]
        think = self.spec.thoughts
        if not blocking:
            names = tuple(c.name for c in calls)
            reply = announce_calls(names, self.config.calling_answer_s, think)
        elif await self.calls.settled(blocking):
            results = tuple(result_message(get_key(c.responses[-1], "response")) for c in blocking)
            said = UserTurn(tool_results=results, source="tool_response")
            reply = self.model.respond(said, voice=voice, think=think)
        else:
            await host.signals_sent()  # the toolCallCancellation goes first
            await self.player.cut(rec)
            return
        rec.output_text, rec.audio_seconds = reply.output_text, reply.seconds
        await host.play(turn, reply, rec)

    # ---- responses and cancellation ----------------------------------------------

    def on_response(self, msg: ToolResponse) -> None:
        """Settle the calls answered. A blocking turn waiting for its calls answers them
        itself; other results are answered as a turn of their own, except a non-blocking
        call's SILENT one (only recorded); INTERRUPT cuts the running answer first,
        WHEN_IDLE waits for it to end. Responses to cancelled or unknown calls are only
        recorded (``late_tool_responses``)."""
        self.host.record.note_tool_responses(msg.function_responses)
        results: list[str] = []
        interrupt = False
        for response in msg.function_responses:
            call = self.calls.accept(response)
            if call is None or call.id in self.calls.awaited:
                continue
            if call.behavior == NON_BLOCKING:
                if call.scheduling == "SILENT":
                    continue
                interrupt = interrupt or call.scheduling == "INTERRUPT"
            results.append(result_message(get_key(response, "response")))
        if not results:
            return
        if interrupt and self.player.answering:
            self.player.barge_in.set()
        self.host.submit(UserTurn(tool_results=tuple(results), source="tool_response"))

    def cancel_running(self) -> None:
        """The user barged in: cancel every call still running."""
        if ids := self.calls.cancel():
            self.host.post(f.tool_call_cancellation(ids))

    # ---- test controls -----------------------------------------------------------

    async def send_call(self, name: str, args: dict[str, Any], call_id: str) -> None:
        """Issue one call now, outside any turn."""
        call = self.calls.issue(name, args, "test", call_id)
        await self.host.send(f.tool_call([wire_call(call)]))

    async def cancel(self, ids: list[str]) -> None:
        """Cancel these calls now."""
        self.calls.cancel(ids)
        await self.host.send(f.tool_call_cancellation(ids))
