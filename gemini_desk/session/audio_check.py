"""Diagnostics' device tests: record the microphone for 3 s and play it back; play a
chime through the speaker. Streams of their own, opened only when asked and closed
after (nothing is captured before the user presses the button)."""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from gemini_desk.core.audio_check import RECORD_SECONDS, chime_pcm, countdown, recording_figures
from gemini_desk.core.diagnosis import Finding, MicFigures, Severity, judge_mic
from gemini_desk.core.level_meter import LevelMeter
from gemini_desk.core.messages import Message, message
from gemini_desk.core.messages import MessageId as M

__all__ = ["CheckMic", "CheckSpeaker", "DeviceCheck", "MicTestResult", "Phase"]

log = logging.getLogger("gemini_desk.session")

MIC_RATE = 16000  # MicCapture delivers 16 kHz int16 mono
CHIME_RATE = 24000
# A stream that delivers nothing for this long past the recording's length: the test
# ends with what it has (a device that never starts is "heard nothing").
STALL_MARGIN_S = 4.0
START_TIMEOUT_S = 2.0  # a speaker's first sample may take this long (a sound server)
# Once the speaker's queue is empty the device still holds its own buffer (libpulse
# keeps up to 60 ms queued on the server): let that play before closing the stream.
TAIL_S = 0.15
_POLL_S = 0.02


class CheckMic(Protocol):
    """What the test needs of a microphone (``MicCapture``)."""

    level: LevelMeter

    def start(self) -> None: ...

    def stop(self) -> None: ...


class CheckSpeaker(Protocol):
    """What the test needs of a speaker (``SpeakerPlayback``)."""

    @property
    def is_playing(self) -> bool: ...

    @property
    def last_first_sample_time(self) -> float | None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def feed(self, pcm: bytes, rate: int = ...) -> None: ...

    def end_turn(self) -> None: ...


class Phase(enum.StrEnum):
    IDLE = "idle"
    RECORDING = "recording"
    PLAYING_BACK = "playing_back"
    PLAYING_CHIME = "playing_chime"


@dataclass(frozen=True, slots=True)
class MicTestResult:
    finding: Finding
    figures: MicFigures | None  # None: the microphone could not be opened
    recording: bytes  # what was recorded, int16 mono at 16 kHz (kept for the test only)


class DeviceCheck:
    """Runs one test at a time; ``phase`` and ``seconds_left`` say where it is, ``level``
    is the recording's live level, ``on_change()`` is called at each step."""

    def __init__(
        self,
        make_mic: Callable[[Callable[[bytes], None]], CheckMic],
        make_speaker: Callable[[], CheckSpeaker],
        on_change: Callable[[], None] = lambda: None,
        seconds: float = RECORD_SECONDS,
    ) -> None:
        self._make_mic = make_mic
        self._make_speaker = make_speaker
        self.on_change = on_change  # called at each step (phase, seconds left)
        self._seconds = seconds
        self.phase = Phase.IDLE
        self.seconds_left = 0
        self._mic: CheckMic | None = None

    def level(self) -> tuple[float, float, bool]:
        """The recording's level (rms dBFS, peak dBFS, clipped); the floor otherwise."""
        mic = self._mic
        if mic is None:
            return (-90.0, -90.0, False)
        snap = mic.level.snapshot()
        return (snap.rms_db, snap.peak_db, snap.clipped)

    def _set(self, phase: Phase, seconds_left: int = 0) -> None:
        if (phase, seconds_left) != (self.phase, self.seconds_left):
            self.phase, self.seconds_left = phase, seconds_left
            self.on_change()

    async def mic_test(self) -> MicTestResult:
        """Record, judge, and play back what was heard (unless it was nothing). Cancelled,
        its streams close and the phase is idle again."""
        try:
            return await self._mic_test()
        finally:
            self._set(Phase.IDLE)

    async def _mic_test(self) -> MicTestResult:
        try:
            pcm = await self._record()
        except Exception as exc:  # the device would not open: say why
            return MicTestResult(_failure(exc), None, b"")
        samples = np.frombuffer(pcm, "<i2").astype(np.float32) / 32768.0
        figures = recording_figures(samples, MIC_RATE)
        finding = judge_mic(figures, recorded=True)
        log.info(
            "mic test: loudest %.0f dBFS, background %.0f dBFS, clipped %.1f%%",
            figures.loudest_db,
            figures.floor_db,
            figures.clipped_share * 100,
        )
        if finding.severity is not Severity.PROBLEM:
            try:
                self._set(Phase.PLAYING_BACK)
                await self._play(pcm, MIC_RATE)
            except Exception as exc:
                finding = _failure(exc)
        log.info("mic test: %s", finding.message)
        return MicTestResult(finding, figures, pcm)

    async def speaker_test(self) -> Message | None:
        """Play the chime; None when it played, else what went wrong (in words' ids)."""
        try:
            self._set(Phase.PLAYING_CHIME)
            await self._play(chime_pcm(CHIME_RATE), CHIME_RATE)
        except Exception as exc:
            return _failure(exc).message
        finally:
            self._set(Phase.IDLE)
        log.info("speaker test: the chime played")
        return None

    async def _record(self) -> bytes:
        want = int(self._seconds * MIC_RATE) * 2
        got = bytearray()
        enough = asyncio.Event()

        def on_chunk(chunk: bytes) -> None:
            if enough.is_set():
                return
            got.extend(chunk)
            self._set(Phase.RECORDING, countdown(len(got) / 2 / MIC_RATE, self._seconds))
            if len(got) >= want:
                enough.set()

        self._set(Phase.RECORDING, countdown(0.0, self._seconds))
        mic = self._make_mic(on_chunk)
        mic.start()
        self._mic = mic
        try:
            try:
                await asyncio.wait_for(enough.wait(), self._seconds + STALL_MARGIN_S)
            except TimeoutError:
                log.info("mic test: the microphone delivered %d of %d bytes", len(got), want)
        finally:
            self._mic = None
            mic.stop()
        return bytes(got[:want])

    async def _play(self, pcm: bytes, rate: int) -> None:
        speaker = self._make_speaker()
        speaker.start()
        try:
            speaker.feed(pcm, rate)
            speaker.end_turn()
            seconds = len(pcm) / 2 / rate
            fed = time.monotonic()
            while speaker.last_first_sample_time is None:
                if time.monotonic() - fed > START_TIMEOUT_S:
                    break
                await asyncio.sleep(_POLL_S)
            limit = time.monotonic() + seconds + START_TIMEOUT_S
            while speaker.is_playing and time.monotonic() < limit:
                await asyncio.sleep(_POLL_S)
            await asyncio.sleep(TAIL_S)
        finally:
            speaker.stop()


def _failure(exc: Exception) -> Finding:
    """A device that would not open: its own words (``AudioDeviceError.message``)."""
    log.warning("device test failed: %r", exc)
    said = getattr(exc, "message", None)
    if not isinstance(said, Message):
        said = message(M.DIAG_TEST_FAILED, str(exc))
    return Finding(Severity.PROBLEM, said)
