"""Sans-I/O tests of what the sim sends: new frames, the listener's signals, the player."""

from __future__ import annotations

import asyncio
import base64

import numpy as np
import pytest

from gemini_desk.sim import catalogue as c
from gemini_desk.sim import frames as f
from gemini_desk.sim import protocol as p
from gemini_desk.sim.listener import Listener
from gemini_desk.sim.model import THOUGHT_TEXT, LocalModel, Reply, ScriptedReply, UserTurn
from gemini_desk.sim.player import AnswerPlayer, Pacing
from gemini_desk.sim.records import TurnRecord
from gemini_desk.sim.vad import VadConfig

RATE = 16000


def tone(seconds: float, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (np.sin(2 * np.pi * 220 * t) * 0.3 * 32767).astype(np.int16)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.int16)


# ---- frames ---------------------------------------------------------------------------


def test_audio_and_its_transcription_share_one_message() -> None:
    assert f.audio_chunk(b"\x01\x00", "Hello") == {
        "serverContent": {
            "modelTurn": {
                "parts": [{"inlineData": {"mimeType": "audio/pcm;rate=24000", "data": "AQA="}}]
            },
            "outputTranscription": {"text": "Hello"},
        }
    }
    assert "outputTranscription" not in f.audio_chunk(b"\x01\x00", "")["serverContent"]


def test_new_signal_frames() -> None:
    assert f.voice_activity("ACTIVITY_START", 1.24) == {
        "voiceActivity": {"type": "ACTIVITY_START", "audioOffset": "1.240s"}
    }
    assert f.voice_activity("ACTIVITY_END", 2) == {
        "voiceActivity": {"type": "ACTIVITY_END", "audioOffset": "2s"}
    }
    with pytest.raises(ValueError):
        f.voice_activity("SPEECH", 0)
    assert f.interim_input_transcription("(0.3 s of speech so far)") == {
        "serverContent": {"interimInputTranscription": {"text": "(0.3 s of speech so far)"}}
    }
    assert f.thought("hmm") == {
        "serverContent": {"modelTurn": {"parts": [{"text": "hmm", "thought": True}]}}
    }
    assert f.turn_complete("PROHIBITED_INPUT_CONTENT", "IDLE") == {
        "serverContent": {
            "turnComplete": True,
            "turnCompleteReason": "PROHIBITED_INPUT_CONTENT",
            "interactionStatus": "IDLE",
        }
    }
    assert f.waiting_for_input() == {"serverContent": {"waitingForInput": True}}
    grounded = f.with_grounding(f.text_chunk("x"), {"webSearchQueries": ["q"]})
    assert grounded["serverContent"]["groundingMetadata"] == {"webSearchQueries": ["q"]}
    assert grounded["serverContent"]["modelTurn"] == {"parts": [{"text": "x"}]}
    assert f.frame_kind(f.voice_activity("ACTIVITY_END", 0)) == "voiceActivity"
    assert f.frame_kind(f.audio_chunk(b"", "a")) == "serverContent.modelTurn"


# ---- listener ---------------------------------------------------------------------------


def feed_all(listener: Listener, audio: np.ndarray, chunk: int = 320) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for off in range(0, audio.size, chunk):
        for event in listener.feed(audio[off : off + chunk].tobytes()):
            out.append((event.kind, event.frame if event.kind == "signal" else event.audio))
    return out


def test_automatic_detection_sends_voice_activity_and_interim_text_before_the_end() -> None:
    listener = Listener(VadConfig(start_ms=40, silence_ms=300), manual=False, interim_ms=300)
    speech = tone(1.0)
    events = feed_all(listener, np.concatenate([silence(0.5), speech, silence(0.5)]))
    kinds = [k for k, _ in events]
    assert events[0] == ("signal", f.voice_activity("ACTIVITY_START", 0.5))
    assert kinds[1] == "start"
    interims = [
        frame["serverContent"]["interimInputTranscription"]["text"]  # type: ignore[index]
        for kind, frame in events
        if kind == "signal" and "serverContent" in frame  # type: ignore[operator]
    ]
    assert interims == [f"({s} s of speech so far)" for s in ("0.3", "0.6", "0.9")]
    assert events[-2] == ("signal", f.voice_activity("ACTIVITY_END", 1.5))
    assert events[-1] == ("end", speech.tobytes())
    assert kinds.count("end") == 1


def test_no_interim_text_without_transcription_and_flush_closes_the_utterance() -> None:
    listener = Listener(VadConfig(start_ms=40, silence_ms=300), manual=False, interim_ms=0)
    events = feed_all(listener, tone(0.8))
    assert [k for k, _ in events] == ["signal", "start"]
    flushed = listener.flush()
    assert [e.kind for e in flushed] == ["signal", "end"]
    assert flushed[0].frame == f.voice_activity("ACTIVITY_END", 0.8)


