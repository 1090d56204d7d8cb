"""The honest local "model": echoes the user's speech and says what it received."""

from __future__ import annotations

import struct
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import soxr

from .protocol import Blob
from .tools import calling_answer, looks_like_search, search_answer, search_grounding

IN_RATE = 16000
OUT_RATE = 24000
_NOTES_HZ = (523.25, 659.25, 783.99)  # C5, E5, G5
THOUGHT_TEXT = "Local demo server: no reasoning happens here; this part stands in for a thought."


@dataclass(frozen=True)
class UserTurn:
    """Everything the user gave since the previous answer."""

    audio: bytes = b""  # 16 kHz int16 mono
    texts: tuple[str, ...] = ()
    video: tuple[Blob, ...] = ()
    tool_results: tuple[str, ...] = ()  # what each answered tool said
    source: str = "audio"  # "audio" | "realtime_text" | "client_content" | "tool_response"

    @property
    def audio_seconds(self) -> float:
        return len(self.audio) / 2 / IN_RATE


@dataclass(frozen=True)
class Reply:
    """What the model answers: 24 kHz int16 audio plus transcriptions.

    ``thoughts`` come first as thought parts; ``grounding`` rides on the answer's first
    message; a ``turn_complete_reason`` marks a blocked answer (its audio is what got
    out before the block); ``waiting_for_input`` means no answer, only waitingForInput.
    """

    audio: np.ndarray
    output_text: str
    input_text: str | None = None
    thoughts: tuple[str, ...] = ()
    grounding: Mapping[str, Any] | None = None
    turn_complete_reason: str | None = None
    waiting_for_input: bool = False

    @property
    def seconds(self) -> float:
        return self.audio.size / OUT_RATE


@dataclass(frozen=True)
class ScriptedReply:
    """A reply queued by a test instead of the echo; audio is 24 kHz int16.

    Without ``audio`` a chime is played, except for a blocked reply (one with a
    ``turn_complete_reason``), which then sends no audio at all. ``thoughts=None``
    leaves thought parts to the model (only extended thinking sends one).
    """

    text: str
    audio: np.ndarray | None = None
    input_text: str | None = None
    turn_complete_reason: str | None = None
    thoughts: tuple[str, ...] | None = None
    grounding: Mapping[str, Any] | None = None
    waiting_for_input: bool = False


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a JPEG's SOF marker, or None."""
    if not data.startswith(b"\xff\xd8"):
        return None
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            i += 1 if marker == 0xFF else 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE):
            if i + 9 > len(data):
                return None
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None


def describe_frames(frames: tuple[Blob, ...]) -> str:
    """E.g. '2 video frames (640x480 JPEG, 35 KB)' - size of the latest frame."""
    n = len(frames)
    noun = "video frame" if n == 1 else "video frames"
    last = frames[-1]
    kind = last.mime_type.split("/")[-1].upper() or "image"
    dims = jpeg_size(last.data)
    size_kb = max(1, round(len(last.data) / 1024))
    detail = f"{dims[0]}\u00d7{dims[1]} {kind}" if dims else kind
    return f"{n} {noun} ({detail}, {size_kb} KB)"


def _join(clauses: list[str]) -> str:
    if len(clauses) <= 1:
        return "".join(clauses)
    return ", ".join(clauses[:-1]) + ", and " + clauses[-1]


def describe_turn(turn: UserTurn, voice: str | None = None) -> str:
    """The output transcription: an honest account of what arrived (and, when a
    prebuilt ``voice`` was asked for, that it is not available here)."""
    clauses: list[str] = []
    if turn.audio:
        clauses.append(f"playing back what you said ({turn.audio_seconds:.1f} s)")
    if turn.video:
        clauses.append(f"received {describe_frames(turn.video)}")
    clauses.extend(f"the tool said: {result}" for result in turn.tool_results)
    if turn.texts:
        clauses.append("you typed: " + " ".join(turn.texts))
    if not clauses:
        clauses.append("I received nothing I can play back")
    prefix = "Local demo server: "
    if voice:
        prefix += f"the voice {voice} is not available here; "
    return prefix + _join(clauses)


def describe_input(turn: UserTurn) -> str | None:
    """The input transcription: what was heard, never invented words.

    Like the service's inputAudioTranscription it covers audio only: typed text is
    already the client's, and is not echoed back as a transcription.
    """
    if turn.audio:
        return f"({turn.audio_seconds:.1f} s of speech)"
    return None


