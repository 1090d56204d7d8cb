"""Typed events that flow from the live session to the rest of the app."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from gemini_desk.core.messages import Message


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
    # The service refused a setting in the connect config (close 1007 naming a field).
    REJECTED_SETTING = "rejected_setting"
    # The connection reached the service's time limit (1011 "Deadline expired"): it is
    # resumed like a goAway, never shown as an error.
    SESSION_LIMIT = "session_limit"


@dataclass(frozen=True, slots=True)
class RetryWait:
    """A wait before the next connection attempt: ``seconds`` from when it was announced;
    ``attempt`` counts the waits of a conversation (each one starts its own countdown)."""

    seconds: float
    attempt: int


@dataclass(frozen=True, slots=True)
class StateChanged:
    """The connection's new state; ``detail`` says more (e.g. "retrying in 4 s"), and
    ``retry`` is the wait before the next attempt, while one is counting down."""

    state: SessionState
    detail: Message | None = None
    retry: RetryWait | None = None


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
class InterimInputTranscript:
    """A low-latency guess at what the user is saying now; the next one (or the
    final :class:`InputTranscript`) replaces it."""

    text: str


@dataclass(frozen=True, slots=True)
class VoiceActivity:
    """The service's voice detection heard the user start (``True``) or stop speaking."""

    active: bool


@dataclass(frozen=True, slots=True)
class WaitingForInput:
    """The model holds back because it expects the user to go on talking."""


@dataclass(frozen=True, slots=True)
class Grounding:
    """Grounding metadata (search queries, sources) for the answer being given."""

    metadata: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TurnComplete:
    """The model's turn is over; ``reason`` is the service's turnCompleteReason, if any
    (e.g. ``"PROHIBITED_INPUT_CONTENT"`` when the answer was blocked); ``cut``: the
    answer was cut off with its connection and will not finish."""

    reason: str = ""
    cut: bool = False


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
    """The model calls a function; ``origin`` is the connection it came on (set by the
    supervisor: the response must go back on that connection)."""

    call_id: str
    name: str
    args: dict[str, object] = field(default_factory=dict)
    origin: int = 0


@dataclass(frozen=True, slots=True)
class ToolCallCancellation:
    """Earlier tool calls are withdrawn: by the service (``reason`` "server", e.g. the
    user barged in), or because the connection they came on ended ("connection")."""

    call_ids: tuple[str, ...] = ()
    origin: int = 0
    reason: str = "server"


@dataclass(frozen=True, slots=True)
class SessionError:
    """A failure turned into words a person can act on.

    ``message`` is for the UI (worded there); ``detail`` is for the log file only.
    """

    kind: ErrorKind
    message: Message
    detail: str = ""
    retryable: bool = False


@dataclass(frozen=True, slots=True)
class TextSent:
    """The typed message numbered ``token`` was written to the connection."""

    token: int


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should know that is not a failure (e.g. a fresh session)."""

    message: Message


LiveEvent = (
    StateChanged
    | SetupComplete
    | ModelAudio
    | ModelText
    | InputTranscript
    | InterimInputTranscript
    | OutputTranscript
    | VoiceActivity
    | WaitingForInput
    | Grounding
    | Interrupted
    | GenerationComplete
    | TurnComplete
    | Usage
    | ResumptionHandle
    | GoAway
    | ToolCall
    | ToolCallCancellation
    | SessionError
    | TextSent
    | Notice
)
