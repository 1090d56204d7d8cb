"""Pytest helpers for the local Live API sim: a running server, espeak speech, and the
real google-genai SDK pointed at it."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import subprocess
import tempfile
import time
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
    """A started SimThread with default settings, recording everything each connection
    carried (``full_records``; the sim's own default keeps bounded records).

    For other settings parametrise indirectly:
    ``@pytest.mark.parametrize("sim", [SimConfig(vad_silence_ms=300)], indirect=True)``.
    """
    config = getattr(request, "param", None)
    config = config if isinstance(config, SimConfig) else SimConfig()
    thread = SimThread(dataclasses.replace(config, full_records=True))
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


class Inbox:
    """Every message of a Live session, read in the background across turns, each with
    its arrival time (``time.monotonic()``); ``until`` waits on a condition.

    ``async with Inbox(session) as inbox: ...``
    """

    def __init__(self, session: Any) -> None:
        self.session = session
        self.items: list[tuple[float, Msg]] = []
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Inbox:
        self._task = asyncio.get_running_loop().create_task(self._read())
        self._task.add_done_callback(lambda _: self._changed.set())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, errors.APIError):
                await self._task

    async def _read(self) -> None:
        while True:
            async for msg in self.session.receive():
                self.items.append((time.monotonic(), msg))
                self._changed.set()

    @property
    def msgs(self) -> list[Msg]:
        return [m for _, m in self.items]

    async def until(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until ``predicate()`` is truthy and return it (TimeoutError if not)."""

        async def wait() -> Any:
            while not (value := predicate()):
                if self._task is not None and self._task.done():
                    self._task.result()  # the reader's error, if any
                    raise RuntimeError("the session ended")
                self._changed.clear()
                await self._changed.wait()
            return value

        return await asyncio.wait_for(wait(), timeout)

    def first(self, match: Callable[[Msg], Any], after: float = 0.0) -> tuple[float, Msg] | None:
        """The first message arrived after ``after`` for which ``match`` is truthy."""
        return next(((t, m) for t, m in self.items if t > after and match(m)), None)

    def completes(self) -> int:
        """How many turnComplete messages came so far."""
        return sum(is_turn_complete(m) for m in self.msgs)

    def tool_calls(self) -> list[types.FunctionCall]:
        return [c for m in self.msgs if m.tool_call for c in m.tool_call.function_calls or []]

    def cancelled_ids(self) -> list[str]:
        return [
            i
            for m in self.msgs
            if m.tool_call_cancellation
            for i in m.tool_call_cancellation.ids or []
        ]


async def type_turn(session: Any, text: str) -> None:
    """A typed user turn (clientContent with turnComplete)."""
    turn = types.Content(role="user", parts=[types.Part(text=text)])
    await session.send_client_content(turns=turn, turn_complete=True)


def has_audio(m: Msg) -> bool:
    return bool(audio_of([m]))


def is_turn_complete(m: Msg) -> bool:
    return bool(m.server_content and m.server_content.turn_complete)


def split_turns(msgs: list[Msg]) -> list[list[Msg]]:
    """Server messages split after each turnComplete (a trailing open part is dropped)."""
    out: list[list[Msg]] = [[]]
    for m in msgs:
        out[-1].append(m)
        if is_turn_complete(m):
            out.append([])
    return out[:-1]


def interrupted(msgs: list[Msg]) -> bool:
    return any(m.server_content and m.server_content.interrupted for m in msgs)


def said(msgs: list[Msg]) -> str:
    """The output transcription of ``msgs``."""
    return transcript(msgs, "output_transcription")


def tone16k(seconds: float, hz: float = 300.0) -> bytes:
    """A loud tone (speech to the sim's energy VAD), 16 kHz int16 bytes."""
    t = np.arange(int(seconds * 16000)) / 16000
    return (np.sin(2 * np.pi * hz * t) * 0.3 * 32767).astype("<i2").tobytes()


async def speak_manually(session: Any, pcm: bytes, chunk_bytes: int = 640) -> None:
    """A push-to-talk turn (manual activity detection): activityStart, the audio at
    once, activityEnd."""
    await session.send_realtime_input(activity_start=types.ActivityStart())
    for off in range(0, len(pcm), chunk_bytes):
        blob = types.Blob(data=pcm[off : off + chunk_bytes], mime_type=MIME_16K)
        await session.send_realtime_input(audio=blob)
    await session.send_realtime_input(activity_end=types.ActivityEnd())
