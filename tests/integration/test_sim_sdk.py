"""The real google-genai SDK against the local Live API sim, over real TLS."""

from __future__ import annotations

import asyncio
import json
import re
import time

import numpy as np
import pytest
import soxr
import websockets
from google import genai
from google.genai import errors, types
from websockets.asyncio.client import connect as ws_connect

from gemini_desk.sim import Fault, SimConfig, SimThread
from gemini_desk.sim.tls import client_ssl_context
from tests.support.sim_fixtures import (
    MIME_16K,
    MODEL,
    Msg,
    audio_of,
    collect_turn,
    espeak_pcm16k,
    flags,
    live,
    live_config,
    manual_vad_config,
    receive_until_error,
    say_hello,
    sdk_client,
    sim,
    speak,
    transcript,
)

__all__ = ["sim"]  # the fixture, imported for pytest

FAST_VAD = SimConfig(vad_silence_ms=300)


def max_normalized_xcorr(ref: np.ndarray, probe: np.ndarray) -> float:
    """Best normalized correlation of ``probe`` against any window of ``ref``."""
    ref = ref.astype(np.float64)
    probe = probe.astype(np.float64)
    if probe.size > ref.size:
        ref, probe = probe, ref
    nfft = 1 << int(np.ceil(np.log2(ref.size + probe.size)))
    corr = np.fft.irfft(np.fft.rfft(ref, nfft) * np.conj(np.fft.rfft(probe, nfft)), nfft)
    corr = corr[: ref.size - probe.size + 1]
    csum = np.concatenate([[0.0], np.cumsum(ref**2)])
    window = csum[probe.size :] - csum[: -probe.size]
    denom = np.sqrt(np.maximum(window, 1e-9)) * np.linalg.norm(probe)
    return float(np.max(corr / denom))


def tone24k(seconds: float, hz: float = 330.0) -> np.ndarray:
    t = np.arange(int(seconds * 24000)) / 24000
    return (np.sin(2 * np.pi * hz * t) * 0.2 * 32767).astype(np.int16)


def fake_jpeg(width: int, height: int, size: int) -> bytes:
    sof = b"\xff\xc0\x00\x11\x08" + height.to_bytes(2, "big") + width.to_bytes(2, "big")
    head = b"\xff\xd8\xff\xe0\x00\x04ab" + sof + b"\x03" + b"\x00" * 9
    return head + b"\x00" * (size - len(head) - 2) + b"\xff\xd9"


# ---- turns -------------------------------------------------------------------------


def test_text_turn_gets_audio_transcription_and_stays_open_for_real_time(sim: SimThread) -> None:
    sim.set_pacing("burst")

    async def main() -> tuple[list[Msg], float, list[Msg]]:
        async with live(sim) as session:
            t0 = time.monotonic()
            msgs = await say_hello(session)
            elapsed = time.monotonic() - t0
            sim.queue_reply("second")
            more = await say_hello(session, "again")
            return msgs, elapsed, more

    msgs, elapsed, more = asyncio.run(main())
    audio = audio_of(msgs)
    assert len(audio) > 24000  # a chime of more than half a second
    assert transcript(msgs, "output_transcription") == "Local demo server: you typed: hello"
    assert flags(msgs)[-2:] == ["generation_complete", "turn_complete"]
    # all audio came at once, yet turnComplete waited for its real-time length
    assert elapsed >= len(audio) / 2 / 24000 - 0.05
    # the previous turn's usage metadata arrives before the next turn's content
    assert more[0].usage_metadata is not None
    assert transcript(more, "output_transcription") == "second"
    record = sim.server.sessions[0]
    assert record.texts == ["hello", "again"]
    assert [t.source for t in record.answered] == ["client_content", "client_content"]


@pytest.mark.parametrize("sim", [FAST_VAD], indirect=True)
def test_spoken_turn_is_recorded_exactly_and_echoed(sim: SimThread) -> None:
    speech = espeak_pcm16k("Hello there, this is a test of the local server.")

    async def main() -> tuple[bytes, list[Msg]]:
        async with live(sim) as session:
            receiver = asyncio.create_task(collect_turn(session, timeout=20))
            sent = await speak(session, speech)
            return sent, await receiver

    sent, msgs = asyncio.run(main())
    record = sim.server.sessions[0]
    assert record.audio_bytes == sent
    assert record.audio_chunk_sizes == [min(640, len(sent) - o) for o in range(0, len(sent), 640)]
    assert set(record.audio_mime_types) == {MIME_16K}
    assert [(a.kind, a.source) for a in record.activity] == [("start", "vad"), ("end", "vad")]

    reply = np.frombuffer(audio_of(msgs), dtype="<i2")
    back = soxr.resample(reply.astype(np.float32) / 32768, 24000, 16000)
    assert abs(back.size - speech.size) < 0.15 * speech.size
    assert max_normalized_xcorr(speech.astype(np.float32) / 32768, back) > 0.8

    heard = transcript(msgs, "input_transcription")
    assert heard.startswith("(") and heard.endswith(" s of speech)")
    said = transcript(msgs, "output_transcription")
    assert re.fullmatch(r"Local demo server: playing back what you said \(\d+\.\d s\)", said), said
    assert flags(msgs)[-1] == "turn_complete"


