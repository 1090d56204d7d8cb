"""Pytest helpers for the local Live API sim: a running server, espeak speech, and the
real google-genai SDK pointed at it."""

from __future__ import annotations

import asyncio
import functools
import subprocess
import tempfile
import wave
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soxr
from google import genai
from google.genai import errors, types

from gemini_desk.sim import SimConfig, SimThread
from gemini_desk.sim.tls import client_ssl_context
from tests.support.needs import need_tool


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
def _espeak_cached(espeak: str, text: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "speech.wav"
        subprocess.run([espeak, "-w", str(out), text], check=True, capture_output=True)
        with wave.open(str(out), "rb") as wav:
            rate = wav.getframerate()
            channels = wav.getnchannels()
            frames = wav.readframes(wav.getnframes())
    samples = np.frombuffer(frames, dtype="<i2").reshape(-1, channels)[:, 0]
    out16 = soxr.resample(samples.astype(np.float32) / 32768.0, rate, 16000)
    return np.clip(np.round(out16 * 32768.0), -32768, 32767).astype("<i2").tobytes()


def espeak_pcm16k(text: str) -> np.ndarray:
    """``text`` spoken by espeak-ng, as 16 kHz mono int16 samples (a skip without
    espeak-ng, a failure in CI)."""
    espeak = need_tool("espeak-ng", "espeak-ng")
    return np.frombuffer(_espeak_cached(espeak, text), dtype="<i2").astype(np.int16)


def sdk_client(sim: SimThread, api_key: str = "demo-key", api_version: str = "v1beta") -> Any:
    """A real google-genai client pointed at ``sim`` and trusting its CA, for both the
    Live websocket (``ssl``) and the REST calls (httpx2's ``verify``)."""
    ctx = client_ssl_context(sim.ca_file)
    return genai.Client(
        api_key=api_key,
        http_options=types.HttpOptions(
            base_url=sim.base_url,
            api_version=api_version,
            async_client_args={"ssl": ctx, "verify": ctx},
        ),
    )


# ---- google-genai sessions against the sim ----------------------------------------------

MODEL = "gemini-3.8-live"
MIME_16K = "audio/pcm;rate=16000"
Msg = types.LiveServerMessage


def live_config(**kw: Any) -> types.LiveConnectConfig:
    return types.LiveConnectConfig(
        response_modalities=[types.Modality.AUDIO],
        input_audio_transcription=types.AudioTranscriptionConfig(),
        output_audio_transcription=types.AudioTranscriptionConfig(),
        **kw,
    )


def manual_vad_config() -> types.LiveConnectConfig:
    """Push-to-talk style: the client sends activityStart/End, no server detection."""
    return live_config(
        realtime_input_config=types.RealtimeInputConfig(
            automatic_activity_detection=types.AutomaticActivityDetection(disabled=True)
        )
    )


@asynccontextmanager
async def live(
    sim: SimThread,
    config: types.LiveConnectConfig | None = None,
    model: str = MODEL,
    **kw: Any,
) -> AsyncIterator[Any]:
    """A Live session of ``model``; ``kw`` go to :func:`sdk_client`."""
    client = sdk_client(sim, **kw)
    async with client.aio.live.connect(model=model, config=config or live_config()) as session:
        yield session


async def collect_turn(
    session: Any, timeout: float = 15.0, on_message: Callable[[Msg], Any] | None = None
) -> list[Msg]:
    """Messages up to and including the next turnComplete."""
    out: list[Msg] = []

    async def run() -> None:
        async for msg in session.receive():
            out.append(msg)
            if on_message is not None:
                await on_message(msg)

    await asyncio.wait_for(run(), timeout)
    return out


def audio_of(msgs: list[Msg]) -> bytes:
    data = b""
    for m in msgs:
        if m.server_content and m.server_content.model_turn:
            for part in m.server_content.model_turn.parts or []:
                if part.inline_data and part.inline_data.data:
                    assert part.inline_data.mime_type == "audio/pcm;rate=24000"
                    data += part.inline_data.data
    return data


def transcript(msgs: list[Msg], which: str) -> str:
    return "".join(
        getattr(m.server_content, which).text or ""
        for m in msgs
        if m.server_content and getattr(m.server_content, which)
    )


def flags(msgs: list[Msg]) -> list[str]:
    out = []
    for m in msgs:
        sc = m.server_content
        if sc is None:
            continue
        if sc.model_turn:
            out.append("audio")
        for name in ("interrupted", "generation_complete", "turn_complete"):
            if getattr(sc, name):
                out.append(name)
    return out


async def speak(session: Any, pcm: np.ndarray, silence_s: float = 0.6, chunk_ms: int = 20) -> bytes:
    """Send speech then silence in ``chunk_ms`` chunks, paced in real time."""
    data = pcm.astype("<i2").tobytes() + bytes(int(silence_s * 16000) * 2)
    step = 16000 * chunk_ms // 1000 * 2
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    for i, off in enumerate(range(0, len(data), step)):
        blob = types.Blob(data=data[off : off + step], mime_type=MIME_16K)
        await session.send_realtime_input(audio=blob)
        await asyncio.sleep(max(0.0, t0 + (i + 1) * chunk_ms / 1000 - loop.time()))
    return data


async def say_hello(session: Any, text: str = "hello") -> list[Msg]:
    turn = types.Content(role="user", parts=[types.Part(text=text)])
    await session.send_client_content(turns=turn, turn_complete=True)
    return await collect_turn(session)


async def receive_until_error(session: Any) -> tuple[list[Msg], errors.APIError]:
    """Every message until the session ends with an error (a close code)."""
    msgs: list[Msg] = []
    try:
        while True:
            async for msg in session.receive():
                msgs.append(msg)
    except errors.APIError as exc:
        return msgs, exc
