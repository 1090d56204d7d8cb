"""What the window, the tray and the talk bar show, as observable state (pure: no Qt)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from gemini_desk.core.events import RetryWait, SessionState
from gemini_desk.core.messages import Message
from gemini_desk.core.observable import Observable

__all__ = ["DeskState", "SessionStatus", "ShareKind", "Shared", "TalkState"]

_LIVE = (SessionState.CONNECTED, SessionState.RECONNECTING)
_BUSY = (SessionState.CONNECTING, SessionState.CLOSING)


class TalkState(enum.StrEnum):
    """How talking works right now (what the talk button and the tray icon show)."""

    OFFLINE = "offline"  # not connected
    HANDS_FREE = "hands_free"  # server voice detection: nothing to press
    IDLE = "idle"  # push-to-talk, ready
    LISTENING = "listening"  # key or button down: the model hears you
    SPEAKING = "speaking"  # the model is answering (press to interrupt)
    MUTED = "muted"  # the microphone is muted: pressing does nothing


@dataclass(frozen=True, slots=True)
class SessionStatus:
    """Where the connection stands, and what goes with it (e.g. "retrying in 4 s")."""

    state: SessionState = SessionState.DISCONNECTED
    detail: Message | None = None
    retry: RetryWait | None = None  # the wait before the next attempt, while counting down

    @property
    def live(self) -> bool:
        """Connected, or reconnecting (speech and typing wait and are sent afterwards)."""
        return self.state in _LIVE

    @property
    def busy(self) -> bool:
        """Connecting or closing: Connect/Disconnect is unavailable."""
        return self.state in _BUSY


class ShareKind(enum.StrEnum):
    """What kind of thing is shared."""

    REGION = "region"  # a rectangle of the screen (its size in physical pixels)
    SCREEN = "screen"  # the whole screen
    WINDOW = "window"  # one window (its title)
    CAMERA = "camera"  # a camera (its name)


@dataclass(frozen=True, slots=True)
class Shared:
    """What screen sharing sends now; the UI puts it into words (e.g. "a 1200 x 600 region")."""

    kind: ShareKind
    width: int = 0
    height: int = 0
    name: str = ""


def _session() -> Observable[SessionStatus]:
    return Observable(SessionStatus())


def _muted() -> Observable[bool]:
    return Observable(False)


def _talk() -> Observable[TalkState]:
    return Observable(TalkState.OFFLINE)


def _sharing() -> Observable[Shared | None]:
    return Observable(None)


def _thinking() -> Observable[bool]:
    return Observable(False)


@dataclass(frozen=True)
class DeskState:
    """The app's observable state; each part has one writer.

    ``session`` and ``muted``: the conversation. ``talk``: its talk controller.
    ``sharing``: what screen sharing sends now (a :class:`Shared`), None when nothing
    is shared. ``thinking``: an answer is awaited (the conversation's watch). The window,
    the tray, the talk bar and the status element observe them.
    """

    session: Observable[SessionStatus] = field(default_factory=_session)
    muted: Observable[bool] = field(default_factory=_muted)
    talk: Observable[TalkState] = field(default_factory=_talk)
    sharing: Observable[Shared | None] = field(default_factory=_sharing)
    thinking: Observable[bool] = field(default_factory=_thinking)