def resample_int16(samples: np.ndarray, in_rate: int, out_rate: int) -> np.ndarray:
    """Resample int16 PCM with soxr (high quality), returning int16."""
    if samples.size == 0 or in_rate == out_rate:
        return np.asarray(samples, dtype=np.int16)
    floats = np.asarray(samples, dtype=np.float32) / 32768.0
    out = np.asarray(soxr.resample(floats, in_rate, out_rate), dtype=np.float64)
    result: np.ndarray = np.clip(np.round(out * 32768.0), -32768, 32767).astype(np.int16)
    return result


def upsample(pcm16k: bytes) -> np.ndarray:
    """16 kHz int16 bytes -> 24 kHz int16 array."""
    return resample_int16(np.frombuffer(pcm16k, dtype="<i2"), IN_RATE, OUT_RATE)


def chime(note_s: float = 0.22, amplitude: float = 0.25) -> np.ndarray:
    """A short rising three-note chime at 24 kHz."""
    n = int(note_s * OUT_RATE)
    t = np.arange(n) / OUT_RATE
    fade = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.02)
    decay = np.exp(-3.0 * t / note_s)
    notes = [np.sin(2 * np.pi * f * t) * fade * decay for f in _NOTES_HZ]
    gap = np.zeros(int(0.03 * OUT_RATE))
    wave = np.concatenate([x for note in notes for x in (note, gap)])
    return np.round(wave * amplitude * 32767).astype(np.int16)


def chimes(seconds: float) -> np.ndarray:
    """Chimes repeated to last ``seconds`` (at least one)."""
    one = chime()
    count = max(1, int(np.ceil(seconds * OUT_RATE / one.size)))
    return np.tile(one, count)[: max(one.size, int(seconds * OUT_RATE))]


@dataclass
class LocalModel:
    """Turns user input into replies; tests may queue scripted replies first."""

    scripted: deque[ScriptedReply] = field(default_factory=deque)

    def respond(
        self, turn: UserTurn, voice: str | None = None, think: bool = False, search: bool = False
    ) -> Reply:
        """Answer ``turn``; ``voice`` is a prebuilt voice to own up to not having,
        ``think`` adds a thought part (for models that show their thinking), ``search``
        (Google Search declared) grounds a search-like question on placeholder sources."""
        own_thoughts = (THOUGHT_TEXT,) if think else ()
        if self.scripted:
            s = self.scripted.popleft()
            if s.audio is not None:
                audio = s.audio
            else:
                audio = np.zeros(0, np.int16) if s.turn_complete_reason else chime()
            return Reply(
                audio=np.asarray(audio, dtype=np.int16),
                output_text=s.text,
                input_text=s.input_text if s.input_text is not None else describe_input(turn),
                thoughts=own_thoughts if s.thoughts is None else tuple(s.thoughts),
                grounding=s.grounding,
                turn_complete_reason=s.turn_complete_reason,
                waiting_for_input=s.waiting_for_input,
            )
        if search and turn.texts and looks_like_search(turn.texts):
            query = " ".join(t.strip() for t in turn.texts)
            return Reply(
                audio=chime(),
                output_text=search_answer(query),
                input_text=describe_input(turn),
                thoughts=own_thoughts,
                grounding=search_grounding(query),
            )
        audio = upsample(turn.audio) if turn.audio else chime()
        return Reply(
            audio=audio,
            output_text=describe_turn(turn, voice),
            input_text=describe_input(turn),
            thoughts=own_thoughts,
        )


def announce_calls(names: tuple[str, ...], seconds: float, think: bool = False) -> Reply:
    """What the model says while non-blocking calls run: ``seconds`` of chimes."""
    return Reply(
        audio=chimes(seconds),
        output_text=calling_answer(names),
        thoughts=(THOUGHT_TEXT,) if think else (),
    )


def estimate_tokens(
    turn: UserTurn, reply: Reply, sent_seconds: float
) -> tuple[dict[str, int], dict[str, int]]:
    """Rough usage figures (25 tokens/s of audio, 258 per image, 4 chars per token)."""
    prompt = {
        "AUDIO": round(turn.audio_seconds * 25),
        "IMAGE": 258 * len(turn.video),
        "TEXT": sum(max(1, len(t) // 4) for t in turn.texts),
    }
    response = {"AUDIO": round(sent_seconds * 25), "TEXT": max(1, len(reply.output_text) // 4)}
    return prompt, response
