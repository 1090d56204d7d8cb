"""The connect config follows each model's capabilities; close codes and API errors of
today's service become the right SessionErrors."""

from __future__ import annotations

import itertools
import json
import ssl
from pathlib import Path
from typing import Any

import certifi
import pytest
from google import genai
from google.genai import _common, _live_converters, errors, types
from websockets.exceptions import ConnectionClosed, ConnectionClosedError
from websockets.frames import Close

from gemini_desk.core.events import ErrorKind
from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.models import FALLBACK_MODELS, LANGUAGES, THINKING_LEVELS, capabilities
from gemini_desk.core.settings import Settings
from gemini_desk.live.config import (
    KEEPALIVE_INTERVAL_S,
    KEEPALIVE_TIMEOUT_S,
    Endpoint,
    build_connect_config,
    make_client,
)
from gemini_desk.live.errors import classify

MODEL_IDS = [m.id for m in FALLBACK_MODELS]
LEVELS = ["", *THINKING_LEVELS]
LANGUAGE_CODES = ["", *LANGUAGES]


def takes_thinking(model: str, level: str) -> bool:
    return bool(level) and level in capabilities(model).thinking_levels


# --- build_connect_config ------------------------------------------------------------


@pytest.mark.parametrize(
    ("model", "level", "language"), list(itertools.product(MODEL_IDS, LEVELS, LANGUAGE_CODES))
)
def test_connect_config_follows_capabilities(model: str, level: str, language: str) -> None:
    settings = Settings(model=model, thinking_level=level, language_code=language, voice="Kore")
    config = build_connect_config(settings.validated())
    if takes_thinking(model, level):
        assert config.thinking_config == types.ThinkingConfig(
            thinking_level=types.ThinkingLevel(level.upper())
        )
        assert config.thinking_config.thinking_budget is None
        assert config.thinking_config.include_thoughts is None
    else:
        assert config.thinking_config is None
    # Never sent: built in (or removed) on 3.8, and refused by some models.
    assert config.proactivity is None
    assert config.enable_affective_dialog is None
    assert config.generation_config is None  # deprecated in LiveConnectConfig
    speech = config.speech_config
    assert speech is not None
    assert speech.language_code == (language or None)
    assert speech.voice_config is not None and speech.voice_config.prebuilt_voice_config is not None
    assert speech.voice_config.prebuilt_voice_config.voice_name == "Kore"
    assert config.response_modalities == [types.Modality.AUDIO]
    assert config.input_audio_transcription is not None
    assert config.output_audio_transcription is not None


def test_some_fallback_model_takes_each_level_and_some_takes_none() -> None:
    # Guards the table the product above runs over: both branches are exercised.
    for level in THINKING_LEVELS:
        assert any(takes_thinking(m, level) for m in MODEL_IDS), level
    assert any(not capabilities(m).thinking_levels for m in MODEL_IDS)


@pytest.mark.parametrize(
    ("model", "thinks"),
    [
        ("gemini-3.8-live-extended-thinking-001", True),
        ("models/gemini-3.1-flash-live-preview", True),
        ("gemini-3.8-live-001", False),
        ("gemini-9-live", False),  # unknown: the conservative default
    ],
)
@pytest.mark.parametrize("level", THINKING_LEVELS)
def test_thinking_for_ids_outside_the_table(model: str, thinks: bool, level: str) -> None:
    config = build_connect_config(Settings(model=model, thinking_level=level).validated())
    assert (config.thinking_config is not None) is thinks
    assert config.proactivity is None and config.enable_affective_dialog is None


def test_an_unvalidated_unknown_level_is_not_sent() -> None:
    config = build_connect_config(
        Settings(model="gemini-3.1-flash-live-preview", thinking_level="extreme")
    )
    assert config.thinking_config is None


def setup_message(config: types.LiveConnectConfig) -> dict[str, Any]:
    """The setup JSON the SDK would send for ``config`` (as in AsyncLive.connect, Gemini
    API branch), without a socket."""
    client = genai.Client(api_key="test-key", http_options=types.HttpOptions(api_version="v1beta"))
    request = _common.convert_to_dict(
        _live_converters._LiveConnectParameters_to_mldev(
            api_client=client._api_client,
            from_object=types.LiveConnectParameters(model="models/test", config=config).model_dump(
                exclude_none=True
            ),
        )
    )
    del request["config"]
    encoded: dict[str, Any] = _common.encode_unserializable_types(request)
    return encoded


