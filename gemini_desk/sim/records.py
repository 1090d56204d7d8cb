"""What each sim connection received and answered, kept for tests to inspect.

A record is bounded unless full recording was asked for (:class:`RecordLimits`): counts
of everything, but only the last seconds of audio, the last frame, a short ring of each
list and the JSON of small messages only; and when its connection ends, only a summary.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RecordLimits:
    """What a bounded record keeps: the last ``audio_bytes`` of audio, the last
    ``entries`` of each list (one video frame with its bytes), and a message's JSON only
    when its frame was at most ``raw_bytes`` long."""

    audio_bytes: int = 5 * 32000
    entries: int = 64
    raw_bytes: int = 8 * 1024


@dataclass(frozen=True)
class LoggedMessage:
    """One client frame: its kind, arrival time (monotonic), parsed JSON (None when a
    bounded record left out a bulky one) and length in bytes."""

    kind: str
    at: float
    raw: Any
    size: int = 0


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


def _trim(items: list[Any], keep: int) -> None:
    if len(items) > keep:
        del items[: len(items) - keep]


@dataclass
class SimSession:
    """Everything one websocket connection carried; ``limits`` None records it all.

    The counters (``*_count``, ``*_received``, ``message_kinds``) always cover the
    whole connection; lists and ``audio`` are bounded by ``limits``. Write through the
    ``note_*`` methods, and call :meth:`end` when the connection ends.
    """

    id: int
    path: str = ""
    limits: RecordLimits | None = field(default=None, repr=False)
    api_key_ok: bool = False
    setup: dict[str, Any] | None = field(default=None, repr=False)
    model: str | None = None
    resumed_from: str | None = None
    handles_issued: list[str] = field(default_factory=list)
    audio: bytearray = field(default_factory=bytearray, repr=False)
    audio_bytes_received: int = 0
    audio_chunks_received: int = 0
    audio_chunk_sizes: list[int] = field(default_factory=list, repr=False)
    audio_mime_types: list[str] = field(default_factory=list, repr=False)
    activity: list[ActivityEvent] = field(default_factory=list, repr=False)
    audio_stream_end_count: int = 0
    texts: list[str] = field(default_factory=list, repr=False)
    video_frames: list[VideoFrame] = field(default_factory=list, repr=False)
    video_sizes: list[tuple[str, int]] = field(default_factory=list, repr=False)
    video_frame_count: int = 0
    video_bytes_received: int = 0
    tool_responses: list[dict[str, Any]] = field(default_factory=list, repr=False)
    late_tool_responses: list[dict[str, Any]] = field(default_factory=list, repr=False)
    tool_calls: list[SimToolCall] = field(default_factory=list, repr=False)
    declarations: list[dict[str, Any]] = field(default_factory=list, repr=False)
    google_search: bool = False  # setup declared the googleSearch tool
    messages: list[LoggedMessage] = field(default_factory=list, repr=False)
    message_count: int = 0
    message_kinds: Counter[str] = field(default_factory=Counter)
    sent_kinds: list[str] = field(default_factory=list, repr=False)
    sent_count: int = 0
    turns: list[TurnRecord] = field(default_factory=list, repr=False)
    close_code: int | None = None
    close_reason: str | None = None
    closed: bool = False
    started_at: float = field(default_factory=time.monotonic)

    # ---- recording ---------------------------------------------------------------

    def _ring(self, items: list[Any]) -> None:
        if self.limits is not None:
            _trim(items, self.limits.entries)

    def note_message(self, kind: str, raw: Any, size: int) -> None:
        """A client frame of ``size`` bytes, parsed to ``raw``."""
        self.message_count += 1
        self.message_kinds[kind] += 1
        if self.limits is not None and size > self.limits.raw_bytes:
            raw = None
        self.messages.append(LoggedMessage(kind=kind, at=time.monotonic(), raw=raw, size=size))
        self._ring(self.messages)

    def note_audio(self, data: bytes, mime_type: str) -> None:
        self.audio_bytes_received += len(data)
        self.audio_chunks_received += 1
        self.audio.extend(data)
        if self.limits is not None and len(self.audio) > self.limits.audio_bytes:
            del self.audio[: len(self.audio) - self.limits.audio_bytes]
        self.audio_chunk_sizes.append(len(data))
        self.audio_mime_types.append(mime_type)
        self._ring(self.audio_chunk_sizes)
        self._ring(self.audio_mime_types)

    def note_frame(self, mime_type: str, data: bytes) -> None:
        """A video frame (realtime or an image in clientContent)."""
        self.video_frame_count += 1
        self.video_bytes_received += len(data)
        self.video_sizes.append((mime_type, len(data)))
        self._ring(self.video_sizes)
        if self.limits is not None:
            self.video_frames.clear()
        self.video_frames.append(VideoFrame(mime_type, data))

    def note_texts(self, texts: Iterable[str]) -> None:
        self.texts.extend(texts)
        self._ring(self.texts)

    def note_activity(self, kind: str, source: str) -> None:
        self.activity.append(ActivityEvent(kind=kind, source=source, at=time.monotonic()))
        self._ring(self.activity)

    def note_sent(self, kind: str) -> None:
        """A frame the sim sent."""
        self.sent_count += 1
        self.sent_kinds.append(kind)
        self._ring(self.sent_kinds)

    def note_tool_responses(self, responses: Iterable[dict[str, Any]]) -> None:
        self.tool_responses.extend(responses)
        self._ring(self.tool_responses)

    def note_late_response(self, response: dict[str, Any]) -> None:
        self.late_tool_responses.append(response)
        self._ring(self.late_tool_responses)

    def end(self) -> None:
        """The connection ended: a bounded record drops all but its summary."""
        self.closed = True
        if self.limits is None:
            return
        self.audio = bytearray()
        self.setup = None
        for items in (
            self.audio_chunk_sizes,
            self.audio_mime_types,
            self.activity,
            self.texts,
            self.video_frames,
            self.video_sizes,
            self.tool_responses,
            self.late_tool_responses,
            self.declarations,
            self.messages,
            self.sent_kinds,
        ):
            items.clear()
        for call in self.tool_calls:
            call.args, call.responses = {}, []
        self._ring(self.tool_calls)
        self._ring(self.turns)
        self._ring(self.handles_issued)

    # ---- reading -----------------------------------------------------------------

    @property
    def audio_bytes(self) -> bytes:
        """The realtime audio kept, concatenated (16 kHz int16 as sent): all of it with
        full recording, else the last ``limits.audio_bytes``."""
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
        """The kinds of the client messages kept (all of them with full recording)."""
        return [m.kind for m in self.messages]
