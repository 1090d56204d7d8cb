"""Voice samples for Settings: fetched once per voice, cached, played on the chosen speaker.

Samples from Google's service are kept in memory and on disk (``<cache_dir>/<voice>.pcm``,
24 kHz mono int16), so the next run plays them at once. The local demo server answers
with its own placeholder (a chime, and a text saying it is local): that is played but
kept in memory only, and never offered for a real endpoint.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Protocol

from gemini_desk.core.models import VOICES
from gemini_desk.core.settings import Settings
from gemini_desk.live.config import Endpoint
from gemini_desk.live.voice_sample import SAMPLE_RATE, VoiceSampleError, fetch_voice_sample

__all__ = ["FetchSample", "SampleSpeaker", "VoiceSampleError", "VoiceSamples"]

log = logging.getLogger("gemini_desk.voice_samples")

FetchSample = Callable[[Endpoint, Settings, str], Awaitable[bytes]]
# After the last sample is handed over: the device's and sound server's buffers drain.
TAIL_MARGIN_S = 0.3
# How long a speaker may take to start playing before the sample's time counts anyway.
START_TIMEOUT_S = 3.0
_POLL_S = 0.02


class SampleSpeaker(Protocol):
    """``conversation.Speaker`` with a read-only stamp, so SpeakerPlayback fits."""

    @property
    def last_first_sample_time(self) -> float | None: ...
    def start(self) -> None: ...
    def feed(self, pcm: bytes, rate: int = 24_000) -> None: ...
    def end_turn(self) -> None: ...
    def clear(self) -> None: ...
    def stop(self) -> None: ...


class VoiceSamples:
    """Plays one voice's sample at a time; all methods run on the event loop's thread.

    ``make_speaker(output_device)`` returns a fresh speaker for each sample
    (``SpeakerPlayback`` in the app, whose ``is_playing`` is used too); it is stopped
    once the sample has played. A sample is fetched with ``fetch`` only when no cache
    has it, and one fetch per voice runs at a time.
    """

    def __init__(
        self,
        cache_dir: Path,
        fetch: FetchSample = fetch_voice_sample,
        *,
        make_speaker: Callable[[str], SampleSpeaker],
    ) -> None:
        self.cache_dir = cache_dir
        self._fetch = fetch
        self._make_speaker = make_speaker
        self._memory: dict[tuple[str, bool], bytes] = {}  # (voice, demo) -> PCM
        self._fetching: dict[tuple[str, bool], asyncio.Task[bytes]] = {}
        self._speaker: SampleSpeaker | None = None
        self._done = asyncio.Event()  # set when the current play() is to end

    def cached(self, voice: str, endpoint: Endpoint) -> bool:
        """True when ``voice`` would play without connecting."""
        if voice not in VOICES:
            return False
        key = (voice, endpoint.demo)
        return key in self._memory or (not endpoint.demo and self._disk_path(voice).is_file())

    def clear_memory(self) -> None:
        """Forget the samples held in memory (the disk cache stays)."""
        self._memory.clear()

    def stop(self) -> None:
        """Stop the sample being fetched or played (its ``play()`` returns at once; a
        fetch goes on, to be cached); safe at any time."""
        self._done.set()
        speaker, self._speaker = self._speaker, None
        if speaker is not None:
            speaker.stop()

    async def play(
        self,
        endpoint: Endpoint,
        settings: Settings,
        voice: str,
        on_playing: Callable[[], None] | None = None,
    ) -> None:
        """Play ``voice``'s sample on ``settings.output_device``; return once it has
        played, or early when another ``play()``/``stop()`` replaced it. ``on_playing``
        is called once the sample is at hand and goes to the speaker.

        Raises VoiceSampleError when the sample cannot be fetched, ValueError for a
        voice that is not one of VOICES; a speaker that cannot be opened raises what
        ``make_speaker``/``start()`` raise (``AudioDeviceError`` in the app).
        """
        if voice not in VOICES:
            raise ValueError(f"unknown voice {voice!r}")
        self.stop()
        done = self._done = asyncio.Event()
        pcm = await self._sample(endpoint, settings, voice, done)
        if pcm is None or done.is_set():
            return  # replaced while fetching
        speaker = self._make_speaker(settings.output_device)
        speaker.start()
        self._speaker = speaker
        if on_playing is not None:
            on_playing()
        try:
            speaker.feed(pcm, SAMPLE_RATE)
            speaker.end_turn()
            await self._played(speaker, len(pcm) / 2 / SAMPLE_RATE, done)
        finally:
            if self._speaker is speaker:
                self._speaker = None
                speaker.stop()

    async def _played(self, speaker: SampleSpeaker, seconds: float, done: asyncio.Event) -> None:
        """Wait (or until ``done`` is set) for the speaker's first sample (it stamps the
        time), the sample's length after it, then, for a speaker that tells
        (``SpeakerPlayback.is_playing``), until its queue is empty (a sound server can
        start a stream late), and a margin for the device's own buffer."""
        fed = time.monotonic()
        while speaker.last_first_sample_time is None and time.monotonic() - fed < START_TIMEOUT_S:
            if await _wait(done, _POLL_S):
                return
        started = speaker.last_first_sample_time or fed
        if await _wait(done, started + seconds - time.monotonic()):
            return
        limit = time.monotonic() + seconds + START_TIMEOUT_S
        while getattr(speaker, "is_playing", False) and time.monotonic() < limit:
            if await _wait(done, _POLL_S):
                return
        await _wait(done, TAIL_MARGIN_S)

    async def _sample(
        self, endpoint: Endpoint, settings: Settings, voice: str, done: asyncio.Event
    ) -> bytes | None:
        """The sample from memory, disk or a fetch; None when ``done`` was set first."""
        key = (voice, endpoint.demo)
        pcm = self._memory.get(key)
        if pcm is None and not endpoint.demo:
            pcm = await asyncio.to_thread(self._read_disk, voice)
            if pcm is not None:
                self._memory[key] = pcm
        if pcm is not None:
            return pcm
        task = self._fetching.get(key)
        if task is None:
            task = asyncio.ensure_future(self._fetch_and_keep(endpoint, settings, voice))
            self._fetching[key] = task
            task.add_done_callback(lambda t: self._fetch_ended(key, t))
        # A replaced or cancelled play() stops waiting; the fetch goes on, to be cached.
        stopped = asyncio.ensure_future(done.wait())
        try:
            await asyncio.wait((task, stopped), return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
        return task.result() if task.done() else None

    async def _fetch_and_keep(self, endpoint: Endpoint, settings: Settings, voice: str) -> bytes:
        pcm = await self._fetch(endpoint, settings, voice)
        self._memory[(voice, endpoint.demo)] = pcm
        if not endpoint.demo:  # the local server's placeholder never goes to disk
            await asyncio.to_thread(self._write_disk, voice, pcm)
        return pcm

    def _fetch_ended(self, key: tuple[str, bool], task: asyncio.Task[bytes]) -> None:
        if self._fetching.get(key) is task:
            del self._fetching[key]
        if not task.cancelled():
            task.exception()  # retrieved: a failure nobody awaits any more is not logged

    def _disk_path(self, voice: str) -> Path:
        if voice not in VOICES:  # the name becomes a file name: only the known ones
            raise ValueError(f"unknown voice {voice!r}")
        return self.cache_dir / f"{voice}.pcm"

    def _read_disk(self, voice: str) -> bytes | None:
        path = self._disk_path(voice)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("voice sample %s unreadable (%s); fetching it again", path, exc)
            return None
        if not data or len(data) % 2:
            log.warning("voice sample %s is damaged; fetching it again", path)
            return None
        return data

    def _write_disk(self, voice: str, pcm: bytes) -> None:
        """Atomically: a crash never leaves half a sample to be played next time."""
        path = self._disk_path(voice)
        try:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{voice}-", suffix=".tmp", dir=self.cache_dir)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(pcm)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:  # not cached on disk; it still plays
            log.warning("voice sample %s not saved: %s", path, exc)


async def _wait(event: asyncio.Event, seconds: float) -> bool:
    """Wait up to ``seconds`` for ``event``; True when it was set."""
    if seconds > 0:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)
    return event.is_set()
