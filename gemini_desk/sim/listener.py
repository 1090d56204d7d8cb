"""Sans-I/O speech input: find utterances in 16 kHz audio, by the sim's VAD or by the
client's activityStart/End, with voiceActivity and interim transcription frames."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from . import frames as f
from .vad import EnergyVad, VadConfig, VadEvent, VadKind

RATE = 16000
_KEEP_SAMPLES_IDLE = RATE  # audio kept before a VAD start (1 s)


@dataclass(frozen=True)
class Heard:
    """``start``/``end`` of speech (``audio``: the utterance, at ``end``) or a ``signal``
    frame for the client (voiceActivity, interimInputTranscription)."""

    kind: Literal["start", "end", "signal"]
    frame: f.Frame | None = None
    audio: bytes = b""


class Listener:
    """Feed audio, get :class:`Heard` events.

    ``manual``: the client marks speech with activityStart/End and no voiceActivity is
    sent. ``interim_ms``: speech between interim transcriptions (0: none).
    """

    def __init__(self, vad: VadConfig, manual: bool, interim_ms: int) -> None:
        self.manual = manual
        self._vad = EnergyVad(vad)
        self._interim_step = RATE * interim_ms // 1000
        self._interim_upto = 0  # samples of the utterance covered by interim text
        self._stream = bytearray()  # audio since the sample ``_stream_base``
        self._stream_base = 0
        self._start: int | None = None  # VAD sample where the utterance began
        self._active = False  # between activityStart and activityEnd
        self._manual_audio = bytearray()

    @property
    def in_speech(self) -> bool:
        return self._active if self.manual else self._vad.in_speech

    def _interim(self, spoken: int) -> list[Heard]:
        out: list[Heard] = []
        if self._interim_step <= 0:
            return out
        while self._interim_upto + self._interim_step <= spoken:
            self._interim_upto += self._interim_step
            text = f"({self._interim_upto / RATE:.1f} s of speech so far)"
            out.append(Heard("signal", f.interim_input_transcription(text)))
        return out

    def activity_start(self) -> None:
        """The client's activityStart (manual mode)."""
        self._active = True
        self._manual_audio.clear()
        self._interim_upto = 0

    def activity_end(self) -> bytes | None:
        """The client's activityEnd: the utterance, or None if none was open."""
        if not self._active:
            return None
        self._active = False
        audio = bytes(self._manual_audio)
        self._manual_audio.clear()
        return audio

    def feed(self, pcm: bytes) -> list[Heard]:
        """16 kHz int16 audio from the client."""
        if self.manual:
            if not self._active:
                return []
            self._manual_audio.extend(pcm)
            return self._interim(len(self._manual_audio) // 2)
        self._stream.extend(pcm)
        out = self._events(self._vad.feed(pcm))
        if self._start is not None:
            out += self._interim(self._vad.speech_end - self._start)
        elif len(self._stream) > 4 * _KEEP_SAMPLES_IDLE:
            drop = len(self._stream) // 2 - _KEEP_SAMPLES_IDLE
            del self._stream[: drop * 2]
            self._stream_base += drop
        return out

    def flush(self) -> list[Heard]:
        """audioStreamEnd: close an open utterance now (automatic detection only)."""
        return [] if self.manual else self._events(self._vad.flush())

    def _events(self, events: list[VadEvent]) -> list[Heard]:
        out: list[Heard] = []
        for event in events:
            sample = event.sample
            if event.kind is VadKind.START:
                self._start = sample
                self._interim_upto = 0
                out.append(Heard("signal", f.voice_activity("ACTIVITY_START", sample / RATE)))
                out.append(Heard("start"))
                continue
            start = self._start if self._start is not None else 0
            out += self._interim(sample - start)
            a = max(0, start - self._stream_base) * 2
            b = max(0, sample - self._stream_base) * 2
            audio = bytes(self._stream[a:b])
            del self._stream[:b]
            self._stream_base += b // 2
            self._start = None
            out.append(Heard("signal", f.voice_activity("ACTIVITY_END", sample / RATE)))
            out.append(Heard("end", audio=audio))
        return out
