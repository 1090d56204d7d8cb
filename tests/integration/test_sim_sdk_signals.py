"""The real google-genai SDK against the sim: the server signals of today's Live API."""

from __future__ import annotations

import asyncio
import re
import time

import numpy as np
import pytest
from google.genai import errors, types

from gemini_desk.sim import Fault, SimConfig, SimThread
from gemini_desk.sim.model import THOUGHT_TEXT
from tests.support.sim_fixtures import (
    MIME_16K,
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
    sim,
    speak,
    transcript,
)

__all__ = ["sim"]  # the fixture, imported for pytest

FAST_VAD = SimConfig(vad_silence_ms=300)
INTERIM_RE = re.compile(r"\((\d+\.\d) s of speech so far\)")


def seconds(duration: str | None) -> float:
    assert duration is not None and duration.endswith("s")
    return float(duration[:-1])


def interims(msgs: list[Msg]) -> list[tuple[int, float]]:
    """(index, seconds) of each interim input transcription."""
    out = []
    for i, m in enumerate(msgs):
        sc = m.server_content
        if sc and sc.interim_input_transcription:
            match = INTERIM_RE.fullmatch(sc.interim_input_transcription.text or "")
            assert match, sc.interim_input_transcription.text
            out.append((i, float(match[1])))
    return out


def index_of(msgs: list[Msg], which: str) -> int:
    return next(
        i for i, m in enumerate(msgs) if m.server_content and getattr(m.server_content, which)
    )


def tone24k(seconds_: float) -> np.ndarray:
    t = np.arange(int(seconds_ * 24000)) / 24000
    return (np.sin(2 * np.pi * 330 * t) * 0.2 * 32767).astype(np.int16)


@pytest.mark.parametrize("sim", [FAST_VAD], indirect=True)
def test_spoken_turn_has_voice_activity_and_interim_text_before_the_final(sim: SimThread) -> None:
    speech = espeak_pcm16k("Hello there, this is a test of interim transcription.")

    async def main() -> list[Msg]:
        async with live(sim) as session:
            receiver = asyncio.create_task(collect_turn(session, timeout=20))
            await speak(session, speech)
            return await receiver

    msgs = asyncio.run(main())
    activity = [(i, m.voice_activity) for i, m in enumerate(msgs) if m.voice_activity]
    kinds = [a.voice_activity_type for _, a in activity]
    assert kinds == [types.VoiceActivityType.ACTIVITY_START, types.VoiceActivityType.ACTIVITY_END]
    start_s = seconds(activity[0][1].audio_offset)
    end_s = seconds(activity[1][1].audio_offset)
    assert 0 <= start_s < end_s <= len(speech) / 16000 + 0.05

    final_at = index_of(msgs, "input_transcription")
    heard = msgs[final_at].server_content.input_transcription.text  # type: ignore[union-attr]
    match = re.fullmatch(r"\((\d+\.\d) s of speech\)", heard or "")
    assert match and abs(float(match[1]) - (end_s - start_s)) <= 0.05 + 1e-9
    steps = interims(msgs)
    assert len(steps) >= 3
    assert [s for _, s in steps] == pytest.approx([0.3 * (k + 1) for k in range(len(steps))])
    assert steps[-1][1] <= end_s - start_s + 1e-6
    assert activity[0][0] < steps[0][0] and steps[-1][0] < activity[1][0] < final_at
    assert final_at < index_of(msgs, "model_turn")


def test_manual_activity_gets_interim_text_and_no_voice_activity(sim: SimThread) -> None:
    speech = espeak_pcm16k("One two three four.")
    cfg = manual_vad_config()

    async def main() -> list[Msg]:
        async with live(sim, cfg) as session:
            receiver = asyncio.create_task(collect_turn(session))
            await session.send_realtime_input(activity_start=types.ActivityStart())
            data = speech.tobytes()
            for off in range(0, len(data), 640):
                blob = types.Blob(data=data[off : off + 640], mime_type=MIME_16K)
                await session.send_realtime_input(audio=blob)
            await session.send_realtime_input(activity_end=types.ActivityEnd())
            return await receiver

    msgs = asyncio.run(main())
    assert not any(m.voice_activity for m in msgs)
    steps = interims(msgs)
    assert len(steps) == speech.size // 4800  # one per 0.3 s at 16 kHz
    assert steps[-1][0] < index_of(msgs, "input_transcription")