def test_manual_activity_gets_interim_text_but_no_voice_activity() -> None:
    listener = Listener(VadConfig(), manual=True, interim_ms=300)
    assert feed_all(listener, tone(0.5)) == []  # before activityStart: ignored
    listener.activity_start()
    assert listener.in_speech
    events = feed_all(listener, tone(0.7))
    assert [frame for _, frame in events] == [
        f.interim_input_transcription("(0.3 s of speech so far)"),
        f.interim_input_transcription("(0.6 s of speech so far)"),
    ]
    assert listener.activity_end() == tone(0.7).tobytes()
    assert listener.activity_end() is None
    assert listener.flush() == []


# ---- model ----------------------------------------------------------------------------


def test_echo_names_the_voice_it_cannot_use_and_thinks_when_asked() -> None:
    turn = UserTurn(texts=("hi",), source="client_content")
    reply = LocalModel().respond(turn, voice="Kore", think=True)
    assert reply.output_text == (
        "Local demo server: the voice Kore is not available here; you typed: hi"
    )
    assert reply.thoughts == (THOUGHT_TEXT,)
    assert LocalModel().respond(turn).thoughts == ()


def test_scripted_blocked_reply_has_no_audio_unless_given() -> None:
    model = LocalModel()
    model.scripted.append(ScriptedReply("", turn_complete_reason="PROHIBITED_INPUT_CONTENT"))
    model.scripted.append(ScriptedReply("x", thoughts=()))
    blocked = model.respond(UserTurn(texts=("a",)), think=True)
    assert blocked.audio.size == 0 and blocked.turn_complete_reason == "PROHIBITED_INPUT_CONTENT"
    assert blocked.thoughts == (THOUGHT_TEXT,)  # the model's own, as none were scripted
    assert model.respond(UserTurn(texts=("b",)), think=True).thoughts == ()


# ---- player ---------------------------------------------------------------------------


def play(reply: Reply, model: str = "gemini-3.8-live", **setup: object) -> list[f.Frame]:
    spec = c.find_model(model)
    assert spec is not None
    raw = {"model": model, "inputAudioTranscription": {}, "outputAudioTranscription": {}}
    parsed = p.parse_setup({**raw, **setup})
    sent: list[f.Frame] = []

    async def send(frame: f.Frame) -> None:
        sent.append(frame)

    player = AnswerPlayer(send, parsed, spec, Pacing(lambda: "burst", 2.0, 0.5), chunk_ms=40)
    rec = TurnRecord(0, "audio", reply.input_text, reply.output_text, reply.seconds)
    asyncio.run(asyncio.wait_for(player.play(reply, rec), 5))
    assert rec.completed
    return sent


def _parts(frame: f.Frame) -> list[dict[str, object]]:
    return list(frame.get("serverContent", {}).get("modelTurn", {}).get("parts", []))


def test_answer_frames_carry_audio_with_transcription_then_idle_turn_complete() -> None:
    audio = tone(0.2, 24000)
    sent = play(Reply(audio, "one two three four five", input_text="(1.0 s of speech)"))
    assert sent[0] == f.input_transcription("(1.0 s of speech)")
    chunks = [fr for fr in sent if _parts(fr)]
    assert len(chunks) == 5  # 0.2 s in 40 ms chunks
    data = b"".join(
        base64.b64decode(str(_parts(fr)[0]["inlineData"]["data"]))  # type: ignore[index]
        for fr in chunks
    )
    assert data == audio.tobytes()
    said = [fr["serverContent"]["outputTranscription"]["text"] for fr in chunks]
    assert "".join(said) == "one two three four five"
    assert sent[-2:] == [f.generation_complete(), f.turn_complete(None, "IDLE")]


def test_older_models_send_no_interaction_status() -> None:
    sent = play(Reply(tone(0.04, 24000), "x"), model="gemini-3.1-flash-live-preview")
    assert sent[-1] == f.turn_complete()


def test_blocked_answer_stops_with_its_reason() -> None:
    partial = Reply(tone(0.08, 24000), "half", turn_complete_reason="GENERATED_AUDIO_SAFETY")
    sent = play(partial)
    assert len([fr for fr in sent if _parts(fr)]) == 2
    assert f.generation_complete() not in sent
    assert sent[-1] == f.turn_complete("GENERATED_AUDIO_SAFETY", "IDLE")
    nothing = play(Reply(np.zeros(0, np.int16), "", turn_complete_reason="RESPONSE_REJECTED"))
    assert nothing == [f.turn_complete("RESPONSE_REJECTED", "IDLE")]


def test_thoughts_come_first_and_grounding_rides_on_the_first_audio() -> None:
    meta = {"webSearchQueries": ["weather"]}
    sent = play(Reply(tone(0.08, 24000), "it rains", thoughts=("t1", "t2"), grounding=meta))
    assert sent[0] == f.thought("t1") and sent[1] == f.thought("t2")
    assert sent[2]["serverContent"]["groundingMetadata"] == meta
    assert "groundingMetadata" not in sent[3]["serverContent"]
    text_only = play(Reply(np.zeros(0, np.int16), "", grounding=meta))
    assert text_only[0] == f.grounding(meta)
