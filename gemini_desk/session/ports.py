"""What a conversation needs from the window and the audio devices (protocols)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from gemini_desk.core.events import LiveEvent, SessionState
from gemini_desk.core.messages import Message
from gemini_desk.core.tools import Declarations
from gemini_desk.core.transcript import Turn

__all__ = [
    "ConversationView",
    "MicFactory",
    "Microphone",
    "Speaker",
    "SpeakerFactory",
    "ToolHandler",
]


class ConversationView(Protocol):
    """What the conversation tells the window (MainWindow implements it); the session
    state and mute follow :attr:`Conversation.status` and :attr:`Conversation.mute`."""

    def set_session_state(self, state: SessionState, detail: Message | None = None) -> None: ...
    def show_turn(self, turn: Turn) -> None: ...
    def clear_transcript(self) -> None: ...
    def set_latency(self, ms: float | None, server_ms: float | None = None) -> None: ...
    def show_error(self, message: Message, action: str | None = None) -> None: ...
    def clear_error(self) -> None: ...
    def set_muted(self, muted: bool) -> None: ...
    def set_voice_activity(self, active: bool) -> None: ...


class Microphone(Protocol):
    muted: bool

    def start(self) -> None: ...
    def stop(self) -> None: ...


class Speaker(Protocol):
    @property
    def last_first_sample_time(self) -> float | None: ...

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def feed(self, pcm: bytes, rate: int = 24_000) -> None: ...
    def clear(self) -> None: ...
    def end_turn(self) -> None: ...


MicFactory = Callable[[Callable[[bytes], None]], Microphone]
SpeakerFactory = Callable[[], Speaker]


class ToolHandler(Protocol):
    """What runs the model's tool calls (session/tools.ToolSession)."""

    def declarations(self) -> Declarations: ...
    def on_event(self, event: LiveEvent) -> None: ...
    def connection_closed(self) -> None: ...