@pytest.mark.parametrize(("model", "level"), list(itertools.product(MODEL_IDS, LEVELS)))
def test_the_setup_on_the_wire(model: str, level: str) -> None:
    settings = Settings(model=model, thinking_level=level, language_code="de-DE")
    setup = setup_message(build_connect_config(settings))["setup"]
    generation = setup["generationConfig"]
    if takes_thinking(model, level):
        assert generation["thinkingConfig"] == {"thinking_level": level.upper()}
    else:
        assert "thinkingConfig" not in generation
    assert generation["speechConfig"]["language_code"] == "de-DE"
    text = json.dumps(setup).lower()
    assert "proactiv" not in text and "affective" not in text


def test_no_language_is_sent_when_the_model_may_choose() -> None:
    setup = setup_message(build_connect_config(Settings(language_code="")))["setup"]
    assert "language_code" not in setup["generationConfig"]["speechConfig"]
    assert "languageCode" not in setup["generationConfig"]["speechConfig"]


# --- make_client ---------------------------------------------------------------------


def test_a_private_ca_is_trusted_by_the_websocket_and_by_rest_calls() -> None:
    client = make_client(Endpoint(api_key="k", ca_file=Path(certifi.where())))
    api = client._api_client
    ws_args = api._websocket_ssl_ctx
    ctx = ws_args["ssl"]
    assert isinstance(ctx, ssl.SSLContext)
    assert ws_args == {
        "ping_interval": KEEPALIVE_INTERVAL_S,
        "ping_timeout": KEEPALIVE_TIMEOUT_S,
        "ssl": ctx,
    }  # "verify" is not passed on to websockets' connect()
    assert api._async_httpx_client_args["verify"] is ctx  # models.list uses the same CA
    assert "ping_interval" not in api._async_httpx_client_args


def test_without_a_private_ca_nothing_is_overridden() -> None:
    client = make_client(Endpoint(api_key="k"))
    args = client._api_client._http_options.async_client_args
    assert args == {"ping_interval": KEEPALIVE_INTERVAL_S, "ping_timeout": KEEPALIVE_TIMEOUT_S}


# --- classify ------------------------------------------------------------------------

NOT_FOUND_1008 = (
    "models/gemini-2.0-flash-live-001 is not found for API version v1beta, or is not "
    "supported for bidiGenerateContent. Call ListModels to see the list of available "
    "models and their supported methods."
)
UNKNOWN_FIELD = (
    'Invalid JSON payload received. Unknown name "thinkingConfig" at '
    "'setup.generation_config': Cannot find field."
)

# (close code, reason, kind, retryable)
CLOSE_CASES = [
    (1008, NOT_FOUND_1008, ErrorKind.UNKNOWN_MODEL, False),
    (1007, "models/gemini-x is not found for API version v1beta", ErrorKind.UNKNOWN_MODEL, False),
    (
        1008,
        "models/gemini-x is not supported for bidiGenerateContent.",
        ErrorKind.UNKNOWN_MODEL,
        False,
    ),
    (1007, UNKNOWN_FIELD, ErrorKind.REJECTED_SETTING, False),
    (1007, "Request contains an invalid argument.", ErrorKind.REJECTED_SETTING, False),
    (1007, "Proactive audio is not supported by this model.", ErrorKind.REJECTED_SETTING, False),
    (1007, "", ErrorKind.PROTOCOL, True),  # no reason: nothing to name
    (1011, "Deadline expired before operation could complete.", ErrorKind.SESSION_LIMIT, True),
    (1011, "DEADLINE EXPIRED", ErrorKind.SESSION_LIMIT, True),
    (1011, "Internal error encountered.", ErrorKind.SERVER, True),
    (1011, "The service is currently unavailable.", ErrorKind.SERVER, True),
    (1011, "RESOURCE_EXHAUSTED: quota exceeded", ErrorKind.QUOTA, True),
    (1008, "API key not valid. Please pass a valid API key.", ErrorKind.BAD_KEY, False),
    (1008, "Permission denied on resource project x.", ErrorKind.BAD_KEY, False),
    (1006, "", ErrorKind.NETWORK, True),
    (1001, "going away", ErrorKind.NETWORK, True),
    (1000, "", ErrorKind.PROTOCOL, True),
]
# The Live service closes with 1007 when the key is wrong, missing or expired (seen in
# the field: "received 1007 (invalid frame payload data) API key not valid. ...").
BAD_KEY_1007 = [
    "API key not valid. Please pass a valid API key.",
    "API Key not found. Please pass a valid API key.",
    "API key expired. Please renew the API key.",
]
ALL_CLOSE_CASES = [
    *(
        pytest.param(*case, id=f"{case[0]}-{case[2].value}-{i}")
        for i, case in enumerate(CLOSE_CASES)
    ),
    *(
        pytest.param(1007, reason, ErrorKind.BAD_KEY, False, id=f"1007-key-{i}")
        for i, reason in enumerate(BAD_KEY_1007)
    ),
]


