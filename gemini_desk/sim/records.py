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
class SimToolCall:
    """One function call the sim issued, and what became of it.

    ``behavior`` is BLOCKING or NON_BLOCKING (the declaration's, else the model's
    default); ``origin`` is ``turn`` (asked for in a user turn), ``queued`` (a test's
    :meth:`SimServer.queue_tool_call`) or ``test`` (:meth:`SimServer.send_tool_call`);
    ``state`` is ``outstanding``, ``answered`` or ``cancelled``. ``scheduling`` is the
    answering response's (non-blocking calls only: SILENT, WHEN_IDLE or INTERRUPT).
    """

    id: str
    name: str
    args: dict[str, Any]
    behavior: str
    issued_at: float
    origin: str = "turn"
    state: str = "outstanding"
    answered_at: float | None = None
    cancelled_at: float | None = None
    scheduling: str | None = None
    responses: list[dict[str, Any]] = field(default_factory=list)

    @property
    def outstanding(self) -> bool:
        return self.state == "outstanding"


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
    tool_call_ids: list[str] = field(default_factory=list)  # calls this turn issued
    grounded: bool = False  # carried groundingMetadata


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
    tool_responses: list[dict[str, Any]] = field(default_factory=list)  # every one received
    late_tool_responses: list[dict[str, Any]] = field(default_factory=list)  # cancelled/unknown
    tool_calls: list[SimToolCall] = field(default_factory=list)
    declarations: list[dict[str, Any]] = field(default_factory=list)  # as sent in setup
    google_search: bool = False  # setup declared the googleSearch tool
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

    def tool_call(self, call_id: str) -> SimToolCall | None:
        return next((c for c in self.tool_calls if c.id == call_id), None)

    def kinds(self) -> list[str]:
        return [m.kind for m in self.messages]
