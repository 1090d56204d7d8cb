"""Sans-I/O Live API wire format: parse client frames (server frames: ``frames``)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

INPUT_AUDIO_RATE = 16000
MAX_REASON_BYTES = 123  # a websocket close reason


class ProtocolError(ValueError):
    """A client frame that is not a valid Live API message."""


def camel_case(name: str) -> str:
    """``snake_case`` -> ``snakeCase``."""
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def get_key(obj: Mapping[str, Any] | None, snake: str, default: Any = None) -> Any:
    """Look ``snake`` up in ``obj`` under its snake_case or camelCase spelling."""
    if not isinstance(obj, Mapping):
        return default
    if snake in obj:
        return obj[snake]
    camel = camel_case(snake)
    if camel in obj:
        return obj[camel]
    return default


def truncate_reason(reason: str) -> str:
    """Cut a close reason to the 123 bytes of UTF-8 a close frame allows."""
    data = reason.encode("utf-8")
    if len(data) <= MAX_REASON_BYTES:
        return reason
    return data[:MAX_REASON_BYTES].decode("utf-8", "ignore")


def decode_bytes(data: str | bytes) -> bytes:
    """Decode standard or URL-safe base64, padded or not."""
    if isinstance(data, bytes):
        data = data.decode("ascii")
    text = re.sub(r"\s+", "", data).replace("-", "+").replace("_", "/")
    text += "=" * (-len(text) % 4)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ProtocolError(f"invalid base64 data: {exc}") from exc


def encode_bytes(data: bytes) -> str:
    """Encode bytes the way the service does in JSON (standard base64)."""
    return base64.b64encode(data).decode("ascii")


def parse_rate(mime_type: str, default: int = INPUT_AUDIO_RATE) -> int:
    """The ``rate=`` parameter of an ``audio/pcm`` MIME type."""
    match = re.search(r"rate=(\d+)", mime_type or "")
    return int(match.group(1)) if match else default


@dataclass(frozen=True)
class Blob:
    """Inline bytes with their MIME type."""

    mime_type: str
    data: bytes

    @property
    def is_audio(self) -> bool:
        return self.mime_type.startswith("audio/")

    @property
    def is_image(self) -> bool:
        return self.mime_type.startswith(("image/", "video/"))


@dataclass(frozen=True)
class VadSettings:
    """``realtimeInputConfig`` as far as the sim honours it."""

    disabled: bool = False
    silence_duration_ms: int | None = None
    prefix_padding_ms: int | None = None
    start_sensitivity: str | None = None
    end_sensitivity: str | None = None
    interrupt_on_activity: bool = True


@dataclass(frozen=True)
class Setup:
    """The first client message."""

    model: str
    raw: dict[str, Any]
    response_modalities: tuple[str, ...] = ("AUDIO",)
    input_transcription: bool = False
    output_transcription: bool = False
    resumption: bool = False
    resume_handle: str | None = None
    vad: VadSettings = field(default_factory=VadSettings)
    voice_name: str | None = None  # speechConfig's prebuilt voice, if one is asked for


@dataclass(frozen=True)
class RealtimeInput:
    """A ``realtime_input`` message (audio, video, text, activity signals)."""

    audio: tuple[Blob, ...] = ()
    video: tuple[Blob, ...] = ()
    text: str | None = None
    activity_start: bool = False
    activity_end: bool = False
    audio_stream_end: bool = False


@dataclass(frozen=True)
class Turn:
    """One ``Content`` of a ``client_content`` message."""

    role: str
    texts: tuple[str, ...] = ()
    blobs: tuple[Blob, ...] = ()


@dataclass(frozen=True)
class ClientContent:
    """A ``client_content`` message."""

    turns: tuple[Turn, ...] = ()
    turn_complete: bool = False


@dataclass(frozen=True)
class ToolResponse:
    """A ``tool_response`` message."""

    function_responses: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Unknown:
    """A JSON object without any known message key."""

    keys: tuple[str, ...]


ClientMessage = Setup | RealtimeInput | ClientContent | ToolResponse | Unknown


def message_kind(message: ClientMessage) -> str:
    """A short name for logging and records."""
    return {
        Setup: "setup",
        RealtimeInput: "realtime_input",
        ClientContent: "client_content",
        ToolResponse: "tool_response",
        Unknown: "unknown",
    }[type(message)]


def _blob(obj: Any) -> Blob:
    if not isinstance(obj, Mapping):
        raise ProtocolError("blob must be an object")
    data = get_key(obj, "data")
    mime = get_key(obj, "mime_type") or ""
    if data is None:
        raise ProtocolError("blob without data")
    return Blob(mime_type=str(mime), data=decode_bytes(data))


def _truthy_marker(value: Any) -> bool:
    """``activityStart: {}`` is present-and-set; ``audioStreamEnd: true`` too."""
    return value is not None and value is not False


def _parse_vad(raw: Mapping[str, Any]) -> VadSettings:
    cfg = get_key(raw, "realtime_input_config") or {}
    aad = get_key(cfg, "automatic_activity_detection") or {}
    handling = str(get_key(cfg, "activity_handling") or "")

    def _int(name: str) -> int | None:
        value = get_key(aad, name)
        return None if value is None else int(value)

    return VadSettings(
        disabled=bool(get_key(aad, "disabled", False)),
        silence_duration_ms=_int("silence_duration_ms"),
        prefix_padding_ms=_int("prefix_padding_ms"),
        start_sensitivity=get_key(aad, "start_of_speech_sensitivity"),
        end_sensitivity=get_key(aad, "end_of_speech_sensitivity"),
        interrupt_on_activity=handling != "NO_INTERRUPTION",
    )


def _voice_name(gen: Mapping[str, Any]) -> str | None:
    voice = get_key(get_key(get_key(gen, "speech_config"), "voice_config"), "prebuilt_voice_config")
    name = get_key(voice, "voice_name")
    return str(name) if name else None


def parse_setup(raw: Mapping[str, Any]) -> Setup:
    """Parse the body of a ``setup`` message."""
    model = get_key(raw, "model")
    if not isinstance(model, str) or not model:
        raise ProtocolError("setup.model is required")
    gen = get_key(raw, "generation_config") or {}
    modalities = tuple(str(m).upper() for m in (get_key(gen, "response_modalities") or ["AUDIO"]))
    resumption = get_key(raw, "session_resumption")
    handle = get_key(resumption, "handle") if isinstance(resumption, Mapping) else None
    return Setup(
        model=model,
        raw=dict(raw),
        response_modalities=modalities,
        input_transcription=get_key(raw, "input_audio_transcription") is not None,
        output_transcription=get_key(raw, "output_audio_transcription") is not None,
        resumption=resumption is not None,
        resume_handle=str(handle) if handle else None,
        vad=_parse_vad(raw),
        voice_name=_voice_name(gen),
    )


def _parse_realtime(raw: Mapping[str, Any]) -> RealtimeInput:
    audio: list[Blob] = []
    video: list[Blob] = []
    if (a := get_key(raw, "audio")) is not None:
        audio.append(_blob(a))
    if (v := get_key(raw, "video")) is not None:
        video.append(_blob(v))
    for chunk in get_key(raw, "media_chunks") or []:
        blob = _blob(chunk)
        (audio if blob.is_audio else video).append(blob)
    text = get_key(raw, "text")
    return RealtimeInput(
        audio=tuple(audio),
        video=tuple(video),
        text=str(text) if text is not None else None,
        activity_start=_truthy_marker(get_key(raw, "activity_start")),
        activity_end=_truthy_marker(get_key(raw, "activity_end")),
        audio_stream_end=bool(get_key(raw, "audio_stream_end", False)),
    )


def _parse_turn(raw: Any) -> Turn:
    if not isinstance(raw, Mapping):
        raise ProtocolError("turn must be an object")
    texts: list[str] = []
    blobs: list[Blob] = []
    for part in get_key(raw, "parts") or []:
        if (text := get_key(part, "text")) is not None:
            texts.append(str(text))
        if (inline := get_key(part, "inline_data")) is not None:
            blobs.append(_blob(inline))
    return Turn(role=str(get_key(raw, "role") or "user"), texts=tuple(texts), blobs=tuple(blobs))


def _parse_client_content(raw: Mapping[str, Any]) -> ClientContent:
    turns = get_key(raw, "turns") or []
    if isinstance(turns, Mapping):
        turns = [turns]
    return ClientContent(
        turns=tuple(_parse_turn(t) for t in turns),
        turn_complete=bool(get_key(raw, "turn_complete", False)),
    )


def _parse_tool_response(raw: Mapping[str, Any]) -> ToolResponse:
    responses = get_key(raw, "function_responses") or []
    if isinstance(responses, Mapping):
        responses = [responses]
    return ToolResponse(function_responses=tuple(dict(r) for r in responses))


def decode_frame(frame: str | bytes) -> dict[str, Any]:
    """The JSON object of one websocket frame (text or binary)."""
    try:
        obj = json.loads(frame)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ProtocolError(f"Invalid JSON payload received. {exc}") from exc
    if not isinstance(obj, dict):
        raise ProtocolError("Invalid JSON payload received. Expected an object.")
    return obj


def parse_client_message(frame: str | bytes | Mapping[str, Any]) -> ClientMessage:
    """Parse one client frame (text/binary JSON, or an already decoded object)."""
    obj = frame if isinstance(frame, Mapping) else decode_frame(frame)
    if (body := get_key(obj, "setup")) is not None:
        return parse_setup(body)
    if (body := get_key(obj, "realtime_input")) is not None:
        return _parse_realtime(body)
    if (body := get_key(obj, "client_content")) is not None:
        return _parse_client_content(body)
    if (body := get_key(obj, "tool_response")) is not None:
        return _parse_tool_response(body)
    return Unknown(keys=tuple(obj))