@pytest.mark.parametrize(
    ("model", "status"),
    [("gemini-3.8-live", types.InteractionStatus.IDLE), ("gemini-3.1-flash-live-preview", None)],
)
def test_audio_and_its_transcription_come_in_one_message(
    sim: SimThread, model: str, status: types.InteractionStatus | None
) -> None:
    sim.set_pacing("burst")

    async def main() -> list[Msg]:
        async with live(sim, model=model) as session:
            return await say_hello(session)

    msgs = asyncio.run(main())
    spoken = [m for m in msgs if m.server_content and m.server_content.output_transcription]
    assert spoken
    for m in spoken:
        parts = m.server_content.model_turn.parts  # type: ignore[union-attr]
        assert parts and parts[0].inline_data and parts[0].inline_data.data
    assert transcript(spoken, "output_transcription") == "Local demo server: you typed: hello"
    last = msgs[-1].server_content
    assert last is not None and last.turn_complete
    assert last.interaction_status == status


def test_blocked_turns_end_with_their_reason(sim: SimThread) -> None:
    sim.set_pacing("burst")
    sim.queue_reply("", turn_complete_reason="PROHIBITED_INPUT_CONTENT")
    sim.queue_reply("I was say", audio=tone24k(0.2), turn_complete_reason="GENERATED_AUDIO_SAFETY")

    async def main() -> tuple[list[Msg], list[Msg]]:
        async with live(sim) as session:
            return await say_hello(session, "bad"), await say_hello(session, "fine")

    refused, cut = asyncio.run(main())
    assert audio_of(refused) == b""
    assert flags(refused) == ["turn_complete"]
    end = refused[-1].server_content
    assert end is not None
    assert end.turn_complete_reason == types.TurnCompleteReason.PROHIBITED_INPUT_CONTENT
    assert len(audio_of(cut)) == int(0.2 * 24000) * 2
    assert "generation_complete" not in flags(cut)
    reason = cut[-1].server_content.turn_complete_reason  # type: ignore[union-attr]
    assert reason == types.TurnCompleteReason.GENERATED_AUDIO_SAFETY
    records = sim.server.sessions[0].turns
    assert [t.turn_complete_reason for t in records] == [
        "PROHIBITED_INPUT_CONTENT",
        "GENERATED_AUDIO_SAFETY",
    ]


def _parts(msgs: list[Msg]) -> list[types.Part]:
    return [
        part
        for m in msgs
        if m.server_content and m.server_content.model_turn
        for part in m.server_content.model_turn.parts or []
    ]


def test_scripted_thoughts_and_grounding(sim: SimThread) -> None:
    sim.set_pacing("burst")
    grounding = {"webSearchQueries": ["weather in Paris"]}
    sim.queue_reply("It rains.", thoughts=["The user asks about rain."], grounding=grounding)

    async def main() -> list[Msg]:
        async with live(sim) as session:
            return await say_hello(session, "weather?")

    msgs = asyncio.run(main())
    parts = _parts(msgs)
    assert parts[0].thought is True and parts[0].text == "The user asks about rain."
    assert all(p.inline_data is not None and not p.thought for p in parts[1:])
    assert transcript(msgs, "output_transcription") == "It rains."
    meta = [m.server_content.grounding_metadata for m in msgs if m.server_content]
    queries = [g.web_search_queries for g in meta if g is not None]
    assert queries == [["weather in Paris"]]


def test_extended_thinking_model_thinks_out_loud_only_in_thought_parts(sim: SimThread) -> None:
    sim.set_pacing("burst")
    cfg = live_config(thinking_config=types.ThinkingConfig(thinking_level="LOW"))

    async def main() -> list[Msg]:
        async with live(sim, cfg, model="gemini-3.8-live-extended-thinking") as session:
            return await say_hello(session)

    msgs = asyncio.run(main())
    thoughts = [p for p in _parts(msgs) if p.thought]
    assert [p.text for p in thoughts] == [THOUGHT_TEXT]
    assert _parts(msgs)[0].thought
    assert THOUGHT_TEXT not in transcript(msgs, "output_transcription")