# What a person is told for each kind of closed connection.
CLOSE_MESSAGES = {
    ErrorKind.BAD_KEY: MessageId.BAD_KEY,
    ErrorKind.UNKNOWN_MODEL: MessageId.UNKNOWN_MODEL,
    ErrorKind.QUOTA: MessageId.QUOTA,
    ErrorKind.SERVER: MessageId.SERVER_ERROR,
    ErrorKind.NETWORK: MessageId.CONNECTION_LOST,
    ErrorKind.PROTOCOL: MessageId.SERVICE_ENDED,
    ErrorKind.REJECTED_SETTING: MessageId.REJECTED_SETTING,
    ErrorKind.SESSION_LIMIT: MessageId.SESSION_LIMIT,
}


def check(err: Any, code: int, reason: str, kind: ErrorKind, retryable: bool) -> None:
    assert err.kind is kind
    assert err.retryable is retryable
    assert err.detail == f"close {code}: {reason}"
    assert err.message.id is CLOSE_MESSAGES[kind]


@pytest.mark.parametrize(("code", "reason", "kind", "retryable"), ALL_CLOSE_CASES)
def test_close_frames(code: int, reason: str, kind: ErrorKind, retryable: bool) -> None:
    exc = ConnectionClosedError(Close(code, reason), None)
    check(classify(exc, model="gemini-x"), code, reason, kind, retryable)


@pytest.mark.parametrize(("code", "reason", "kind", "retryable"), ALL_CLOSE_CASES)
def test_close_frames_as_the_sdk_raises_them(
    code: int, reason: str, kind: ErrorKind, retryable: bool
) -> None:
    # google/genai/live.py: errors.APIError.raise_error(close code, close reason, None)
    with pytest.raises(errors.APIError) as info:
        errors.APIError.raise_error(code, reason, None)
    check(classify(info.value, model="gemini-x"), code, reason, kind, retryable)


def test_a_connection_closed_without_a_frame_is_a_drop() -> None:
    err = classify(ConnectionClosed(None, None), model="m")
    assert err.kind is ErrorKind.NETWORK and err.retryable and err.detail == "close 1006: "


def test_messages_for_the_new_kinds() -> None:
    unknown = classify(ConnectionClosedError(Close(1008, NOT_FOUND_1008), None), "gemini-x")
    assert unknown.message == message(MessageId.UNKNOWN_MODEL, "gemini-x")
    rejected = classify(ConnectionClosedError(Close(1007, UNKNOWN_FIELD), None), "m")
    assert rejected.message == message(MessageId.REJECTED_SETTING, UNKNOWN_FIELD)
    limit = classify(ConnectionClosedError(Close(1011, "Deadline expired"), None), "m")
    assert limit.message == message(MessageId.SESSION_LIMIT)


def rest_error(code: int, message: str, status: str) -> errors.APIError:
    """An APIError as the SDK raises it for a REST response (models.list)."""
    body = {"error": {"code": code, "message": message, "status": status}}
    with pytest.raises(errors.APIError) as info:
        errors.APIError.raise_error(code, body, None)
    return info.value


@pytest.mark.parametrize(
    ("code", "message", "status", "kind", "retryable", "cls"),
    [
        (
            400,
            "API key not valid. Please pass a valid API key.",
            "INVALID_ARGUMENT",
            ErrorKind.BAD_KEY,
            False,
            errors.ClientError,
        ),
        (
            400,
            "API Key not found. Please pass a valid API key.",
            "INVALID_ARGUMENT",
            ErrorKind.BAD_KEY,
            False,
            errors.ClientError,
        ),
        (
            403,
            "The caller does not have permission",
            "PERMISSION_DENIED",
            ErrorKind.BAD_KEY,
            False,
            errors.ClientError,
        ),
        (
            401,
            "Request had invalid authentication credentials.",
            "UNAUTHENTICATED",
            ErrorKind.BAD_KEY,
            False,
            errors.ClientError,
        ),
        (
            404,
            "models/gemini-x is not found for API version v1beta.",
            "NOT_FOUND",
            ErrorKind.UNKNOWN_MODEL,
            False,
            errors.ClientError,
        ),
        (
            429,
            "Resource has been exhausted (e.g. check quota).",
            "RESOURCE_EXHAUSTED",
            ErrorKind.QUOTA,
            True,
            errors.ClientError,
        ),
        (
            503,
            "The model is overloaded.",
            "UNAVAILABLE",
            ErrorKind.SERVER,
            True,
            errors.ServerError,
        ),
    ],
)
def test_rest_errors(
    code: int, message: str, status: str, kind: ErrorKind, retryable: bool, cls: type
) -> None:
    exc = rest_error(code, message, status)
    assert type(exc) is cls and exc.message == message
    err = classify(exc, model="gemini-x")
    assert (err.kind, err.retryable) == (kind, retryable)
    assert err.detail == f"close {code}: {message}"
