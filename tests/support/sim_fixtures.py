"""Pytest helpers for the local Live API sim: a running server and espeak speech."""

from __future__ import annotations

import functools
import subprocess
import tempfile
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soxr

from gemini_desk.sim import SimConfig, SimThread
from gemini_desk.sim.tls import client_ssl_context

ESPEAK = "/usr/bin/espeak-ng"


@pytest.fixture
def sim(request: pytest.FixtureRequest) -> Iterator[SimThread]:
    """A started SimThread with default settings.

    For other settings parametrise indirectly:
    ``@pytest.mark.parametrize("sim", [SimConfig(vad_silence_ms=300)], indirect=True)``.
    """
    config = getattr(request, "param", None)
    thread = SimThread(config if isinstance(config, SimConfig) else None)
    thread.start()
    try:
        yield thread
    finally:
        thread.stop()


@functools.cache
def _espeak_cached(text: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "speech.wav"
        subprocess.run([ESPEAK, "-w", str(out), text], check=True, capture_output=True)
        with wave.open(str(out), "rb") as wav:
            rate = wav.getframerate()
            channels = wav.getnchannels()
            frames = wav.readframes(wav.getnframes())
    samples = np.frombuffer(frames, dtype="<i2").reshape(-1, channels)[:, 0]
    out16 = soxr.resample(samples.astype(np.float32) / 32768.0, rate, 16000)
    return np.clip(np.round(out16 * 32768.0), -32768, 32767).astype("<i2").tobytes()


def espeak_pcm16k(text: str) -> np.ndarray:
    """``text`` spoken by espeak-ng, as 16 kHz mono int16 samples."""
    return np.frombuffer(_espeak_cached(text), dtype="<i2").astype(np.int16)


def sdk_client(sim: SimThread, api_key: str = "demo-key", api_version: str = "v1beta") -> Any:
    """A real google-genai client pointed at ``sim`` and trusting its CA, for both the
    Live websocket (``ssl``) and the REST calls (httpx2's ``verify``)."""
    from google import genai
    from google.genai import types

    ctx = client_ssl_context(sim.ca_file)
    return genai.Client(
        api_key=api_key,
        http_options=types.HttpOptions(
            base_url=sim.base_url,
            api_version=api_version,
            async_client_args={"ssl": ctx, "verify": ctx},
        ),
    )
