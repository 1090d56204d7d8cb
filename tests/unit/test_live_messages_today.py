"""Today's Live server messages, parsed by the SDK exactly as google/genai/live.py does,
become the right core events in the right order."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from google.genai import _live_converters, types

from gemini_desk.core.events import (
    GenerationComplete,
    Grounding,
    InputTranscript,
    InterimInputTranscript,
    Interrupted,
    ModelAudio,
    ModelText,
    OutputTranscript,
    ToolCall,
    ToolCallCancellation,
    TurnComplete,
    Usage,
    VoiceActivity,
    WaitingForInput,
)
from gemini_desk.live.messages import events_from_message

PCM = b"\x01\x00\x02\x00\xff\x7f"


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def wire(message: dict[str, Any]) -> types.LiveServerMessage:
    """A camelCase wire message through the SDK's own receive path (AsyncSession._receive,
    Gemini API): the mldev converter, then LiveServerMessage._from_response."""
    converted = _live_converters._LiveServerMessage_from_mldev(message)
    assert converted, "the converter dropped the whole message"
    return types.LiveServerMessage._from_response(response=converted, kwargs={})


def audio_part(rate: int = 24_000) -> dict[str, Any]:
    return {"inlineData": {"mimeType": f"audio/pcm;rate={rate}", "data": b64(PCM)}}


# --- audio with its transcription ----------------------------------------------------


def test_audio_then_its_transcription_from_one_message() -> None:
    msg = wire(
        {
            "serverContent": {
                "modelTurn": {"role": "model", "parts": [audio_part()]},
                "outputTranscription": {"text": "Hello"},
            }
        }
    )
    assert events_from_message(msg) == [ModelAudio(PCM, 24_000), OutputTranscript("Hello")]


def test_everything_in_one_server_content_comes_in_handling_order() -> None:
    msg = wire(
        {
            "serverContent": {
                "turnComplete": True,
                "turnCompleteReason": "NEED_MORE_INPUT",
                "generationComplete": True,
                "waitingForInput": True,
                "groundingMetadata": {"webSearchQueries": ["q"]},
                "outputTranscription": {"text": "out", "finished": True},
                "modelTurn": {"parts": [audio_part(16_000), {"text": "words"}]},
                "inputTranscription": {"text": "in", "finished": True},
                "interimInputTranscription": {"text": "i"},
                "interrupted": True,
            }
        }
    )
    assert events_from_message(msg) == [
        Interrupted(),
        InterimInputTranscript("i"),
        InputTranscript("in", finished=True),
        ModelAudio(PCM, 16_000),
        ModelText("words"),
        OutputTranscript("out", finished=True),
        Grounding({"web_search_queries": ["q"]}),
        WaitingForInput(),
        GenerationComplete(),
        TurnComplete(reason="NEED_MORE_INPUT"),
    ]


# --- interim input transcription -----------------------------------------------------


@pytest.mark.parametrize(
    ("body", "text"),
    [({"text": "what's the wea"}, "what's the wea"), ({}, ""), ({"text": ""}, "")],
)
def test_interim_input_transcription(body: dict[str, Any], text: str) -> None:
    msg = wire({"serverContent": {"interimInputTranscription": body}})
    assert events_from_message(msg) == [InterimInputTranscript(text)]


def test_interim_comes_before_the_final_transcription_of_the_same_message() -> None:
    msg = wire(
        {
            "serverContent": {
                "inputTranscription": {"text": "What's the weather?"},
                "interimInputTranscription": {"text": "in Ber"},
            }
        }
    )
    assert events_from_message(msg) == [
        InterimInputTranscript("in Ber"),
        InputTranscript("What's the weather?"),
    ]


# --- voice activity ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "events"),
    [
        ("ACTIVITY_START", [VoiceActivity(active=True)]),
        ("ACTIVITY_END", [VoiceActivity(active=False)]),
        ("TYPE_UNSPECIFIED", []),
    ],
)
def test_voice_activity(kind: str, events: list[object]) -> None:
    msg = wire({"voiceActivity": {"type": kind}})
    assert msg.voice_activity is not None  # the SDK really parsed it
    assert events_from_message(msg) == events


def test_voice_activity_with_an_offset_and_transcription() -> None:
    msg = wire(
        {
            "serverContent": {"interimInputTranscription": {"text": "hey"}},
            "voiceActivity": {"type": "ACTIVITY_START", "audioOffset": "1.250s"},
        }
    )
    assert events_from_message(msg) == [InterimInputTranscript("hey"), VoiceActivity(True)]


def test_an_unknown_voice_activity_type_is_ignored() -> None:
    with pytest.warns(UserWarning, match="not a valid VoiceActivityType"):
        msg = wire({"voiceActivity": {"type": "ACTIVITY_PAUSED"}})
    assert events_from_message(msg) == []


def test_voice_activity_built_as_python_objects() -> None:
    msg = types.LiveServerMessage(
        voice_activity=types.VoiceActivity(voice_activity_type=types.VoiceActivityType.ACTIVITY_END)
    )
    assert events_from_message(msg) == [VoiceActivity(active=False)]


# --- thoughts ------------------------------------------------------------------------


def test_thought_parts_are_neither_text_nor_audio() -> None:
    msg = wire(
        {
            "serverContent": {
                "modelTurn": {
                    "parts": [
                        {"text": "**Planning the answer**", "thought": True},
                        {"text": "It is sunny.", "thought": False},
                        {"text": "and warm"},
                        audio_part(),
                    ]
                }
            }
        }
    )
    events = events_from_message(msg)
    assert events == [ModelText("It is sunny."), ModelText("and warm"), ModelAudio(PCM, 24_000)]
    assert all("Planning" not in getattr(e, "text", "") for e in events)


def test_a_message_of_thoughts_only_gives_nothing() -> None:
    msg = wire(
        {
            "serverContent": {
                "modelTurn": {
                    "parts": [
                        {"text": "thinking", "thought": True},
                        {"thought": True, "thoughtSignature": b64(b"sig")},
                    ]
                }
            }
        }
    )
    assert events_from_message(msg) == []


# --- turn complete reason ------------------------------------------------------------


@pytest.mark.parametrize("reason", [r.value for r in types.TurnCompleteReason])
def test_turn_complete_reason(reason: str) -> None:
    msg = wire({"serverContent": {"turnComplete": True, "turnCompleteReason": reason}})
    expected = "" if reason == "TURN_COMPLETE_REASON_UNSPECIFIED" else reason
    assert events_from_message(msg) == [TurnComplete(reason=expected)]


def test_turn_complete_without_a_reason() -> None:
    assert events_from_message(wire({"serverContent": {"turnComplete": True}})) == [TurnComplete()]
    assert TurnComplete() == TurnComplete(reason="")


def test_a_reason_without_turn_complete_ends_nothing() -> None:
    msg = wire({"serverContent": {"turnCompleteReason": "PROHIBITED_INPUT_CONTENT"}})
    assert events_from_message(msg) == []


def test_a_reason_newer_than_the_sdk_is_passed_on() -> None:
    with pytest.warns(UserWarning, match="not a valid TurnCompleteReason"):
        msg = wire({"serverContent": {"turnComplete": True, "turnCompleteReason": "NEW_REASON"}})
    assert events_from_message(msg) == [TurnComplete(reason="NEW_REASON")]


def test_turn_complete_reason_built_as_python_objects() -> None:
    msg = types.LiveServerMessage(
        server_content=types.LiveServerContent(
            turn_complete=True,
            turn_complete_reason=types.TurnCompleteReason.GENERATED_AUDIO_SAFETY,
        )
    )
    assert events_from_message(msg) == [TurnComplete(reason="GENERATED_AUDIO_SAFETY")]


# --- tool call cancellation ----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "ids"),
    [({"ids": ["fc-1", "fc-2"]}, ("fc-1", "fc-2")), ({"ids": []}, ()), ({}, ())],
)
def test_tool_call_cancellation(body: dict[str, Any], ids: tuple[str, ...]) -> None:
    msg = wire({"toolCallCancellation": body})
    assert events_from_message(msg) == [ToolCallCancellation(call_ids=ids)]


def test_cancellation_comes_before_new_calls_and_usage() -> None:
    msg = wire(
        {
            "toolCall": {
                "functionCalls": [{"id": "fc-3", "name": "get_time", "args": {"tz": "UTC"}}]
            },
            "toolCallCancellation": {"ids": ["fc-1"]},
            "usageMetadata": {"promptTokenCount": 1, "responseTokenCount": 2, "totalTokenCount": 3},
        }
    )
    assert events_from_message(msg) == [
        ToolCallCancellation(("fc-1",)),
        ToolCall("fc-3", "get_time", {"tz": "UTC"}),
        Usage(1, 2, 3),
    ]


# --- grounding -----------------------------------------------------------------------


def test_grounding_metadata_becomes_a_plain_dict() -> None:
    msg = wire(
        {
            "serverContent": {
                "groundingMetadata": {
                    "webSearchQueries": ["weather berlin"],
                    "groundingChunks": [
                        {"web": {"uri": "https://example.org/w", "title": "Weather"}}
                    ],
                    "searchEntryPoint": {"renderedContent": "<div>chip</div>"},
                }
            }
        }
    )
    (event,) = events_from_message(msg)
    assert event == Grounding(
        metadata={
            "web_search_queries": ["weather berlin"],
            "grounding_chunks": [{"web": {"uri": "https://example.org/w", "title": "Weather"}}],
            "search_entry_point": {"rendered_content": "<div>chip</div>"},
        }
    )
    assert isinstance(event, Grounding) and type(event.metadata) is dict


def test_grounding_comes_after_the_words_it_grounds() -> None:
    msg = wire(
        {
            "serverContent": {
                "groundingMetadata": {"webSearchQueries": ["q"]},
                "outputTranscription": {"text": "Sunny"},
            }
        }
    )
    assert events_from_message(msg) == [
        OutputTranscript("Sunny"),
        Grounding({"web_search_queries": ["q"]}),
    ]


# --- waiting for input ---------------------------------------------------------------


@pytest.mark.parametrize(("flag", "events"), [(True, [WaitingForInput()]), (False, [])])
def test_waiting_for_input(flag: bool, events: list[object]) -> None:
    assert events_from_message(wire({"serverContent": {"waitingForInput": flag}})) == events


def test_waiting_for_input_comes_before_the_end_of_the_turn() -> None:
    msg = wire(
        {
            "serverContent": {
                "turnComplete": True,
                "turnCompleteReason": "NEED_MORE_INPUT",
                "waitingForInput": True,
            }
        }
    )
    assert events_from_message(msg) == [WaitingForInput(), TurnComplete("NEED_MORE_INPUT")]
