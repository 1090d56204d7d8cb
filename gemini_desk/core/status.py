"""What the status element shows: one word for the whole desk (pure: no Qt, no I/O).

:func:`status_of` maps the app's state (connection, talk state, mute, sharing, and
whether an answer is awaited) to one :class:`Status`. :class:`ThinkingTracker` decides
"thinking" (the user's turn ended, no answer yet) from events fed with the time; its
driver arms one timer at :attr:`ThinkingTracker.deadline` and calls :meth:`tick`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gemini_desk.core.desk_state import TalkState
from gemini_desk.core.events import SessionState

__all__ = ["THINKING_TIMEOUT_S", "Status", "StatusInputs", "ThinkingTracker", "status_of"]

# No answer this long after the user's turn ended: stop saying "thinking" (the service
# heard a cough and decided not to answer, say).
THINKING_TIMEOUT_S = 15.0


class Status(enum.StrEnum):
    """The status element's states."""

    OFFLINE = "offline"  # not connected (or closing)
    CONNECTING = "connecting"  # connecting or reconnecting
    READY = "ready"  # push-to-talk, key up: the model does not hear you
    LISTENING = "listening"  # the model hears you (hands-free, or the talk key is held)
    THINKING = "thinking"  # your turn ended; the answer has not started
    SPEAKING = "speaking"  # the model's answer is playing
    MUTED = "muted"  # the microphone is closed
    SHARING = "sharing"  # listening, and the screen or camera is shared


@dataclass(frozen=True, slots=True)
class StatusInputs:
    """Everything the status depends on."""

    session: SessionState = SessionState.DISCONNECTED
    talk: TalkState = TalkState.OFFLINE
    muted: bool = False
    sharing: bool = False
    thinking: bool = False


def status_of(inputs: StatusInputs) -> Status:
    """The one status for ``inputs``: the connection first, then mute, the answer, the
    key held, the awaited answer, sharing, and how the user can talk."""
    if inputs.session in (SessionState.DISCONNECTED, SessionState.CLOSING):
        return Status.OFFLINE
    if inputs.session in (SessionState.CONNECTING, SessionState.RECONNECTING):
        return Status.CONNECTING
    if inputs.muted or inputs.talk is TalkState.MUTED:
        return Status.MUTED
    if inputs.talk is TalkState.SPEAKING:
        return Status.SPEAKING
    if inputs.talk is TalkState.LISTENING:
        return Status.LISTENING
    if inputs.thinking:
        return Status.THINKING
    if inputs.sharing:
        return Status.SHARING
    if inputs.talk is TalkState.IDLE:
        return Status.READY
    return Status.LISTENING


class ThinkingTracker:
    """Is an answer awaited? Each input returns the new value of :attr:`thinking`.

    The user's turn ends when the service's voice detection hears speech stop, the talk
    key is released, or a message is typed; thinking ends when the answer starts, the
    turn completes or is interrupted, the user speaks again, the connection ends, or
    :data:`THINKING_TIMEOUT_S` pass (:meth:`tick` at :attr:`deadline`).
    """

    def __init__(self, timeout_s: float = THINKING_TIMEOUT_S) -> None:
        self.timeout_s = timeout_s
        self.thinking = False
        self.deadline: float | None = None

    def turn_ended(self, now: float) -> bool:
        """The user finished speaking (or typing): an answer is awaited from ``now``."""
        self.thinking = True
        self.deadline = now + self.timeout_s
        return self.thinking

    def user_speaking(self) -> bool:
        """The user speaks again: they are heard, not waited on."""
        return self._stop()

    def answer_started(self) -> bool:
        return self._stop()

    def answer_ended(self) -> bool:
        """The turn completed or was interrupted (nothing more to wait for)."""
        return self._stop()

    def reset(self) -> bool:
        """The connection ended."""
        return self._stop()

    def tick(self, now: float) -> bool:
        """The timer fired: past the deadline, stop waiting."""
        if self.deadline is not None and now >= self.deadline:
            self._stop()
        return self.thinking

    def _stop(self) -> bool:
        self.thinking = False
        self.deadline = None
        return self.thinking
