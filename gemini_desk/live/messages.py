"""Turns a LiveServerMessage into typed core events."""

from __future__ import annotations

import re

from google.genai import types

from gemini_desk.core.events import (
    GenerationComplete,
    GoAway,
    InputTranscript,
    Interrupted,
    LiveEvent,
    ModelAudio,
    ModelText,
    OutputTranscript,
    ResumptionHandle,
    ToolCall,
    TurnComplete,
    Usage,
)

_RATE = re.compile(r"rate=(\d+)")


def parse_duration(value: str | None) -> float:
    """'12.5s' -> 12.5 (the service's Duration encoding); garbage -> 0."""
    if not value:
        return 0.0
    try:
        return float(value.strip().removesuffix("s"))
    except ValueError:
        return 0.0


def _audio_rate(mime: str | None) -> int:
    match = _RATE.search(mime or "")
    return int(match.group(1)) if match else 24_000


def _content_events(content: types.LiveServerContent) -> list[LiveEvent]:
    events: list[LiveEvent] = []
    if content.interrupted:
        # First, so that playback is dropped before anything else is looked at.
        events.append(Interrupted())
    if content.input_transcription is not None:
        t = content.input_transcription
        events.append(InputTranscript(text=t.text or "", finished=bool(t.finished)))
    if content.model_turn is not None:
        for part in content.model_turn.parts or []:
            blob = part.inline_data
            if blob is not None and blob.data and (blob.mime_type or "").startswith("audio/"):
                events.append(ModelAudio(pcm=blob.data, rate=_audio_rate(blob.mime_type)))
            elif part.text and not part.thought:
                events.append(ModelText(text=part.text))
    if content.output_transcription is not None:
        t = content.output_transcription
        events.append(OutputTranscript(text=t.text or "", finished=bool(t.finished)))
    if content.generation_complete:
        events.append(GenerationComplete())
    if content.turn_complete:
        events.append(TurnComplete())
    return events


def events_from_message(message: types.LiveServerMessage) -> list[LiveEvent]:
    """Every event a server message carries, in the order they should be handled."""
    events: list[LiveEvent] = []
    if message.server_content is not None:
        events.extend(_content_events(message.server_content))
    if message.tool_call is not None:
        for call in message.tool_call.function_calls or []:
            events.append(
                ToolCall(call_id=call.id or "", name=call.name or "", args=call.args or {})
            )
    if message.usage_metadata is not None:
        u = message.usage_metadata
        events.append(
            Usage(
                prompt_tokens=u.prompt_token_count or 0,
                response_tokens=u.response_token_count or 0,
                total_tokens=u.total_token_count or 0,
            )
        )
    update = message.session_resumption_update
    if update is not None and update.new_handle:
        events.append(ResumptionHandle(handle=update.new_handle, resumable=bool(update.resumable)))
    if message.go_away is not None:
        events.append(GoAway(time_left=parse_duration(message.go_away.time_left)))
    return events
