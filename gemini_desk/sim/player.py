"""Stream one answer as Live API frames: paced, interruptible, ending in turnComplete."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import numpy as np

from . import frames as f
from .catalogue import ModelSpec
from .model import OUT_RATE, Reply
from .protocol import Setup
from .records import TurnRecord

Send = Callable[[f.Frame], Awaitable[None]]


def split_text(text: str, pieces: int) -> list[str]:
    """Split into ``pieces`` strings (some may be empty) that join back to ``text``."""
    words = re.findall(r"\s*\S+", text) or [text]
    pieces = max(1, pieces)
    out = [""] * pieces
    for i, word in enumerate(words):
        out[min(pieces - 1, i * pieces // len(words))] += word
    return out


@dataclass
class Pacing:
    """How fast audio goes out: ``mode()`` is normal, burst or slow; paces: times real time."""

    mode: Callable[[], str]
    pace: float
    slow_pace: float

    def delay(self, chunk_s: float) -> float:
        mode = self.mode()
        if mode == "burst":
            return 0.0
        if mode == "slow":
            return chunk_s / self.slow_pace
        return chunk_s / self.pace


class AnswerPlayer:
    """Plays replies for one connection; ``barge_in`` cuts the running one short."""

    def __init__(
        self, send: Send, setup: Setup, spec: ModelSpec, pacing: Pacing, chunk_ms: int
    ) -> None:
        self.send = send
        self.setup = setup
        self.spec = spec
        self.pacing = pacing
        self.chunk_ms = chunk_ms
        self.barge_in = asyncio.Event()
        self.answering = False

    def _turn_complete(self, reason: str | None = None) -> f.Frame:
        status = "IDLE" if self.spec.interaction_status else None
        return f.turn_complete(reason, status)

    async def _wait_barge_in(self, until: float) -> bool:
        remaining = until - asyncio.get_running_loop().time()
        if self.barge_in.is_set():
            return True
        if remaining <= 0:
            await asyncio.sleep(0)
            return self.barge_in.is_set()
        try:
            await asyncio.wait_for(self.barge_in.wait(), remaining)
        except TimeoutError:
            return False
        return True

    async def cut(self, rec: TurnRecord) -> None:
        """End a turn that was interrupted before its answer began."""
        rec.interrupted = True
        await self.send(f.interrupted())
        await self.send(self._turn_complete())
        rec.completed = True

    async def play(self, reply: Reply, rec: TurnRecord) -> None:
        """Send ``reply`` (recording progress in ``rec``) up to its turnComplete."""
        self.barge_in.clear()
        self.answering = True
        try:
            await self._play(reply, rec)
        finally:
            self.answering = False
            self.barge_in.clear()

    async def _play(self, reply: Reply, rec: TurnRecord) -> None:
        setup = self.setup
        loop = asyncio.get_running_loop()
        if setup.input_transcription and reply.input_text:
            await self.send(f.input_transcription(reply.input_text))
        for text in reply.thoughts:
            await self.send(f.thought(text))
        chunk_samples = max(1, OUT_RATE * self.chunk_ms // 1000)
        audio = np.asarray(reply.audio, dtype="<i2")
        chunks = [audio[i : i + chunk_samples] for i in range(0, audio.size, chunk_samples)]
        pieces = split_text(reply.output_text, len(chunks)) if chunks else []
        text_only = "AUDIO" not in setup.response_modalities
        grounding = reply.grounding
        started: float | None = None
        next_at = 0.0
        interrupted = False
        for chunk, piece in zip(chunks, pieces, strict=True):
            if self.barge_in.is_set():
                interrupted = True
                break
            now = loop.time()
            if started is None:
                started = next_at = now
            if text_only:
                frame = f.text_chunk(piece) if piece else None
            else:
                said = piece if setup.output_transcription else None
                frame = f.audio_chunk(chunk.tobytes(), said)
            if frame is not None:
                if grounding is not None:
                    frame, grounding = f.with_grounding(frame, grounding), None
                await self.send(frame)
            rec.chunks_sent += 1
            next_at += self.pacing.delay(chunk.size / OUT_RATE)
            if await self._wait_barge_in(next_at):
                interrupted = True
                break
        if grounding is not None and not interrupted:
            await self.send(f.grounding(grounding))
        blocked = reply.turn_complete_reason is not None and not interrupted
        if not interrupted and not blocked:
            await self.send(f.generation_complete())
            # Audio arrives faster than real time; the answer is still "playing"
            # (and interruptible) until its real-time length has passed.
            if started is not None and not text_only:
                interrupted = await self._wait_barge_in(started + reply.seconds)
        if interrupted:
            rec.interrupted = True
            await self.send(f.interrupted())
        if blocked:
            rec.turn_complete_reason = reply.turn_complete_reason
        await self.send(self._turn_complete(reply.turn_complete_reason if blocked else None))
        rec.completed = True
