"""One sim websocket connection: turn taking, paced answers, barge-in, faults."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from . import protocol as p
from .config import SimConfig
from .faults import INTERNAL_ERROR_REASON, Fault, check_pacing
from .model import OUT_RATE, LocalModel, Reply, UserTurn, estimate_tokens, resample_int16
from .records import ActivityEvent, LoggedMessage, SimSession, TurnRecord, VideoFrame
from .vad import EnergyVad, VadKind

log = logging.getLogger("gemini_desk.sim")

_KEEP_SAMPLES_IDLE = 16000  # audio kept before a VAD start (1 s at 16 kHz)


@dataclass(frozen=True)
class ConnectionContext:
    """What a connection needs from its server."""

    config: SimConfig
    model: LocalModel
    issue_handle: Callable[[SimSession], str]
    pacing: Callable[[], str]


def _split_text(text: str, pieces: int) -> list[str]:
    """Split into ``pieces`` strings (some may be empty) that join back to ``text``."""
    words = re.findall(r"\s*\S+", text) or [text]
    pieces = max(1, pieces)
    out = [""] * pieces
    for i, word in enumerate(words):
        out[min(pieces - 1, i * pieces // len(words))] += word
    return out


def _frame_kind(frame: p.Frame) -> str:
    key = next(iter(frame))
    if key == "serverContent":
        return f"serverContent.{next(iter(frame[key]))}"
    return str(key)


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
        self.pacing: str | None = None  # None: follow the server
        self._send_lock = asyncio.Lock()
        self._turns: asyncio.Queue[UserTurn] = asyncio.Queue()
        self._barge_in = asyncio.Event()
        self._answering = False
        self._finished = 0
        self._finished_cond = asyncio.Condition()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closers: set[asyncio.Task[None]] = set()  # awaited, never cancelled
        self._vad = EnergyVad(ctx.config.vad_config())
        self._stream = bytearray()  # audio since the VAD sample ``_stream_base``
        self._stream_base = 0
        self._utterance_start: int | None = None
        self._manual_active = False
        self._manual_audio = bytearray()
        self._pending_texts: list[str] = []
        self._pending_video: list[p.Blob] = []

    # ---- lifecycle ---------------------------------------------------------------

    async def serve(self, setup: p.Setup) -> None:
        """Run after a valid setup: answer turns until the socket closes."""
        self.setup = setup
        self._vad = EnergyVad(self.ctx.config.vad_config().with_setup(setup.vad))
        await self.send(p.setup_complete())
        if setup.resumption:
            await self._issue_handle()
        self._spawn(self._player())
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

    async def send(self, frame: p.Frame) -> None:
        async with self._send_lock:
            await self.ws.send(p.encode_frame(frame))
        self.record.sent_kinds.append(_frame_kind(frame))

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
        await self.send(p.go_away(time_left_s))
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

    async def send_tool_call(self, calls: list[dict[str, Any]]) -> None:
        await self.send(p.tool_call(calls))

    async def cancel_tool_calls(self, ids: list[str]) -> None:
        await self.send(p.tool_call_cancellation(ids))

    # ---- input -------------------------------------------------------------------

    def _log(self, kind: str, raw: Any) -> None:
        self.record.messages.append(LoggedMessage(kind=kind, at=time.monotonic(), raw=raw))

    def _handle_frame(self, frame: str | bytes) -> None:
        try:
            obj = p.decode_frame(frame)
            msg = p.parse_client_message(obj)
        except p.ProtocolError as exc:
            log.warning("sim session %d: bad frame: %s", self.record.id, exc)
            self._log("invalid", frame)
            return
        self._log(p.message_kind(msg), obj)
        if isinstance(msg, p.RealtimeInput):
            self._on_realtime(msg)
        elif isinstance(msg, p.ClientContent):
            self._on_client_content(msg)
        elif isinstance(msg, p.ToolResponse):
            self.record.tool_responses.extend(msg.function_responses)
            names = tuple(str(p.get_key(r, "name") or "a tool") for r in msg.function_responses)
            self._submit(UserTurn(tool_names=names, source="tool_response"))
        elif isinstance(msg, p.Setup):
            log.warning("sim session %d: second setup ignored", self.record.id)

    def _activity(self, kind: str, source: str) -> None:
        self.record.activity.append(ActivityEvent(kind=kind, source=source, at=time.monotonic()))

    def _on_realtime(self, msg: p.RealtimeInput) -> None:
        manual = self.setup is not None and self.setup.vad.disabled
        for blob in msg.video:
            self.record.video_frames.append(VideoFrame(blob.mime_type, blob.data))
            self._pending_video.append(blob)
        if msg.activity_start:
            self._activity("start", "client")
            if manual:
                self._interrupt()
                self._manual_active = True
                self._manual_audio.clear()
        for blob in msg.audio:
            self.record.audio.extend(blob.data)
            self.record.audio_chunk_sizes.append(len(blob.data))
            self.record.audio_mime_types.append(blob.mime_type)
            pcm = _to_16k(blob)
            if manual:
                if self._manual_active:
                    self._manual_audio.extend(pcm)
            else:
                self._feed_vad(pcm)
        if msg.audio_stream_end:
            self.record.audio_stream_end_count += 1
            if not manual:
                self._vad_events(self._vad.flush())
        if msg.text is not None:
            self.record.texts.append(msg.text)
            if self._manual_active or self._vad.in_speech:
                self._pending_texts.append(msg.text)
            else:
                self._interrupt()
                self._submit(self._take_turn(b"", [msg.text], "realtime_text"))
        if msg.activity_end:
            self._activity("end", "client")
            if manual and self._manual_active:
                self._manual_active = False
                self._submit(self._take_turn(bytes(self._manual_audio), [], "audio"))
                self._manual_audio.clear()

    def _feed_vad(self, pcm: bytes) -> None:
        self._stream.extend(pcm)
        self._vad_events(self._vad.feed(pcm))
        if self._utterance_start is None and len(self._stream) > 4 * _KEEP_SAMPLES_IDLE:
            drop = len(self._stream) // 2 - _KEEP_SAMPLES_IDLE
            del self._stream[: drop * 2]
            self._stream_base += drop

    def _vad_events(self, events: list[Any]) -> None:
        for event in events:
            if event.kind is VadKind.START:
                self._utterance_start = event.sample
                self._activity("start", "vad")
                self._interrupt()
            else:
                start = self._utterance_start if self._utterance_start is not None else 0
                a = max(0, start - self._stream_base) * 2
                b = max(0, event.sample - self._stream_base) * 2
                utterance = bytes(self._stream[a:b])
                del self._stream[:b]
                self._stream_base += b // 2
                self._utterance_start = None
                self._activity("end", "vad")
                self._submit(self._take_turn(utterance, [], "audio"))

    def _on_client_content(self, msg: p.ClientContent) -> None:
        texts: list[str] = []
        for turn in msg.turns:
            if turn.role != "user":
                continue
            texts.extend(turn.texts)
            for blob in turn.blobs:
                if blob.is_image:
                    self.record.video_frames.append(VideoFrame(blob.mime_type, blob.data))
                    self._pending_video.append(blob)
        self.record.texts.extend(texts)
        self._pending_texts.extend(texts)
        if msg.turn_complete:
            self._interrupt()
            self._submit(self._take_turn(b"", [], "client_content"))

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

    def _submit(self, turn: UserTurn) -> None:
        self._turns.put_nowait(turn)

    def _interrupt(self) -> None:
        """The user started a new turn: barge in on a running answer if allowed."""
        if self.setup is not None and not self.setup.vad.interrupt_on_activity:
            return
        if self._answering:
            self._barge_in.set()

    # ---- output ------------------------------------------------------------------

    def _chunk_delay(self, chunk_s: float) -> float:
        mode = self.pacing or self.ctx.pacing()
        if mode == "burst":
            return 0.0
        if mode == "slow":
            return chunk_s / self.ctx.config.slow_pace
        return chunk_s / self.ctx.config.pace

    async def _player(self) -> None:
        while True:
            turn = await self._turns.get()
            await self._answer(turn)
            async with self._finished_cond:
                self._finished += 1
                self._finished_cond.notify_all()

    async def _wait_barge_in(self, until: float) -> bool:
        remaining = until - asyncio.get_running_loop().time()
        if self._barge_in.is_set():
            return True
        if remaining <= 0:
            await asyncio.sleep(0)
            return self._barge_in.is_set()
        try:
            await asyncio.wait_for(self._barge_in.wait(), remaining)
        except TimeoutError:
            return False
        return True

    async def _answer(self, turn: UserTurn) -> None:
        assert self.setup is not None
        setup = self.setup
        reply: Reply = self.ctx.model.respond(turn)
        rec = TurnRecord(
            index=len(self.record.turns),
            source=turn.source,
            input_text=reply.input_text,
            output_text=reply.output_text,
            audio_seconds=reply.seconds,
        )
        self.record.turns.append(rec)
        loop = asyncio.get_running_loop()
        self._barge_in.clear()
        self._answering = True
        try:
            if setup.input_transcription and reply.input_text:
                await self.send(p.input_transcription(reply.input_text))
            chunk_samples = max(1, OUT_RATE * self.ctx.config.chunk_ms // 1000)
            audio = np.asarray(reply.audio, dtype="<i2")
            chunks = [audio[i : i + chunk_samples] for i in range(0, audio.size, chunk_samples)]
            pieces = _split_text(reply.output_text, len(chunks))
            text_only = "AUDIO" not in setup.response_modalities
            started: float | None = None
            next_at = 0.0
            interrupted = False
            for chunk, piece in zip(chunks, pieces, strict=True):
                if self._barge_in.is_set():
                    interrupted = True
                    break
                now = loop.time()
                if started is None:
                    started = next_at = now
                if text_only:
                    if piece:
                        await self.send(p.text_chunk(piece))
                else:
                    await self.send(p.audio_chunk(chunk.tobytes()))
                    if setup.output_transcription and piece:
                        await self.send(p.output_transcription(piece))
                rec.chunks_sent += 1
                next_at += self._chunk_delay(chunk.size / OUT_RATE)
                if await self._wait_barge_in(next_at):
                    interrupted = True
                    break
            if not interrupted:
                await self.send(p.generation_complete())
                # Audio arrives faster than real time; the answer is still "playing"
                # (and interruptible) until its real-time length has passed.
                if started is not None and not text_only:
                    interrupted = await self._wait_barge_in(started + reply.seconds)
            if interrupted:
                rec.interrupted = True
                await self.send(p.interrupted())
            await self.send(p.turn_complete())
            rec.completed = True
        finally:
            self._answering = False
            self._barge_in.clear()
        sent_s = rec.chunks_sent * self.ctx.config.chunk_ms / 1000
        prompt, response = estimate_tokens(turn, reply, min(sent_s, reply.seconds))
        await self.send(p.usage_metadata(prompt, response))
        if setup.resumption:
            await self._issue_handle()

    async def _issue_handle(self) -> None:
        handle = self.ctx.issue_handle(self.record)
        self.record.handles_issued.append(handle)
        await self.send(p.session_resumption_update(handle, resumable=True))