@pytest.mark.parametrize("sim", [FAST_VAD], indirect=True)
def test_barge_in_while_streaming_interrupts(sim: SimThread) -> None:
    sim.queue_reply("a long answer", audio=tone24k(4.0))
    speech = espeak_pcm16k("Stop.")

    async def main() -> list[Msg]:
        async with live(sim) as session:
            spoke: list[asyncio.Task[bytes]] = []

            async def on_message(msg: Msg) -> None:
                if not spoke and msg.server_content and msg.server_content.model_turn:
                    spoke.append(asyncio.create_task(speak(session, speech, silence_s=0.4)))

            turn = types.Content(role="user", parts=[types.Part(text="talk")])
            await session.send_client_content(turns=turn, turn_complete=True)
            msgs = await collect_turn(session, on_message=on_message)
            await spoke[0]
            # the words that interrupted are a turn of their own (and reading it lets the
            # client see the close frame behind its audio when the session ends)
            echo = await collect_turn(session)
            assert "playing back what you said" in transcript(echo, "output_transcription")
            return msgs

    msgs = asyncio.run(main())
    f = flags(msgs)
    assert f[-2:] == ["interrupted", "turn_complete"]
    assert "audio" not in f[f.index("interrupted") :]
    assert len(audio_of(msgs)) < 4.0 * 24000 * 2
    record = sim.server.sessions[0]
    assert record.turns[0].interrupted and record.turns[0].completed


@pytest.mark.parametrize("sim", [FAST_VAD], indirect=True)
def test_answer_sent_in_burst_stays_interruptible_until_real_time_end(sim: SimThread) -> None:
    sim.set_pacing("burst")
    sim.queue_reply("burst answer", audio=tone24k(3.0))
    speech = espeak_pcm16k("Wait.")

    async def main() -> tuple[list[Msg], float]:
        async with live(sim) as session:
            marks: dict[str, float] = {}
            tasks: list[asyncio.Task[bytes]] = []

            async def on_message(msg: Msg) -> None:
                sc = msg.server_content
                if sc and sc.generation_complete:
                    marks["generation_complete"] = time.monotonic()
                    tasks.append(asyncio.create_task(speak(session, speech, silence_s=0.4)))
                if sc and sc.interrupted:
                    marks["interrupted"] = time.monotonic()

            await session.send_client_content(
                turns=types.Content(role="user", parts=[types.Part(text="go")]),
                turn_complete=True,
            )
            msgs = await collect_turn(session, on_message=on_message)
            await tasks[0]
            await collect_turn(session)  # the echo of the interrupting words
            return msgs, marks["interrupted"] - marks["generation_complete"]

    msgs, gap = asyncio.run(main())
    assert len(audio_of(msgs)) == 3 * 24000 * 2  # everything was already sent
    assert flags(msgs)[-3:] == ["generation_complete", "interrupted", "turn_complete"]
    assert gap < 2.0


def test_manual_activity_signals(sim: SimThread) -> None:
    speech = espeak_pcm16k("One two three.")
    cfg = manual_vad_config()

    async def main() -> list[Msg]:
        async with live(sim, cfg) as session:
            await session.send_realtime_input(activity_start=types.ActivityStart())
            data = speech.tobytes()
            for off in range(0, len(data), 640):
                blob = types.Blob(data=data[off : off + 640], mime_type=MIME_16K)
                await session.send_realtime_input(audio=blob)
            await session.send_realtime_input(activity_end=types.ActivityEnd())
            return await collect_turn(session)

    msgs = asyncio.run(main())
    record = sim.server.sessions[0]
    assert [(a.kind, a.source) for a in record.activity] == [("start", "client"), ("end", "client")]
    assert record.audio_bytes == speech.tobytes()
    assert abs(len(audio_of(msgs)) / 2 / 24000 - speech.size / 16000) < 0.01
    assert transcript(msgs, "input_transcription") == f"({speech.size / 16000:.1f} s of speech)"


def test_audio_stream_end_flushes_the_utterance(sim: SimThread) -> None:
    speech = espeak_pcm16k("Flush now.")

    async def main() -> list[Msg]:
        async with live(sim) as session:
            data = speech.tobytes()
            for off in range(0, len(data), 640):  # no pacing, no trailing silence
                blob = types.Blob(data=data[off : off + 640], mime_type=MIME_16K)
                await session.send_realtime_input(audio=blob)
            await session.send_realtime_input(audio_stream_end=True)
            return await collect_turn(session)

    msgs = asyncio.run(main())
    record = sim.server.sessions[0]
    assert record.audio_stream_end_count == 1
    assert [a.kind for a in record.activity] == ["start", "end"]
    assert 0.5 * speech.size / 16000 < len(audio_of(msgs)) / 2 / 24000 <= speech.size / 16000


