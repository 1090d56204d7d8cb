"""Builds the google-genai client and LiveConnectConfig from settings."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

from google import genai
from google.genai import types

from gemini_desk.core.settings import Settings

API_VERSION = "v1beta"
INPUT_MIME = "audio/pcm;rate=16000"


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
    if endpoint.ca_file is not None:
        ctx = ssl.create_default_context()
        ctx.load_verify_locations(cafile=str(endpoint.ca_file))
        http.async_client_args = {"ssl": ctx}
    return genai.Client(api_key=endpoint.api_key, http_options=http)


def build_connect_config(settings: Settings) -> types.LiveConnectConfig:
    """Audio out, both transcriptions on, the user's voice and instruction."""
    speech = types.SpeechConfig(
        voice_config=types.VoiceConfig(
            prebuilt_voice_config=types.PrebuiltVoiceConfig(voice_name=settings.voice)
        )
    )
    instruction = settings.system_instruction.strip() or None
    return types.LiveConnectConfig(
        response_modalities=[types.Modality.AUDIO],
        speech_config=speech,
        system_instruction=instruction,
        input_audio_transcription=types.AudioTranscriptionConfig(),
        output_audio_transcription=types.AudioTranscriptionConfig(),
    )
