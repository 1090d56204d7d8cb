"""Builds the google-genai client and LiveConnectConfig from settings."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

from google import genai
from google.genai import types

from gemini_desk.core.models import capabilities
from gemini_desk.core.settings import Settings
from gemini_desk.core.tools import Declarations

API_VERSION = "v1beta"
INPUT_MIME = "audio/pcm;rate=16000"
# Keepalive: the service has been seen to answer pings after 8-30 s, so websockets'
# default 20 s ping timeout would drop healthy connections. Ping every 20 s, give up
# only after 60 s without a pong.
KEEPALIVE_INTERVAL_S = 20.0
KEEPALIVE_TIMEOUT_S = 60.0


@dataclass(frozen=True, slots=True)
class Endpoint:
    """Where to connect and how to authenticate. ``repr`` never shows the key."""

    api_key: str
    base_url: str | None = None  # None: Google's service (or GOOGLE_GEMINI_BASE_URL)
    ca_file: Path | None = None  # extra CA to trust, e.g. the local server's
    demo: bool = False

    def __repr__(self) -> str:
        return f"Endpoint(base_url={self.base_url!r}, ca_file={self.ca_file!r}, demo={self.demo})"


def make_client(endpoint: Endpoint) -> genai.Client:
    """A genai client for ``endpoint``; a private CA is trusted on top of the system's."""
    http = types.HttpOptions(api_version=API_VERSION, base_url=endpoint.base_url or None)
    # The SDK passes the async_client_args that websockets' connect() accepts on to it
    # (and filters them out for httpx/aiohttp): the documented way to set keepalive.
    args: dict[str, object] = {
        "ping_interval": KEEPALIVE_INTERVAL_S,
        "ping_timeout": KEEPALIVE_TIMEOUT_S,
    }
    if endpoint.ca_file is not None:
        ctx = ssl.create_default_context()
        ctx.load_verify_locations(cafile=str(endpoint.ca_file))
        args["ssl"] = ctx  # the websocket
        args["verify"] = ctx  # REST calls (models.list) through httpx
    http.async_client_args = args
    return genai.Client(api_key=endpoint.api_key, http_options=http)


def build_connect_config(
    settings: Settings, resume_handle: str | None = None, tools: Declarations | None = None
) -> types.LiveConnectConfig:
    """Audio out, both transcriptions on, the user's voice, language and instruction,
    and the ``tools`` on offer (function declarations, Google Search).

    Session resumption (with ``resume_handle`` when continuing a session) and sliding
    window context compression follow the settings; both are on by default. Fields a
    model may reject are sent only where its capabilities allow them: a thinking
    level only to models that take one; proactive audio and affective dialog never
    (always on, or removed, for Gemini 3.8).
    """
    speech = types.SpeechConfig(
        voice_config=types.VoiceConfig(
            prebuilt_voice_config=types.PrebuiltVoiceConfig(voice_name=settings.voice)
        ),
        language_code=settings.language_code or None,
    )
    instruction = settings.system_instruction.strip() or None
    return types.LiveConnectConfig(
        response_modalities=[types.Modality.AUDIO],
        speech_config=speech,
        thinking_config=_thinking(settings),
        system_instruction=instruction,
        input_audio_transcription=types.AudioTranscriptionConfig(),
        output_audio_transcription=types.AudioTranscriptionConfig(),
        session_resumption=(
            types.SessionResumptionConfig(handle=resume_handle)
            if settings.session_resumption
            else None
        ),
        context_window_compression=_compression(settings),
        realtime_input_config=_realtime_input(settings),
        tools=_tools(tools) if tools else None,
    )


def _tools(declared: Declarations) -> types.ToolListUnion:
    """Function declarations (with their behaviour where one is chosen) and Google
    Search, as the connect config's ``tools``."""
    tools: types.ToolListUnion = []
    functions = [
        types.FunctionDeclaration(
            name=f.name,
            description=f.description or None,
            parameters=types.Schema.model_validate(f.parameters) if f.parameters else None,
            behavior=types.Behavior(f.behavior) if f.behavior else None,
        )
        for f in declared.functions
    ]
    if functions:
        tools.append(types.Tool(function_declarations=functions))
    if declared.google_search:
        tools.append(types.Tool(google_search=types.GoogleSearch()))
    return tools


def _thinking(settings: Settings) -> types.ThinkingConfig | None:
    """A thinking level only when one is chosen and the model accepts it."""
    level = settings.thinking_level
    if not level or level not in capabilities(settings.model).thinking_levels:
        return None
    return types.ThinkingConfig(thinking_level=types.ThinkingLevel(level.upper()))


def _realtime_input(settings: Settings) -> types.RealtimeInputConfig | None:
    """Push-to-talk: no server voice detection; the client sends activityStart/End."""
    if settings.talk_mode != "push_to_talk":
        return None
    return types.RealtimeInputConfig(
        automatic_activity_detection=types.AutomaticActivityDetection(disabled=True)
    )


def _compression(settings: Settings) -> types.ContextWindowCompressionConfig | None:
    """Sliding window compression; 0 tokens leaves the trigger to the service's default."""
    if not settings.context_compression:
        return None
    trigger = settings.compression_trigger_tokens
    return types.ContextWindowCompressionConfig(
        trigger_tokens=trigger if trigger > 0 else None,
        sliding_window=types.SlidingWindow(target_tokens=trigger // 2 if trigger > 0 else None),
    )
