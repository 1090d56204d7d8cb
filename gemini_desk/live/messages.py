"""Turns a LiveServerMessage into typed core events."""

from __future__ import annotations

import logging
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
from gemini_desk.core.resampler import MAX_STREAM_RATE, MIN_STREAM_RATE, playable_rate

__all__ = ["AudioRateCheck", "events_from_message", "parse_duration"]

log = logging.getLogger("gemini_desk.live")

_RATE = re.compile(r"rate=(\d+)")
_MAX_DIGITS = 9  # longer is out of range anyway (and int() refuses > 4300 digits)


def parse_duration(value: str | None) -> float:
    """'12.5s' -> 12.5 (the service's Duration encoding); garbage -> 0."""
    if not value:
        return 0.0
    try:
        return float(value.strip().removesuffix("s"))
    except ValueError:
        return 0.0


class AudioRateCheck:
    """Accepts model audio only at a rate a speaker can play (8-96 kHz, stated in the
    MIME type); each rejected rate is logged once, the first ``MAX_LOGGED`` distinct
    ones and then one line for all others. One per connection (each says it again)."""

    MAX_LOGGED = 8

    def __init__(self) -> None:
        self._logged: set[str] = set()
        self._silenced = False

    def rate_of(self, mime: str | None) -> int | None:
        """The rate of ``mime`` ("audio/pcm;rate=24000"), None when absent or unplayable."""
        match = _RATE.search(mime or "")
        digits = match.group(1) if match else ""
        rate = int(digits) if digits and len(digits) <= _MAX_DIGITS else -1
        if playable_rate(rate):
            return rate
        self._reject(digits[: _MAX_DIGITS + 3] or "none")
        return None

    def _reject(self, shown: str) -> None:
        if shown in self._logged or self._silenced:
            return
        if len(self._logged) >= self.MAX_LOGGED:
            self._silenced = True
            log.warning("model audio at yet more unusable sample rates: dropped, not logged")
            return
        self._logged.add(shown)
        log.warning(
            "model audio at sample rate %s dropped (playable: %d-%d Hz); not logged again",
            shown,
            MIN_STREAM_RATE,
            MAX_STREAM_RATE,
        )


_DEFAULT_RATES = AudioRateCheck()  # for callers that do not keep one per connection


def _enum_name(value: object) -> str:
    """An SDK enum (or the raw string a newer service sent) as its wire name."""
    return str(getattr(value, "value", value) or "")


def _content_events(content: types.LiveServerContent, rates: AudioRateCheck) -> list[LiveEvent]:
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
                rate = rates.rate_of(blob.mime_type)
                if rate is not None:
                    events.append(ModelAudio(pcm=blob.data, rate=rate))
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


def events_from_message(
    message: types.LiveServerMessage, rates: AudioRateCheck | None = None
) -> list[LiveEvent]:
    """Every event a server message carries, in the order they should be handled.

    ``rates`` checks audio sample rates (keep one per connection, so that each logs a bad
    rate once); without it a process-wide one is used."""
    events: list[LiveEvent] = []
    if message.server_content is not None:
        events.extend(_content_events(message.server_content, rates or _DEFAULT_RATES))
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
