"""Typed events that flow from the live session to the rest of the app."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class SessionState(enum.Enum):
    """Where the connection to the Live service stands."""

    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    CLOSING = "closing"
    # The connection is being replaced or re-established; what the user says is kept.
    RECONNECTING = "reconnecting"


class ErrorKind(enum.Enum):
    """Failure classes the user can act on; each has a plain-language message."""

    BAD_KEY = "bad_key"
    UNKNOWN_MODEL = "unknown_model"
    QUOTA = "quota"
    SERVER = "server"
    NETWORK = "network"
    PROTOCOL = "protocol"


@dataclass(frozen=True, slots=True)
class StateChanged:
    state: SessionState
    detail: str = ""


@dataclass(frozen=True, slots=True)
class SetupComplete:
    model: str
    session_id: str | None = None


@dataclass(frozen=True, slots=True)
class ModelAudio:
    """A chunk of model speech: 16-bit little-endian mono PCM."""

    pcm: bytes
    rate: int = 24_000


@dataclass(frozen=True, slots=True)
class ModelText:
    """Text parts of the model turn (text modality, not transcription)."""

    text: str


@dataclass(frozen=True, slots=True)
class InputTranscript:
    """A fragment of what the service heard the user say."""

    text: str
    finished: bool = False


@dataclass(frozen=True, slots=True)
class OutputTranscript:
    """A fragment of the transcription of the model's speech."""

    text: str
    finished: bool = False


@dataclass(frozen=True, slots=True)
class Interrupted:
    """The user talked over the model: drop queued playback now."""


@dataclass(frozen=True, slots=True)
class GenerationComplete:
    """The model finished generating this turn (playback may still be running)."""


@dataclass(frozen=True, slots=True)
class TurnComplete:
    """The model's turn is over."""


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int = 0
    response_tokens: int = 0
    total_tokens: int = 0


@dataclass(frozen=True, slots=True)
class ResumptionHandle:
    handle: str
    resumable: bool = True


@dataclass(frozen=True, slots=True)
class GoAway:
    """The service will close the connection after ``time_left`` seconds."""

    time_left: float


@dataclass(frozen=True, slots=True)
class ToolCall:
    call_id: str
    name: str
    args: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SessionError:
    """A failure turned into words a person can act on.

    ``message`` is for the UI; ``detail`` is for the log file only.
    """

    kind: ErrorKind
    message: str
    detail: str = ""
    retryable: bool = False


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should know that is not a failure (e.g. a fresh session)."""

    message: str


LiveEvent = (
    StateChanged
    | SetupComplete
    | ModelAudio
    | ModelText
    | InputTranscript
    | OutputTranscript
    | Interrupted
    | GenerationComplete
    | TurnComplete
    | Usage
    | ResumptionHandle
    | GoAway
    | ToolCall
    | SessionError
    | Notice
)
