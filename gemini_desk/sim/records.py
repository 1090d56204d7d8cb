"""What each sim connection received and answered, kept for tests to inspect."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class LoggedMessage:
    """One client frame: its kind, arrival time (monotonic) and parsed JSON."""

    kind: str
    at: float
    raw: Any


@dataclass(frozen=True)
class VideoFrame:
    mime_type: str
    data: bytes


@dataclass(frozen=True)
class ActivityEvent:
    """``start``/``end``; ``source`` is ``client`` (activityStart/End) or ``vad``."""

    kind: str
    source: str
    at: float


@dataclass
class TurnRecord:
    """One answer: what triggered it and how it ended."""

    index: int
    source: str
    input_text: str | None
    output_text: str
    audio_seconds: float
    chunks_sent: int = 0
    interrupted: bool = False
    completed: bool = False
    turn_complete_reason: str | None = None  # set when the answer was blocked
    waiting_for_input: bool = False  # held with waitingForInput instead of an answer


@dataclass
class SimSession:
    """Everything one websocket connection carried."""

    id: int
    path: str = ""
    api_key_ok: bool = False
    setup: dict[str, Any] | None = None
    model: str | None = None
    resumed_from: str | None = None
    handles_issued: list[str] = field(default_factory=list)
    audio: bytearray = field(default_factory=bytearray)
    audio_chunk_sizes: list[int] = field(default_factory=list)
    audio_mime_types: list[str] = field(default_factory=list)
    activity: list[ActivityEvent] = field(default_factory=list)
    audio_stream_end_count: int = 0
    texts: list[str] = field(default_factory=list)
    video_frames: list[VideoFrame] = field(default_factory=list)
    tool_responses: list[dict[str, Any]] = field(default_factory=list)
    messages: list[LoggedMessage] = field(default_factory=list)
    sent_kinds: list[str] = field(default_factory=list)
    turns: list[TurnRecord] = field(default_factory=list)
    close_code: int | None = None
    close_reason: str | None = None
    closed: bool = False
    started_at: float = field(default_factory=time.monotonic)

    @property
    def audio_bytes(self) -> bytes:
        """All realtime audio received, concatenated (16 kHz int16 as sent)."""
        return bytes(self.audio)

    @property
    def answered(self) -> list[TurnRecord]:
        return [t for t in self.turns if t.completed and not t.interrupted]

    @property
    def interrupted(self) -> list[TurnRecord]:
        return [t for t in self.turns if t.interrupted]

    def kinds(self) -> list[str]:
        return [m.kind for m in self.messages]
