"""Sans-I/O server frames of the Live API, as the service spells them (camelCase JSON)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from .protocol import encode_bytes

OUTPUT_AUDIO_MIME = "audio/pcm;rate=24000"

Frame = dict[str, Any]


def encode_frame(frame: Frame) -> bytes:
    """Serialise a server frame; the service sends these as binary websocket frames."""
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def format_duration(seconds: float) -> str:
    """A protobuf JSON Duration, e.g. ``"5s"`` or ``"0.500s"``."""
    if float(seconds).is_integer():
        return f"{int(seconds)}s"
    return f"{seconds:.3f}s"


def setup_complete() -> Frame:
    return {"setupComplete": {}}


def _audio_part(pcm: bytes, mime_type: str = OUTPUT_AUDIO_MIME) -> dict[str, Any]:
    return {"inlineData": {"mimeType": mime_type, "data": encode_bytes(pcm)}}


def audio_chunk(
    pcm: bytes, transcript: str | None = None, mime_type: str = OUTPUT_AUDIO_MIME
) -> Frame:
    """One piece of spoken answer, with the words it says (if any) in the same message."""
    content: dict[str, Any] = {"modelTurn": {"parts": [_audio_part(pcm, mime_type)]}}
    if transcript:
        content["outputTranscription"] = {"text": transcript}
    return {"serverContent": content}


def text_chunk(text: str) -> Frame:
    return {"serverContent": {"modelTurn": {"parts": [{"text": text}]}}}


def thought(text: str) -> Frame:
    """A thought part: the model's reasoning, never to be spoken or shown as the answer."""
    return {"serverContent": {"modelTurn": {"parts": [{"text": text, "thought": True}]}}}


def with_grounding(frame: Frame, metadata: Mapping[str, Any]) -> Frame:
    """``frame`` (a serverContent message) carrying ``groundingMetadata`` too."""
    content = dict(frame.get("serverContent", {}))
    content["groundingMetadata"] = dict(metadata)
    return {**frame, "serverContent": content}


def grounding(metadata: Mapping[str, Any]) -> Frame:
    return {"serverContent": {"groundingMetadata": dict(metadata)}}


def input_transcription(text: str) -> Frame:
    return {"serverContent": {"inputTranscription": {"text": text}}}


def interim_input_transcription(text: str) -> Frame:
    """Low-latency transcription, updated while the user is still speaking."""
    return {"serverContent": {"interimInputTranscription": {"text": text}}}


def output_transcription(text: str) -> Frame:
    return {"serverContent": {"outputTranscription": {"text": text}}}


def voice_activity(kind: str, audio_offset_s: float) -> Frame:
    """``kind`` is ``ACTIVITY_START`` or ``ACTIVITY_END``; the offset counts from the
    start of the audio stream."""
    if kind not in ("ACTIVITY_START", "ACTIVITY_END"):
        raise ValueError(f"unknown voice activity type {kind!r}")
    return {"voiceActivity": {"type": kind, "audioOffset": format_duration(audio_offset_s)}}


def interrupted() -> Frame:
    return {"serverContent": {"interrupted": True}}


def generation_complete() -> Frame:
    return {"serverContent": {"generationComplete": True}}


def turn_complete(reason: str | None = None, interaction_status: str | None = None) -> Frame:
    """``turnComplete``, with ``turnCompleteReason`` for a blocked turn and the
    ``interactionStatus`` that models reporting it send alongside."""
    content: dict[str, Any] = {"turnComplete": True}
    if reason is not None:
        content["turnCompleteReason"] = reason
    if interaction_status is not None:
        content["interactionStatus"] = interaction_status
    return {"serverContent": content}


def waiting_for_input() -> Frame:
    """The model holds its answer: it expects the user to go on."""
    return {"serverContent": {"waitingForInput": True}}


def usage_metadata(prompt: Mapping[str, int], response: Mapping[str, int]) -> Frame:
    """Token counts per modality, e.g. ``{"AUDIO": 45, "TEXT": 3}``."""

    def details(counts: Mapping[str, int]) -> list[dict[str, Any]]:
        return [{"modality": m, "tokenCount": n} for m, n in counts.items() if n]

    prompt_total = sum(prompt.values())
    response_total = sum(response.values())
    return {
        "usageMetadata": {
            "promptTokenCount": prompt_total,
            "responseTokenCount": response_total,
            "totalTokenCount": prompt_total + response_total,
            "promptTokensDetails": details(prompt),
            "responseTokensDetails": details(response),
        }
    }


def session_resumption_update(handle: str | None, resumable: bool = True) -> Frame:
    body: dict[str, Any] = {"resumable": resumable}
    if handle is not None:
        body["newHandle"] = handle
    return {"sessionResumptionUpdate": body}


def go_away(time_left_s: float) -> Frame:
    return {"goAway": {"timeLeft": format_duration(time_left_s)}}


def tool_call(function_calls: Sequence[Mapping[str, Any]]) -> Frame:
    return {"toolCall": {"functionCalls": [dict(c) for c in function_calls]}}


def tool_call_cancellation(ids: Sequence[str]) -> Frame:
    return {"toolCallCancellation": {"ids": list(ids)}}


def frame_kind(frame: Frame) -> str:
    """E.g. ``serverContent.modelTurn`` or ``voiceActivity``, for records."""
    key = next(iter(frame))
    if key == "serverContent":
        return f"serverContent.{next(iter(frame[key]))}"
    return str(key)