def test_waiting_for_input_instead_of_an_answer(sim: SimThread) -> None:
    sim.set_pacing("burst")
    sim.queue_reply("", waiting_for_input=True)

    async def main() -> tuple[Msg, list[Msg]]:
        async with live(sim) as session:
            turn = types.Content(role="user", parts=[types.Part(text="so I was")])
            await session.send_client_content(turns=turn, turn_complete=True)
            agen = session.receive()
            first = await asyncio.wait_for(anext(agen), 5)
            await agen.aclose()
            return first, await say_hello(session, "going to say")

    first, answer = asyncio.run(main())
    assert first.server_content is not None and first.server_content.waiting_for_input
    assert not first.server_content.turn_complete
    assert transcript(answer, "output_transcription").endswith("you typed: going to say")
    assert [t.waiting_for_input for t in sim.server.sessions[0].turns] == [True, False]


def test_deadline_fault_closes_1011(sim: SimThread) -> None:
    sim.script_next_connection(Fault("deadline", delay_s=0.3))

    async def main() -> tuple[errors.APIError, float]:
        async with live(sim) as session:
            t0 = time.monotonic()
            _, exc = await asyncio.wait_for(receive_until_error(session), 5)
            return exc, time.monotonic() - t0

    exc, elapsed = asyncio.run(main())
    assert exc.code == 1011
    assert "Deadline expired" in str(exc)
    assert elapsed >= 0.25
    assert sim.server.sessions[0].close_reason == "Deadline expired"


def test_first_echo_owns_up_to_the_missing_voice(sim: SimThread) -> None:
    sim.set_pacing("burst")
    voice = types.VoiceConfig(prebuilt_voice_config=types.PrebuiltVoiceConfig(voice_name="Kore"))
    cfg = live_config(speech_config=types.SpeechConfig(voice_config=voice))

    async def main() -> tuple[list[Msg], list[Msg]]:
        async with live(sim, cfg) as session:
            return await say_hello(session, "sample"), await say_hello(session, "again")

    first, second = asyncio.run(main())
    assert transcript(first, "output_transcription") == (
        "Local demo server: the voice Kore is not available here; you typed: sample"
    )
    assert transcript(second, "output_transcription") == "Local demo server: you typed: again"


@pytest.mark.parametrize(
    ("model", "answered"),
    [("gemini-3.8-live", False), ("gemini-3.1-flash-live-preview", True)],
)
def test_silent_tool_response_is_only_answered_for_blocking_calls(
    sim: SimThread, model: str, answered: bool
) -> None:
    sim.set_pacing("burst")

    async def main() -> tuple[list[Msg], list[Msg]]:
        async with live(sim, model=model) as session:
            call_id = sim.send_tool_call("lookup", {"q": "x"})
            agen = session.receive()
            call = await asyncio.wait_for(anext(agen), 5)
            await agen.aclose()
            assert call.tool_call is not None
            response = types.FunctionResponse(
                id=call_id, name="lookup", response={"ok": True}, scheduling="SILENT"
            )
            await session.send_tool_response(function_responses=response)
            tool_answer = await collect_turn(session) if answered else []
            # had a SILENT result been answered, that answer would come first here
            return tool_answer, await say_hello(session)

    tool_answer, hello = asyncio.run(main())
    record = sim.server.sessions[0]
    assert record.tool_responses[0]["scheduling"] == "SILENT"
    assert [(c.state, c.scheduling) for c in record.tool_calls] == [
        ("answered", None if answered else "SILENT")
    ]
    assert transcript(hello, "output_transcription") == "Local demo server: you typed: hello"
    if answered:  # blocking: scheduling does not apply, the result is answered
        said = transcript(tool_answer, "output_transcription")
        assert said == 'Local demo server: the tool said: {"ok":true}'
        assert [t.source for t in record.turns] == ["tool_response", "client_content"]
    else:  # non-blocking SILENT: only added to the context
        assert [t.source for t in record.turns] == ["client_content"]
