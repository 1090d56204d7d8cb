"""Turns a LiveServerMessage into typed core events."""

from __future__ import annotations

import re

from google.genai import types

from gemini_desk.core.events import (
    GenerationComplete,
    GoAway,
    Grounding,
    InputTranscript,
    InterimInputTranscript,
    Interrupted,
    LiveEvent,
    ModelAudio,
    ModelText,
    OutputTranscript,
    ResumptionHandle,
    ToolCall,
    ToolCallCancellation,
    TurnComplete,
    Usage,
    VoiceActivity,
    WaitingForInput,
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


def _enum_name(value: object) -> str:
    """An SDK enum (or the raw string a newer service sent) as its wire name."""
    return str(getattr(value, "value", value) or "")


def _content_events(content: types.LiveServerContent) -> list[LiveEvent]:
    """Every part of one serverContent, in the order they are to be handled: one
    message can carry several (audio with its transcription, say)."""
    events: list[LiveEvent] = []
    if content.interrupted:
        # First, so that playback is dropped before anything else is looked at.
        events.append(Interrupted())
    if content.interim_input_transcription is not None:
        events.append(InterimInputTranscript(text=content.interim_input_transcription.text or ""))
    if content.input_transcription is not None:
        t = content.input_transcription
        events.append(InputTranscript(text=t.text or "", finished=bool(t.finished)))
    if content.model_turn is not None:
        for part in content.model_turn.parts or []:
            blob = part.inline_data
            if blob is not None and blob.data and (blob.mime_type or "").startswith("audio/"):
                events.append(ModelAudio(pcm=blob.data, rate=_audio_rate(blob.mime_type)))
            elif part.text and not part.thought:  # thoughts are neither spoken nor shown
                events.append(ModelText(text=part.text))
    if content.output_transcription is not None:
        t = content.output_transcription
        events.append(OutputTranscript(text=t.text or "", finished=bool(t.finished)))
    if content.grounding_metadata is not None:
        metadata = content.grounding_metadata.model_dump(mode="json", exclude_none=True)
        events.append(Grounding(metadata=metadata))
    if content.waiting_for_input:
        events.append(WaitingForInput())
    if content.generation_complete:
        events.append(GenerationComplete())
    if content.turn_complete:
        events.append(TurnComplete(reason=_turn_complete_reason(content)))
    return events


def _turn_complete_reason(content: types.LiveServerContent) -> str:
    reason = _enum_name(content.turn_complete_reason)
    return "" if reason == "TURN_COMPLETE_REASON_UNSPECIFIED" else reason


def _voice_activity(activity: types.VoiceActivity) -> list[LiveEvent]:
    kind = _enum_name(activity.voice_activity_type)
    if kind == "ACTIVITY_START":
        return [VoiceActivity(active=True)]
    if kind == "ACTIVITY_END":
        return [VoiceActivity(active=False)]
    return []


def events_from_message(message: types.LiveServerMessage) -> list[LiveEvent]:
    """Every event a server message carries, in the order they should be handled."""
    events: list[LiveEvent] = []
    if message.server_content is not None:
        events.extend(_content_events(message.server_content))
    if message.voice_activity is not None:
        events.extend(_voice_activity(message.voice_activity))
    if message.tool_call_cancellation is not None:
        ids = tuple(message.tool_call_cancellation.ids or ())
        events.append(ToolCallCancellation(call_ids=ids))
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
