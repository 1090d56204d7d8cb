"""One sim websocket connection: turn taking, paced answers, barge-in, faults."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from . import frames as f
from . import protocol as p
from .catalogue import ModelSpec
from .config import SimConfig
from .faults import DEADLINE_REASON, INTERNAL_ERROR_REASON, Fault, check_pacing
from .listener import Heard, Listener
from .model import LocalModel, Reply, UserTurn, estimate_tokens, resample_int16
from .player import AnswerPlayer, Pacing
from .records import SimSession, TurnRecord
from .tool_turns import QueuedCalls, ToolTurns

log = logging.getLogger("gemini_desk.sim")


@dataclass(frozen=True)
class ConnectionContext:
    """What a connection needs from its server."""

    config: SimConfig
    model: LocalModel
    issue_handle: Callable[[SimSession], str]
    pacing: Callable[[], str]
    queued_calls: QueuedCalls = list  # takes the calls a test queued for a spoken turn


def _to_16k(blob: p.Blob) -> bytes:
    rate = p.parse_rate(blob.mime_type)
    if rate == p.INPUT_AUDIO_RATE:
        return blob.data
    samples = np.frombuffer(blob.data[: len(blob.data) // 2 * 2], dtype="<i2")
    return resample_int16(samples, rate, p.INPUT_AUDIO_RATE).astype("<i2").tobytes()


class SimConnection:
    """Drives one accepted websocket after the API key was checked."""

    def __init__(
        self, ws: ServerConnection, ctx: ConnectionContext, record: SimSession, script: list[Fault]
    ) -> None:
        self.ws = ws
        self.ctx = ctx
        self.record = record
        self.script = script
        self.setup: p.Setup | None = None
        self.spec: ModelSpec | None = None
        self.pacing: str | None = None  # None: follow the server
        self._player: AnswerPlayer | None = None
        self._send_lock = asyncio.Lock()
        self._turns: asyncio.Queue[UserTurn] = asyncio.Queue()
        self._signals: asyncio.Queue[f.Frame] = asyncio.Queue()  # sent in order, off-turn
        self._finished = 0
        self._finished_cond = asyncio.Condition()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closers: set[asyncio.Task[None]] = set()  # awaited, never cancelled
        self._listener = Listener(ctx.config.vad_config(), manual=False, interim_ms=0)
        self._pending_texts: list[str] = []
        self._pending_video: list[p.Blob] = []
        self._tools: ToolTurns | None = None

    # ---- lifecycle ---------------------------------------------------------------

    async def serve(self, setup: p.Setup, spec: ModelSpec) -> None:
        """Run after a valid setup: answer turns until the socket closes."""
        self.setup, self.spec = setup, spec
        config = self.ctx.config
        interim_ms = config.interim_ms if setup.input_transcription else 0
        vad = config.vad_config().with_setup(setup.vad)
        self._listener = Listener(vad, manual=setup.vad.disabled, interim_ms=interim_ms)
        pacing = Pacing(lambda: self.pacing or self.ctx.pacing(), config.pace, config.slow_pace)
        self._player = AnswerPlayer(self.send, setup, spec, pacing, config.chunk_ms)
        self._tools = ToolTurns(
            self, setup, spec, self._player, self.ctx.model, config, self.ctx.queued_calls
        )
        await self.send(f.setup_complete())
        if setup.resumption:
            await self._issue_handle()
        self._spawn(self._answer_turns())
        self._spawn(self._send_signals())
        for fault in self.script:
            self._spawn(self._run_fault(fault))
        try:
            async for frame in self.ws:
                self._handle_frame(frame)
        except ConnectionClosed:
            pass
        finally:
            for task in list(self._tasks):
                task.cancel()
            for task in list(self._tasks):
                with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                    await task
            for task in list(self._closers):
                with contextlib.suppress(ConnectionClosed):
                    await task

    def _spawn(self, coro: Any) -> None:
        task: asyncio.Task[None] = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        exc = None if task.cancelled() else task.exception()
        if exc is not None and not isinstance(exc, ConnectionClosed):
            log.error("sim session %d task failed", self.record.id, exc_info=exc)

    async def send(self, frame: f.Frame) -> None:
        async with self._send_lock:
            await self.ws.send(f.encode_frame(frame))
        self.record.note_sent(f.frame_kind(frame))

    def post(self, frame: f.Frame) -> None:
        """Queue a signal (voiceActivity, interim transcription, toolCallCancellation)
        to go out in order."""
        self._signals.put_nowait(frame)

    async def signals_sent(self) -> None:
        await self._signals.join()

    async def _send_signals(self) -> None:
        while True:
            frame = await self._signals.get()
            try:
                await self.send(frame)
            finally:
                self._signals.task_done()

    # ---- faults ------------------------------------------------------------------

    def drop(self) -> None:
        """Abort the TCP connection: no close frame, the client sees 1006."""
        self.record.close_reason = "dropped"
        self.ws.transport.abort()

    async def close(self, code: int, reason: str) -> None:
        self.record.close_code, self.record.close_reason = code, reason
        await self.ws.close(code, reason)

    def close_soon(self, code: int, reason: str) -> None:
        """Start the close handshake without waiting for the client's reply."""
        task = asyncio.get_running_loop().create_task(self.close(code, reason))
        self._closers.add(task)
        task.add_done_callback(self._closers.discard)

    async def go_away(self, time_left_s: float, close_after: bool = True) -> None:
        await self.send(f.go_away(time_left_s))
        if close_after:
            self._spawn(self._close_later(time_left_s))

    async def _close_later(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self.close_soon(self.ctx.config.go_away_close_code, "Session time limit reached.")

    async def apply(self, fault: Fault) -> None:
        if fault.kind == "drop":
            self.drop()
        elif fault.kind == "internal_error":
            self.close_soon(1011, INTERNAL_ERROR_REASON)
        elif fault.kind == "deadline":
            self.close_soon(1011, DEADLINE_REASON)
        elif fault.kind == "go_away":
            await self.go_away(fault.time_left_s)
        else:
            self.pacing = check_pacing(fault.kind)

    async def _run_fault(self, fault: Fault) -> None:
        async with self._finished_cond:
            await self._finished_cond.wait_for(lambda: self._finished >= fault.after_turns)
        await asyncio.sleep(fault.delay_s)
        log.info("sim session %d: scripted fault %s", self.record.id, fault.kind)
        await self.apply(fault)

    async def send_tool_call(self, name: str, args: dict[str, Any], call_id: str) -> None:
        assert self._tools is not None
        await self._tools.send_call(name, args, call_id)

    async def cancel_tool_calls(self, ids: list[str]) -> None:
        assert self._tools is not None
        await self._tools.cancel(ids)

    # ---- input -------------------------------------------------------------------

    def _handle_frame(self, frame: str | bytes) -> None:
        try:
            obj = p.decode_frame(frame)
            msg = p.parse_client_message(obj)
        except p.ProtocolError as exc:
            log.warning("sim session %d: bad frame: %s", self.record.id, exc)
            self.record.note_message("invalid", frame, len(frame))
            return
        self.record.note_message(p.message_kind(msg), obj, len(frame))
        if isinstance(msg, p.RealtimeInput):
            self._on_realtime(msg)
        elif isinstance(msg, p.ClientContent):
            self._on_client_content(msg)
        elif isinstance(msg, p.ToolResponse):
            self._on_tool_response(msg)
        elif isinstance(msg, p.Setup):
            log.warning("sim session %d: second setup ignored", self.record.id)

    def _on_tool_response(self, msg: p.ToolResponse) -> None:
        assert self._tools is not None
        self._tools.on_response(msg)

    def _activity(self, kind: str, source: str) -> None:
        self.record.note_activity(kind, source)

    def _hold_video(self, blob: p.Blob) -> None:
        """Keep ``blob`` for the next turn. The model reads the count and the last
        frame only, so an earlier frame keeps its type but not its bytes."""
        self.record.note_frame(blob.mime_type, blob.data)
        held = self._pending_video
        if held:
            held[-1] = p.Blob(held[-1].mime_type, b"")
        held.append(blob)

    @property
    def held_video_bytes(self) -> int:
        """Bytes of video held for the next turn."""
        return sum(len(blob.data) for blob in self._pending_video)

    def _on_realtime(self, msg: p.RealtimeInput) -> None:
        listener = self._listener
        for blob in msg.video:
            self._hold_video(blob)
        if msg.activity_start:
            self._activity("start", "client")
            if listener.manual:
                self._barge_in()
                listener.activity_start()
        for blob in msg.audio:
            self.record.note_audio(blob.data, blob.mime_type)
            self._heard(listener.feed(_to_16k(blob)))
        if msg.audio_stream_end:
            self.record.audio_stream_end_count += 1
            self._heard(listener.flush())
        if msg.text is not None:
            self.record.note_texts([msg.text])
            if listener.in_speech:
                self._pending_texts.append(msg.text)
            else:
                self._barge_in()
                self.submit(self._take_turn(b"", [msg.text], "realtime_text"))
        if msg.activity_end:
            self._activity("end", "client")
            if listener.manual and (audio := listener.activity_end()) is not None:
                self.submit(self._take_turn(audio, [], "audio"))

    def _heard(self, events: list[Heard]) -> None:
        for event in events:
            if event.kind == "signal":
                assert event.frame is not None
                self.post(event.frame)
            elif event.kind == "start":
                self._activity("start", "vad")
                self._barge_in()
            else:
                self._activity("end", "vad")
                self.submit(self._take_turn(event.audio, [], "audio"))

    def _on_client_content(self, msg: p.ClientContent) -> None:
        texts: list[str] = []
        for turn in msg.turns:
            if turn.role != "user":
                continue
            texts.extend(turn.texts)
            for blob in turn.blobs:
                if blob.is_image:
                    self._hold_video(blob)
        self.record.note_texts(texts)
        self._pending_texts.extend(texts)
        if msg.turn_complete:
            self._barge_in()
            self.submit(self._take_turn(b"", [], "client_content"))

    def _take_turn(self, audio: bytes, texts: list[str], source: str) -> UserTurn:
        turn = UserTurn(
            audio=audio,
            texts=(*self._pending_texts, *texts),
            video=tuple(self._pending_video),
            source=source,
        )
        self._pending_texts.clear()
        self._pending_video.clear()
        return turn

    def submit(self, turn: UserTurn) -> None:
        self._turns.put_nowait(turn)

    def _barge_in(self) -> None:
        """The user started a new turn: cancel the calls still running (blocking or
        not), and cut a running answer if allowed."""
        if self._tools is not None:
            self._tools.cancel_running()
        if self.setup is not None and not self.setup.vad.interrupt_on_activity:
            return
        if self._player is not None and self._player.answering:
            self._player.barge_in.set()

    # ---- output ------------------------------------------------------------------

    async def _answer_turns(self) -> None:
        while True:
            turn = await self._turns.get()
            await self._signals.join()  # voiceActivity and interim text go first
            await self._answer(turn)
            async with self._finished_cond:
                self._finished += 1
                self._finished_cond.notify_all()

    async def _answer(self, turn: UserTurn) -> None:
        assert self.setup is not None and self.spec is not None and self._tools is not None
        if calls := self._tools.issue(turn):
            await self._tools.answer(turn, calls)
            return
        voice = self.setup.voice_name if not self.record.turns else None
        search = self._tools.declarations.google_search
        reply = self.ctx.model.respond(turn, voice=voice, think=self.spec.thoughts, search=search)
        rec = TurnRecord(
            index=len(self.record.turns),
            source=turn.source,
            input_text=reply.input_text,
            output_text=reply.output_text,
            audio_seconds=reply.seconds,
        )
        self.record.turns.append(rec)
        if reply.waiting_for_input:
            rec.waiting_for_input = True
            await self.send(f.waiting_for_input())
            return
        await self.play(turn, reply, rec)

    async def play(self, turn: UserTurn, reply: Reply, rec: TurnRecord) -> None:
        """Play ``reply`` to its turnComplete, then usage and a resumption handle."""
        assert self.setup is not None and self._player is not None
        rec.grounded = reply.grounding is not None
        await self._player.play(reply, rec)
        sent_s = rec.chunks_sent * self.ctx.config.chunk_ms / 1000
        prompt, response = estimate_tokens(turn, reply, min(sent_s, reply.seconds))
        await self.send(f.usage_metadata(prompt, response))
        if self.setup.resumption:
            await self._issue_handle()

    async def _issue_handle(self) -> None:
        handle = self.ctx.issue_handle(self.record)
        self.record.handles_issued.append(handle)
        await self.send(f.session_resumption_update(handle, resumable=True))