def test_text_response_modality(sim: SimThread) -> None:
    cfg = types.LiveConnectConfig(response_modalities=[types.Modality.TEXT])

    async def main() -> list[Msg]:
        client = sdk_client(sim)
        async with client.aio.live.connect(model=MODEL, config=cfg) as s:
            return await say_hello(s, "in text")

    msgs = asyncio.run(main())
    assert audio_of(msgs) == b""
    text = "".join(
        part.text or ""
        for m in msgs
        if m.server_content and m.server_content.model_turn
        for part in m.server_content.model_turn.parts or []
    )
    assert text == "Local demo server: you typed: in text"


def test_video_frames_and_realtime_text(sim: SimThread) -> None:
    jpeg = fake_jpeg(640, 480, 35 * 1024)

    async def main() -> list[Msg]:
        async with live(sim) as session:
            for _ in range(2):
                await session.send_realtime_input(
                    video=types.Blob(data=jpeg, mime_type="image/jpeg")
                )
            await session.send_realtime_input(text="what is this")
            return await collect_turn(session)

    msgs = asyncio.run(main())
    assert transcript(msgs, "output_transcription") == (
        "Local demo server: received 2 video frames (640\u00d7480 JPEG, 35 KB), "
        "and you typed: what is this"
    )
    assert transcript(msgs, "input_transcription") == "", "typed text is not transcribed"
    frames = sim.server.sessions[0].video_frames
    assert [(f.mime_type, f.data) for f in frames] == [("image/jpeg", jpeg)] * 2


def test_tool_call_round_trip(sim: SimThread) -> None:
    async def main() -> tuple[Msg, list[Msg]]:
        async with live(sim) as session:
            call_id = sim.send_tool_call("get_time", {"tz": "UTC"})
            agen = session.receive()
            first = await asyncio.wait_for(anext(agen), 5)
            await agen.aclose()
            response = types.FunctionResponse(id=call_id, name="get_time", response={"t": "noon"})
            await session.send_tool_response(function_responses=response)
            return first, await collect_turn(session)

    first, msgs = asyncio.run(main())
    assert first.tool_call is not None and first.tool_call.function_calls
    call = first.tool_call.function_calls[0]
    assert (call.name, call.args) == ("get_time", {"tz": "UTC"})
    assert transcript(msgs, "output_transcription").endswith('the tool said: {"t":"noon"}')
    assert sim.server.sessions[0].tool_responses[0]["response"] == {"t": "noon"}


def test_pacing_modes(sim: SimThread) -> None:
    async def spread(mode: str) -> float:
        sim.set_pacing(mode)
        sim.queue_reply(mode, audio=tone24k(0.8))
        stamps: list[float] = []

        async def on_message(msg: Msg) -> None:
            if msg.server_content and msg.server_content.model_turn:
                stamps.append(time.monotonic())

        async with live(sim) as session:
            await session.send_client_content(
                turns=types.Content(role="user", parts=[types.Part(text=mode)]),
                turn_complete=True,
            )
            await collect_turn(session, on_message=on_message)
        return stamps[-1] - stamps[0]

    async def main() -> dict[str, float]:
        return {mode: await spread(mode) for mode in ("burst", "normal", "slow")}

    spreads = asyncio.run(main())
    assert spreads["burst"] < 0.15
    assert 0.25 < spreads["normal"] < 0.6  # 0.8 s at 2x real time
    assert spreads["slow"] > 1.2  # 0.8 s at half speed


# ---- handshake errors ----------------------------------------------------------------


def test_bad_api_key_is_1008(sim: SimThread) -> None:
    async def main() -> None:
        async with live(sim, api_key="wrong-key"):
            pass

    with pytest.raises(errors.APIError) as info:
        asyncio.run(main())
    assert info.value.code == 1008
    assert "API key not valid" in str(info.value)
    assert sim.server.sessions[0].close_code == 1008


@pytest.mark.parametrize(
    "model",
    [
        "gemini-nonexistent",
        "gemini-2.0-flash-live-001",  # shut down 9 Dec 2025
        "gemini-live-2.5-flash-preview",  # shut down 9 Dec 2025
        "gemini-2.5-flash-native-audio-preview-09-2025",  # deprecated
    ],
)
def test_unknown_or_retired_model_is_1008_not_found(sim: SimThread, model: str) -> None:
    async def main() -> None:
        client = sdk_client(sim)
        async with client.aio.live.connect(model=model, config=live_config()):
            pass

    with pytest.raises(errors.APIError) as info:
        asyncio.run(main())
    assert info.value.code == 1008
    assert f"models/{model} is not found for API version v1beta" in str(info.value)
    assert sim.server.sessions[0].close_code == 1008


