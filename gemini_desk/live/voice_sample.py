"""One short Live turn in a chosen voice: the audio of Settings' "Play sample" buttons."""

from __future__ import annotations

import asyncio
import dataclasses
import logging

import numpy as np
import soxr

from gemini_desk.core.events import ErrorKind, ModelAudio, SessionError, TurnComplete
from gemini_desk.core.messages import MessageId as M
from gemini_desk.core.messages import message
from gemini_desk.core.settings import Settings
from gemini_desk.live.config import Endpoint, build_connect_config, make_client
from gemini_desk.live.errors import classify
from gemini_desk.live.messages import events_from_message

log = logging.getLogger("gemini_desk.live")

SAMPLE_PROMPT = "Say hello in one sentence."
SAMPLE_RATE = 24_000  # what fetch_voice_sample returns: 24 kHz mono int16 little-endian
TIMED_OUT = message(M.VOICE_SAMPLE_TIMEOUT)
NO_AUDIO = message(M.VOICE_SAMPLE_NO_AUDIO)


class VoiceSampleError(Exception):
    """A sample could not be fetched; ``error`` says why (its ``kind``
    is the same as a conversation's: BAD_KEY, UNKNOWN_MODEL, NETWORK, ...)."""

    def __init__(self, error: SessionError) -> None:
        super().__init__(str(error.message))
        self.error = error


async def fetch_voice_sample(
    endpoint: Endpoint, settings: Settings, voice: str, timeout_s: float = 20.0
) -> bytes:
    """Connect once with ``voice``, ask for a one-sentence greeting, collect the audio
    of that answer until turnComplete, then close. Returns 24 kHz mono int16 LE PCM.

    The user's model, language and instruction are kept; resumption, compression and
    push-to-talk are off (one short turn needs none of them). Every failure, a timeout
    included, raises :class:`VoiceSampleError`.
    """
    sample = dataclasses.replace(
        settings.validated(),
        voice=voice,
        session_resumption=False,
        context_compression=False,
        talk_mode="hands_free",
    )
    try:
        async with asyncio.timeout(timeout_s):
            chunks = await _one_turn(endpoint, sample)
    except TimeoutError as exc:
        detail = f"no complete sample of {voice} within {timeout_s:g} s"
        log.warning("voice sample failed: %s", detail)
        raise VoiceSampleError(
            SessionError(ErrorKind.NETWORK, TIMED_OUT, detail, retryable=True)
        ) from exc
    except Exception as exc:  # every failure becomes words for the user
        error = classify(exc, sample.model)
        log.warning("voice sample of %s failed: %s (%s)", voice, error.kind.value, error.detail)
        raise VoiceSampleError(error) from exc
    pcm = _to_24k(chunks)
    if not pcm:
        raise VoiceSampleError(SessionError(ErrorKind.PROTOCOL, NO_AUDIO, f"voice {voice}"))
    log.info("voice sample of %s: %.2f s", voice, len(pcm) / 2 / SAMPLE_RATE)
    return pcm


async def _one_turn(endpoint: Endpoint, settings: Settings) -> list[ModelAudio]:
    """The audio events of one answer to SAMPLE_PROMPT, until its turnComplete."""
    client = make_client(endpoint)
    config = build_connect_config(settings)
    chunks: list[ModelAudio] = []
    async with client.aio.live.connect(model=settings.model, config=config) as session:
        await session.send_realtime_input(text=SAMPLE_PROMPT)
        while True:  # receive() also ends at an interaction's end; the turn may go on
            async for message in session.receive():
                for event in events_from_message(message):
                    if isinstance(event, ModelAudio):
                        chunks.append(event)
                    elif isinstance(event, TurnComplete):
                        return chunks


def _to_24k(chunks: list[ModelAudio]) -> bytes:
    """Join the chunks; runs at another rate are resampled to 24 kHz (whole runs, so
    there are no seams at chunk edges). A stray odd byte at a run's end is dropped."""
    runs: list[tuple[int, bytearray]] = []
    for chunk in chunks:
        if runs and runs[-1][0] == chunk.rate:
            runs[-1][1].extend(chunk.pcm)
        else:
            runs.append((chunk.rate, bytearray(chunk.pcm)))
    out = bytearray()
    for rate, data in runs:
        samples = np.frombuffer(bytes(data[: len(data) // 2 * 2]), dtype="<i2")
        if rate != SAMPLE_RATE and samples.size:
            resampled = soxr.resample(samples.astype(np.float32) / 32768.0, rate, SAMPLE_RATE)
            scaled = np.round(np.asarray(resampled, dtype=np.float64) * 32768.0)
            samples = np.clip(scaled, -32768, 32767).astype("<i2")
        out.extend(samples.tobytes())
    return bytes(out)
