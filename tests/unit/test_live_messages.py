"""Server messages and failures become the right core events (real SDK types)."""

import base64
import errno
import socket
import ssl

import pytest
from google.genai import errors, types

from gemini_desk.core.events import (
    ErrorKind,
    GenerationComplete,
    GoAway,
    InputTranscript,
    Interrupted,
    ModelAudio,
    OutputTranscript,
    ResumptionHandle,
    TurnComplete,
    Usage,
)
from gemini_desk.core.messages import Message, MessageId
from gemini_desk.live.errors import classify
from gemini_desk.live.messages import events_from_message, parse_duration


def message(**fields: object) -> types.LiveServerMessage:
    return types.LiveServerMessage.model_validate(fields)


def test_audio_and_transcriptions_in_order() -> None:
    pcm = b"\x01\x00\x02\x00"
    msg = message(
        server_content={
            "model_turn": {
                "parts": [{"inline_data": {"mime_type": "audio/pcm;rate=24000", "data": pcm}}]
            },
            "input_transcription": {"text": "hello"},
            "output_transcription": {"text": "hi"},
            "generation_complete": True,
            "turn_complete": True,
        }
    )
    assert events_from_message(msg) == [
        InputTranscript("hello"),
        ModelAudio(pcm, 24000),
        OutputTranscript("hi"),
        GenerationComplete(),
        TurnComplete(),
    ]


def test_interrupted_comes_first() -> None:
    msg = message(server_content={"interrupted": True, "output_transcription": {"text": "x"}})
    assert events_from_message(msg)[0] == Interrupted()


def test_usage_resumption_and_go_away() -> None:
    msg = message(
        usage_metadata={"prompt_token_count": 3, "response_token_count": 4, "total_token_count": 7},
        session_resumption_update={"new_handle": "h1", "resumable": True},
        go_away={"time_left": "12.5s"},
    )
    assert events_from_message(msg) == [Usage(3, 4, 7), ResumptionHandle("h1", True), GoAway(12.5)]


def test_camel_case_wire_json_parses_through_the_sdk() -> None:
    data = base64.urlsafe_b64encode(b"\x00\x01").decode()
    wire = {
        "serverContent": {
            "modelTurn": {
                "parts": [{"inlineData": {"mimeType": "audio/pcm;rate=16000", "data": data}}]
            }
        }
    }
    from google.genai import _live_converters as conv

    msg = types.LiveServerMessage._from_response(
        response=conv._LiveServerMessage_from_mldev(wire), kwargs={}
    )
    assert events_from_message(msg) == [ModelAudio(b"\x00\x01", 16000)]


@pytest.mark.parametrize(("raw", "seconds"), [("5s", 5.0), ("0.25s", 0.25), ("", 0.0), ("x", 0.0)])
def test_parse_duration(raw: str, seconds: float) -> None:
    assert parse_duration(raw) == seconds


@pytest.mark.parametrize(
    ("code", "reason", "kind", "retryable", "said"),
    [
        (1008, "API key not valid. Please pass a valid API key.", ErrorKind.BAD_KEY, False,
         Message(MessageId.BAD_KEY)),
        (1007, "models/nope is not found for API version v1beta", ErrorKind.UNKNOWN_MODEL,
         False, Message(MessageId.UNKNOWN_MODEL, ("nope",))),
        (1011, "Internal error encountered.", ErrorKind.SERVER, True,
         Message(MessageId.SERVER_ERROR)),
        (1011, "RESOURCE_EXHAUSTED: quota exceeded", ErrorKind.QUOTA, True,
         Message(MessageId.QUOTA)),
        (1011, "Failed to generate content.", ErrorKind.SERVER, True,
         Message(MessageId.SERVER_ERROR)),
        (1013, "You exceeded your current quota", ErrorKind.QUOTA, True,
         Message(MessageId.QUOTA)),
        (1006, "Abnormal closure.", ErrorKind.NETWORK, True, Message(MessageId.CONNECTION_LOST)),
    ],
)  # fmt: skip
def test_close_codes_become_plain_errors(
    code: int, reason: str, kind: ErrorKind, retryable: bool, said: Message
) -> None:
    err = classify(errors.APIError(code, reason), model="nope")
    assert err.kind is kind
    assert err.retryable is retryable
    assert err.message == said
    assert reason in err.detail


@pytest.mark.parametrize(
    ("exc", "said"),
    [
        (ConnectionRefusedError(111, "Connection refused"), MessageId.CONNECTION_REFUSED),
        (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), MessageId.HOST_NOT_FOUND),
        (socket.gaierror(socket.EAI_AGAIN, "Temporary failure"), MessageId.NETWORK_UNREACHABLE),
        (ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number"), MessageId.TLS_FAILED),
        (OSError(errno.ENETUNREACH, "Network is unreachable"), MessageId.NETWORK_UNREACHABLE),
        (OSError(errno.EHOSTUNREACH, "No route to host"), MessageId.NETWORK_UNREACHABLE),
        (TimeoutError(), MessageId.NETWORK_UNREACHABLE),
    ],
)
def test_network_failures_are_network_errors_with_their_cause(
    exc: BaseException, said: MessageId
) -> None:
    err = classify(exc)
    assert err.kind is ErrorKind.NETWORK and err.retryable
    assert err.message == Message(said)


def test_unknown_model_message_names_the_model() -> None:
    err = classify(errors.APIError(1007, "models/foo is not found"), model="foo")
    assert err.message == Message(MessageId.UNKNOWN_MODEL, ("foo",))