def test_unknown_path_is_404_and_frames_are_binary_and_pings_answered(sim: SimThread) -> None:
    ctx = client_ssl_context(sim.ca_file)
    good = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"

    async def main() -> bytes | str:
        with pytest.raises(websockets.InvalidStatus) as info:
            async with ws_connect(f"wss://127.0.0.1:{sim.server.port}/ws/nope", ssl=ctx):
                pass
        assert info.value.response.status_code == 404
        uri = f"wss://localhost:{sim.server.port}{good}?key=demo-key"
        async with ws_connect(uri, ssl=ctx) as ws:
            await ws.send(json.dumps({"setup": {"model": f"models/{MODEL}"}}))
            first = await ws.recv()
            pong = await ws.ping()
            await asyncio.wait_for(pong, 2)
            return first

    first = asyncio.run(main())
    assert first == b'{"setupComplete":{}}'


# ---- resumption ----------------------------------------------------------------------


def test_resumption_handles_issued_accepted_and_unknown_refused(sim: SimThread) -> None:
    async def main() -> tuple[list[Msg], list[Msg]]:
        async with live(sim, live_config(session_resumption=types.SessionResumptionConfig())) as s:
            first = await say_hello(s)
        handle = first[0].session_resumption_update.new_handle
        resumed = live_config(session_resumption=types.SessionResumptionConfig(handle=handle))
        async with live(sim, resumed) as s:
            second = await say_hello(s, "back again")
        return first, second

    first, second = asyncio.run(main())
    update = first[0].session_resumption_update
    assert update is not None and update.resumable and update.new_handle
    assert transcript(second, "output_transcription").endswith("you typed: back again")
    sessions = sim.server.sessions
    assert sessions[1].resumed_from == update.new_handle
    assert len(sessions[0].handles_issued) == 2  # after setup and after the turn

    async def bad() -> None:
        cfg = live_config(session_resumption=types.SessionResumptionConfig(handle="sim-0-nope"))
        async with live(sim, cfg):
            pass

    with pytest.raises(errors.APIError) as info:
        asyncio.run(bad())
    assert info.value.code == 1007
    assert "handle" in str(info.value)


# ---- faults ----------------------------------------------------------------------------


def test_go_away_then_close(sim: SimThread) -> None:
    async def main() -> tuple[list[Msg], errors.APIError]:
        async with live(sim) as session:
            assert sim.go_away(time_left_s=0.3) == 1
            return await asyncio.wait_for(receive_until_error(session), 5)

    msgs, exc = asyncio.run(main())
    assert msgs[0].go_away is not None and msgs[0].go_away.time_left == "0.300s"
    assert exc.code == 1000


def test_internal_error_1011(sim: SimThread) -> None:
    async def main() -> tuple[list[Msg], errors.APIError]:
        async with live(sim) as session:
            assert sim.fail() == 1
            return await asyncio.wait_for(receive_until_error(session), 5)

    _, exc = asyncio.run(main())
    assert exc.code == 1011
    assert "Internal error encountered." in str(exc)


def test_dropped_connection_is_1006(sim: SimThread) -> None:
    async def main() -> errors.APIError:
        async with live(sim) as session:
            assert sim.drop() == 1
            return (await asyncio.wait_for(receive_until_error(session), 5))[1]

    exc = asyncio.run(main())
    assert exc.code == 1006


def test_scripted_fault_after_first_turn(sim: SimThread) -> None:
    sim.script_next_connection(Fault("internal_error", after_turns=1))

    async def main() -> tuple[list[Msg], errors.APIError]:
        async with live(sim) as session:
            await session.send_client_content(
                turns=types.Content(role="user", parts=[types.Part(text="x")]), turn_complete=True
            )
            return await asyncio.wait_for(receive_until_error(session), 10)

    msgs, exc = asyncio.run(main())
    assert "turn_complete" in flags(msgs)
    assert exc.code == 1011


# ---- environment route ---------------------------------------------------------------


def test_env_base_url_and_ssl_cert_file(sim: SimThread, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_GEMINI_BASE_URL", sim.base_url)
    monkeypatch.setenv("SSL_CERT_FILE", str(sim.ca_file))

    async def main() -> list[Msg]:
        client = genai.Client(
            api_key="demo-key", http_options=types.HttpOptions(api_version="v1beta")
        )
        async with client.aio.live.connect(model=MODEL, config=live_config()) as session:
            return await say_hello(session, "via env")

    msgs = asyncio.run(main())
    assert transcript(msgs, "output_transcription").endswith("you typed: via env")
