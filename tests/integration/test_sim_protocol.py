"""Sans-I/O tests of the sim's wire format, VAD and local model."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from gemini_desk.sim import SimConfig, SimSession
from gemini_desk.sim import frames as f
from gemini_desk.sim import protocol as p
from gemini_desk.sim.model import LocalModel, UserTurn, describe_turn, jpeg_size
from gemini_desk.sim.records import RecordLimits
from gemini_desk.sim.vad import EnergyVad, VadConfig, VadKind
from tests.support.deep_size import deep_size

PCM = bytes(range(256)) * 2  # contains bytes that URL-safe base64 spells with - and _


def _frame(obj: object) -> bytes:
    return json.dumps(obj).encode()


def test_realtime_audio_urlsafe_base64_snake_case() -> None:
    data = base64.urlsafe_b64encode(PCM).decode()
    assert "-" in data or "_" in data
    msg = p.parse_client_message(
        _frame({"realtime_input": {"audio": {"data": data, "mime_type": "audio/pcm;rate=16000"}}})
    )
    assert isinstance(msg, p.RealtimeInput)
    assert msg.audio == (p.Blob("audio/pcm;rate=16000", PCM),)


def test_realtime_camel_case_standard_base64_unpadded_media_chunks() -> None:
    data = base64.b64encode(PCM[:7]).decode().rstrip("=")
    msg = p.parse_client_message(
        _frame(
            {
                "realtime_input": {
                    "mediaChunks": [
                        {"data": data, "mimeType": "audio/pcm"},
                        {
                            "data": base64.b64encode(b"\xff\xd8jpeg").decode(),
                            "mimeType": "image/jpeg",
                        },
                    ],
                    "activityStart": {},
                    "audioStreamEnd": True,
                }
            }
        )
    )
    assert isinstance(msg, p.RealtimeInput)
    assert msg.audio[0].data == PCM[:7]
    assert msg.video[0] == p.Blob("image/jpeg", b"\xff\xd8jpeg")
    assert msg.activity_start and msg.audio_stream_end and not msg.activity_end


@pytest.mark.parametrize("key", ["activity_end", "activityEnd"])
def test_activity_end_and_text(key: str) -> None:
    msg = p.parse_client_message(_frame({"realtime_input": {key: {}, "text": "hi"}}))
    assert isinstance(msg, p.RealtimeInput)
    assert msg.activity_end and msg.text == "hi"


@pytest.mark.parametrize(
    ("top", "turns", "complete"),
    [("client_content", "turns", "turnComplete"), ("clientContent", "turns", "turn_complete")],
)
def test_client_content(top: str, turns: str, complete: str) -> None:
    img = base64.urlsafe_b64encode(b"\xff\xd8\xff").decode()
    body = {
        turns: [
            {
                "role": "user",
                "parts": [
                    {"text": "hello"},
                    {"inline_data": {"data": img, "mime_type": "image/jpeg"}},
                ],
            },
            {"role": "model", "parts": [{"text": "earlier answer"}]},
        ],
        complete: True,
    }
    msg = p.parse_client_message(_frame({top: body}))
    assert isinstance(msg, p.ClientContent)
    assert msg.turn_complete
    assert msg.turns[0].texts == ("hello",)
    assert msg.turns[0].blobs == (p.Blob("image/jpeg", b"\xff\xd8\xff"),)
    assert msg.turns[1].role == "model"


def test_tool_response_both_spellings() -> None:
    for top, inner in (
        ("tool_response", "function_responses"),
        ("toolResponse", "functionResponses"),
    ):
        msg = p.parse_client_message(
            _frame({top: {inner: [{"id": "c1", "name": "f", "response": {"ok": 1}}]}})
        )
        assert isinstance(msg, p.ToolResponse)
        assert msg.function_responses[0]["name"] == "f"


def test_setup_snake_and_camel_vad_settings() -> None:
    raw = {
        "model": "models/gemini-3.8-live",
        "generationConfig": {"responseModalities": ["AUDIO"]},
        "inputAudioTranscription": {},
        "sessionResumption": {"handle": "h1"},
        "realtimeInputConfig": {
            "automatic_activity_detection": {"silence_duration_ms": 300, "prefixPaddingMs": 20},
            "activityHandling": "NO_INTERRUPTION",
        },
    }
    msg = p.parse_client_message(_frame({"setup": raw}))
    assert isinstance(msg, p.Setup)
    assert msg.model == "models/gemini-3.8-live"
    assert msg.input_transcription and not msg.output_transcription
    assert msg.resumption and msg.resume_handle == "h1"
    assert msg.vad.silence_duration_ms == 300 and msg.vad.prefix_padding_ms == 20
    assert not msg.vad.disabled and not msg.vad.interrupt_on_activity
    cfg = VadConfig().with_setup(msg.vad)
    assert (cfg.silence_ms, cfg.start_ms) == (300, 20)
    manual = p.parse_setup(
        {"model": "m", "realtime_input_config": {"automaticActivityDetection": {"disabled": True}}}
    )
    assert manual.vad.disabled and not manual.resumption


@pytest.mark.parametrize(
    "bad", [b"not json", b"[1, 2]", b'{"realtime_input": {"audio": {"data": "%%%"}}}']
)
def test_invalid_frames(bad: bytes) -> None:
    with pytest.raises(p.ProtocolError):
        p.parse_client_message(bad)


def test_unknown_message_and_missing_model() -> None:
    assert p.parse_client_message(b'{"foo": {}}') == p.Unknown(keys=("foo",))
    with pytest.raises(p.ProtocolError):
        p.parse_client_message(b'{"setup": {}}')


def test_server_frames_are_camel_case_binary_json() -> None:
    chunk = json.loads(f.encode_frame(f.audio_chunk(b"\x01\x02")))
    assert chunk == {
        "serverContent": {
            "modelTurn": {
                "parts": [
                    {
                        "inlineData": {
                            "mimeType": "audio/pcm;rate=24000",
                            "data": base64.b64encode(b"\x01\x02").decode(),
                        }
                    }
                ]
            }
        }
    }
    assert f.setup_complete() == {"setupComplete": {}}
    assert f.interrupted() == {"serverContent": {"interrupted": True}}
    assert f.turn_complete() == {"serverContent": {"turnComplete": True}}
    assert f.generation_complete() == {"serverContent": {"generationComplete": True}}
    assert f.input_transcription("a") == {"serverContent": {"inputTranscription": {"text": "a"}}}
    assert f.output_transcription("b") == {"serverContent": {"outputTranscription": {"text": "b"}}}
    assert f.go_away(5) == {"goAway": {"timeLeft": "5s"}}
    assert f.go_away(0.5) == {"goAway": {"timeLeft": "0.500s"}}
    assert f.session_resumption_update("h", True) == {
        "sessionResumptionUpdate": {"newHandle": "h", "resumable": True}
    }
    usage = f.usage_metadata({"AUDIO": 10, "TEXT": 0}, {"AUDIO": 5})["usageMetadata"]
    assert usage["totalTokenCount"] == 15
    assert usage["promptTokensDetails"] == [{"modality": "AUDIO", "tokenCount": 10}]
    call = f.tool_call([{"id": "1", "name": "f", "args": {}}])
    assert call == {"toolCall": {"functionCalls": [{"id": "1", "name": "f", "args": {}}]}}
    assert f.tool_call_cancellation(["1"]) == {"toolCallCancellation": {"ids": ["1"]}}
    assert isinstance(f.encode_frame(f.setup_complete()), bytes)


def test_setup_voice_name_both_spellings() -> None:
    camel = {"speechConfig": {"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Kore"}}}}
    snake = {"speech_config": {"voice_config": {"prebuilt_voice_config": {"voice_name": "Puck"}}}}
    assert p.parse_setup({"model": "m", "generationConfig": camel}).voice_name == "Kore"
    assert p.parse_setup({"model": "m", "generation_config": snake}).voice_name == "Puck"
    assert p.parse_setup({"model": "m"}).voice_name is None


def test_truncate_reason_keeps_whole_characters_within_123_bytes() -> None:
    assert p.truncate_reason("short") == "short"
    cut = p.truncate_reason("é" * 100)  # 200 bytes
    assert cut == "é" * 61 and len(cut.encode()) == 122


def _tone(seconds: float, amplitude: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * 16000)) / 16000
    return (np.sin(2 * np.pi * 220 * t) * amplitude * 32767).astype(np.int16)


def _silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * 16000), dtype=np.int16)


def test_vad_start_and_end_positions() -> None:
    vad = EnergyVad(VadConfig(start_ms=40, silence_ms=300))
    audio = np.concatenate([_silence(0.5), _tone(1.0), _silence(0.5)])
    events = []
    for off in range(0, audio.size, 320):  # 20 ms chunks
        events += vad.feed(audio[off : off + 320].tobytes())
    assert [e.kind for e in events] == [VadKind.START, VadKind.END]
    assert events[0].sample == 8000
    assert events[1].sample == 24000
    assert not vad.in_speech


def test_vad_ignores_short_clicks_and_short_pauses() -> None:
    vad = EnergyVad(VadConfig(start_ms=40, silence_ms=300))
    clicks = np.concatenate([_silence(0.2), _tone(0.02), _silence(0.2)])
    assert vad.feed(clicks) == []
    speech = np.concatenate([_tone(0.3), _silence(0.2), _tone(0.3)])
    events = vad.feed(speech)
    assert [e.kind for e in events] == [VadKind.START]
    assert [e.kind for e in vad.flush()] == [VadKind.END]


def test_vad_quiet_noise_is_not_speech() -> None:
    rng = np.random.default_rng(1)
    noise = (rng.standard_normal(16000) * 100).astype(np.int16)  # about -50 dBFS
    assert EnergyVad().feed(noise) == []


def test_model_echo_and_description() -> None:
    audio = _tone(1.8).tobytes()
    jpeg = b"\xff\xd8\xff\xe0\x00\x04ab\xff\xc0\x00\x11\x08\x01\xe0\x02\x80" + b"\x00" * 35 * 1024
    assert jpeg_size(jpeg) == (640, 480)
    turn = UserTurn(
        audio=audio,
        texts=("hello",),
        video=(p.Blob("image/jpeg", jpeg), p.Blob("image/jpeg", jpeg)),
    )
    assert describe_turn(turn) == (
        "Local demo server: playing back what you said (1.8 s), received 2 video frames "
        "(640\u00d7480 JPEG, 35 KB), and you typed: hello"
    )
    reply = LocalModel().respond(turn)
    assert reply.input_text == "(1.8 s of speech)"
    assert abs(reply.seconds - 1.8) < 0.01
    text_reply = LocalModel().respond(UserTurn(texts=("hi",), source="client_content"))
    assert text_reply.output_text == "Local demo server: you typed: hi"
    assert text_reply.input_text is None and 0.3 < text_reply.seconds < 2


# ---- what a connection's record keeps (issue 18, finding 3) --------------------------------


def _fill(rec: SimSession, n: int = 10) -> None:
    """``n`` audio chunks, frames, messages (odd ones small), texts and activity events."""
    for i in range(n):
        rec.note_audio(bytes([i]) * 640, "audio/pcm;rate=16000")
        rec.note_frame("image/jpeg", bytes([i]) * 5000)
        small = i % 2 == 1
        rec.note_message("realtime_input", {"n": i}, size=20 if small else 600)
        rec.note_texts([f"text {i}"])
        rec.note_activity("start", "vad")
        rec.note_sent("serverContent")


LIMITS = RecordLimits(audio_bytes=1000, entries=4, raw_bytes=100)


def test_a_bounded_record_keeps_counts_and_only_a_tail() -> None:
    rec = SimSession(id=1, limits=LIMITS)
    _fill(rec)
    all_audio = b"".join(bytes([i]) * 640 for i in range(10))
    assert (rec.audio_bytes_received, rec.audio_chunks_received) == (6400, 10)
    assert rec.audio_bytes == all_audio[-1000:]
    assert rec.audio_chunk_sizes == [640] * 4 and len(rec.audio_mime_types) == 4
    assert (rec.video_frame_count, rec.video_bytes_received) == (10, 50000)
    assert [v.data for v in rec.video_frames] == [bytes([9]) * 5000]  # only the last one
    assert rec.video_sizes == [("image/jpeg", 5000)] * 4
    assert rec.message_count == 10 and rec.message_kinds == {"realtime_input": 10}
    # A bounded ring of messages; the JSON of a bulky one is not kept.
    assert [m.raw for m in rec.messages] == [None, {"n": 7}, None, {"n": 9}]
    assert rec.kinds() == ["realtime_input"] * 4
    assert rec.texts == ["text 6", "text 7", "text 8", "text 9"]
    assert len(rec.activity) == 4 and len(rec.sent_kinds) == 4 and rec.sent_count == 10


def test_an_ended_bounded_record_keeps_only_its_summary() -> None:
    rec = SimSession(id=1, limits=LIMITS, setup={"model": "m", "systemInstruction": "x" * 9999})
    _fill(rec, 50)
    rec.tool_responses.append({"id": "c", "response": {"big": "x" * 9999}})
    rec.end()
    assert rec.closed
    assert not (rec.audio or rec.video_frames or rec.messages or rec.texts or rec.activity)
    assert rec.setup is None and not rec.tool_responses and not rec.sent_kinds
    assert (rec.audio_bytes_received, rec.video_frame_count, rec.message_count) == (
        50 * 640,
        50,
        50,
    )
    assert deep_size(rec) < 8 * 1024


def test_a_full_record_keeps_everything_after_the_end() -> None:
    rec = SimSession(id=1)  # full, as the tests' sim fixture asks
    _fill(rec)
    rec.end()
    assert rec.audio_bytes == b"".join(bytes([i]) * 640 for i in range(10))
    assert [v.data[0] for v in rec.video_frames] == list(range(10))
    assert [m.raw for m in rec.messages] == [{"n": i} for i in range(10)]
    assert len(rec.texts) == len(rec.activity) == len(rec.sent_kinds) == 10


def test_sim_records_are_bounded_unless_full_recording_is_asked_for() -> None:
    limits = SimConfig(keep_audio_s=2.0, keep_entries=5).record_limits()
    assert limits is not None
    assert (limits.audio_bytes, limits.entries) == (2 * 32000, 5)
    assert SimConfig(full_records=True).record_limits() is None
