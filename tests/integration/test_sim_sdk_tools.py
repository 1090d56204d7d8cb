"""Tools on the local Live server, part two, through the real google-genai SDK: calls
issued from typed and spoken turns, blocking (nothing until the result) or not (the
model keeps talking), results answered as scheduled (WHEN_IDLE, INTERRUPT, SILENT),
cancellation on barge-in with late results ignored, several calls in one toolCall, and
Google Search answers grounded on placeholder sources. Setup checks:
``test_sim_tools.py``."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from google.genai import types

from gemini_desk.sim import SimConfig, SimThread
from tests.support.sim_fixtures import (
    Inbox,
    Msg,
    audio_of,
    has_audio,
    interrupted,
    is_turn_complete,
    live,
    live_config,
    manual_vad_config,
    said,
    sim,
    speak_manually,
    split_turns,
    tone16k,
    transcript,
    type_turn,
)

__all__ = ["sim"]  # the fixture, imported for pytest

PREVIEW = "gemini-3.1-flash-live-preview"  # blocking calls only
LIVE_38 = "gemini-3.8-live"  # non-blocking by default

GET_TIME = types.FunctionDeclaration(
    name="get_time",
    description="The time now in a time zone.",
    parameters=types.Schema(
        type="OBJECT",
        properties={
            "tz": types.Schema(type="STRING", enum=["UTC", "Europe/Oslo"]),
            "detail": types.Schema(
                type="OBJECT",
                properties={
                    "level": types.Schema(type="INTEGER", minimum=2),
                    "loud": types.Schema(type="BOOLEAN"),
                    "unused": types.Schema(type="STRING"),
                },
                required=["level", "loud"],
            ),
            "tags": types.Schema(type="ARRAY", items=types.Schema(type="STRING")),
            "note": types.Schema(type="STRING"),
        },
        required=["tz", "detail", "tags"],
    ),
)
GET_TIME_ARGS = {"tz": "UTC", "detail": {"level": 2, "loud": True}, "tags": []}
GET_WEATHER = types.FunctionDeclaration(
    name="get_weather",
    parameters=types.Schema(
        type="OBJECT",
        properties={"city": types.Schema(type="STRING"), "days": types.Schema(type="NUMBER")},
        required=["city", "days"],
    ),
)
GET_WEATHER_ARGS = {"city": "example", "days": 1}


def tools_config(*decls: types.FunctionDeclaration, **kw: Any) -> types.LiveConnectConfig:
    return live_config(tools=[types.Tool(function_declarations=list(decls))], **kw)


def result(call: types.FunctionCall, message: str, **kw: Any) -> types.FunctionResponse:
    """An informative result for ``call``, as the app's tool layer sends them."""
    body = {"status": "ok", "retryable": False, "message": message}
    return types.FunctionResponse(id=call.id, name=call.name, response=body, **kw)


async def run_tool(seconds: float) -> None:
    """The tool's own run time (what the scenario is about, not a wait for a condition)."""
    await asyncio.sleep(seconds)


# ---- the real SDK: calls -----------------------------------------------------------------


def test_blocking_call_sends_nothing_until_its_response_then_says_the_result(
    sim: SimThread,
) -> None:
    async def main() -> tuple[Inbox, float, float]:
        async with (
            live(sim, tools_config(GET_TIME), model=PREVIEW) as session,
            Inbox(session) as inbox,
        ):
            await type_turn(session, "Please call get_time.")
            called_at, msg = await inbox.until(lambda: inbox.first(lambda m: m.tool_call))
            assert msg.tool_call is not None and msg.tool_call.function_calls
            call = msg.tool_call.function_calls[0]
            with pytest.raises(TimeoutError):  # the tool runs 1.5 s: nothing comes
                await inbox.until(lambda: len(inbox.items) > 1, timeout=1.5)
            sent_at = time.monotonic()
            await session.send_tool_response(function_responses=result(call, "It is noon."))
            await inbox.until(lambda: inbox.completes() == 1)
            return inbox, called_at, sent_at

    inbox, called_at, sent_at = asyncio.run(main())
    (call,) = inbox.tool_calls()
    assert (call.name, call.args) == ("get_time", GET_TIME_ARGS)
    assert call.id
    audio_at = [t for t, m in inbox.items if has_audio(m)]
    assert audio_at and min(audio_at) > sent_at, "no audio before the response"
    assert said(inbox.msgs) == "Local demo server: the tool said: It is noon."
    record = sim.server.sessions[0]
    (rec,) = record.tool_calls
    assert (rec.id, rec.behavior, rec.origin, rec.state) == (
        call.id,
        "BLOCKING",
        "turn",
        "answered",
    )
    assert rec.issued_at <= called_at and rec.responses[0]["response"]["message"] == "It is noon."
    assert [(t.source, t.tool_call_ids, t.interrupted) for t in record.turns] == [
        ("client_content", [call.id], False)
    ]


@pytest.mark.parametrize("sim", [SimConfig(pace=1.0)], indirect=True)
def test_non_blocking_call_keeps_talking_and_answers_when_idle(sim: SimThread) -> None:
    async def main() -> tuple[Inbox, float, float]:
        async with (
            live(sim, tools_config(GET_TIME), model=LIVE_38) as session,
            Inbox(session) as inbox,
        ):
            await type_turn(session, "call get_time")
            called_at, msg = await inbox.until(lambda: inbox.first(lambda m: m.tool_call))
            assert msg.tool_call is not None and msg.tool_call.function_calls
            call = msg.tool_call.function_calls[0]
            await run_tool(2.0)
            sent_at = time.monotonic()
            await session.send_tool_response(function_responses=result(call, "It is noon."))
            await inbox.until(lambda: inbox.completes() == 2)
            return inbox, called_at, sent_at

    inbox, called_at, sent_at = asyncio.run(main())
    calling, answer = split_turns(inbox.msgs)
    assert said(calling) == "Local demo server: calling get_time; I will tell you when it answers."
    audio_at = [t for t, m in inbox.items if has_audio(m) and t < sent_at]
    assert audio_at and min(audio_at) > called_at
    assert max(audio_at) > called_at + 1.5, "audio went on while the tool ran"
    done_at = next(t for t, m in inbox.items if is_turn_complete(m))
    assert done_at > sent_at, "the talk outlasts the tool, so WHEN_IDLE has to wait"
    assert not interrupted(inbox.msgs)
    assert audio_of(answer) and said(answer) == "Local demo server: the tool said: It is noon."
    record = sim.server.sessions[0]
    (rec,) = record.tool_calls
    assert (rec.behavior, rec.state, rec.scheduling) == ("NON_BLOCKING", "answered", "WHEN_IDLE")
    assert [(t.source, t.completed, t.interrupted) for t in record.turns] == [
        ("client_content", True, False),
        ("tool_response", True, False),
    ]


def test_interrupt_scheduling_cuts_the_running_answer(sim: SimThread) -> None:
    async def main() -> Inbox:
        async with (
            live(sim, tools_config(GET_TIME), model=LIVE_38) as session,
            Inbox(session) as inbox,
        ):
            await type_turn(session, "call get_time")
            called_at, msg = await inbox.until(lambda: inbox.first(lambda m: m.tool_call))
            assert msg.tool_call is not None and msg.tool_call.function_calls
            call = msg.tool_call.function_calls[0]
            await inbox.until(lambda: inbox.first(has_audio, after=called_at))
            response = result(call, "It is noon.", scheduling="INTERRUPT")
            await session.send_tool_response(function_responses=response)
            await inbox.until(lambda: inbox.completes() == 2)
            return inbox

    inbox = asyncio.run(main())
    calling, answer = split_turns(inbox.msgs)
    assert interrupted(calling) and not interrupted(answer)
    assert said(answer) == "Local demo server: the tool said: It is noon."
    record = sim.server.sessions[0]
    assert record.tool_calls[0].scheduling == "INTERRUPT"
    assert [(t.source, t.interrupted) for t in record.turns] == [
        ("client_content", True),
        ("tool_response", False),
    ]


def test_silent_scheduling_is_recorded_and_never_answered(sim: SimThread) -> None:
    async def main() -> Inbox:
        async with (
            live(sim, tools_config(GET_TIME), model=LIVE_38) as session,
            Inbox(session) as inbox,
        ):
            await type_turn(session, "call get_time")
            called_at, msg = await inbox.until(lambda: inbox.first(lambda m: m.tool_call))
            assert msg.tool_call is not None and msg.tool_call.function_calls
            call = msg.tool_call.function_calls[0]
            await inbox.until(lambda: inbox.first(has_audio, after=called_at))
            response = result(call, "It is noon.", scheduling="SILENT")
            await session.send_tool_response(function_responses=response)
            await inbox.until(lambda: inbox.completes() == 1)
            # had the SILENT result been answered, that answer would come next
            await type_turn(session, "hello")
            await inbox.until(lambda: inbox.completes() == 2)
            return inbox

    inbox = asyncio.run(main())
    calling, hello = split_turns(inbox.msgs)
    assert not interrupted(calling)
    assert said(calling).endswith("calling get_time; I will tell you when it answers.")
    assert said(hello) == "Local demo server: you typed: hello"
    record = sim.server.sessions[0]
    assert (record.tool_calls[0].state, record.tool_calls[0].scheduling) == ("answered", "SILENT")
    assert [t.source for t in record.turns] == ["client_content", "client_content"]


@pytest.mark.parametrize(
    ("model", "barge_in"),
    [
        (PREVIEW, "activity_start"),
        (LIVE_38, "activity_start"),
        (PREVIEW, "text"),
        (LIVE_38, "text"),
    ],
)
def test_barge_in_cancels_the_running_call_and_a_late_response_is_ignored(
    sim: SimThread, model: str, barge_in: str
) -> None:
    base = manual_vad_config() if barge_in == "activity_start" else live_config()
    cfg = base.model_copy(update={"tools": [types.Tool(function_declarations=[GET_TIME])]})

    async def main() -> Inbox:
        async with live(sim, cfg, model=model) as session, Inbox(session) as inbox:
            await type_turn(session, "call get_time")
            _, msg = await inbox.until(lambda: inbox.first(lambda m: m.tool_call))
            assert msg.tool_call is not None and msg.tool_call.function_calls
            call = msg.tool_call.function_calls[0]
            if barge_in == "activity_start":
                await speak_manually(session, tone16k(0.4))
            else:
                await session.send_realtime_input(text="never mind")
            await inbox.until(inbox.cancelled_ids)
            await session.send_tool_response(function_responses=result(call, "Too late."))
            await inbox.until(lambda: inbox.completes() == 2)
            await type_turn(session, "hello")  # a late result answered would come first
            await inbox.until(lambda: inbox.completes() == 3)
            return inbox

    inbox = asyncio.run(main())
    (call,) = inbox.tool_calls()
    assert inbox.cancelled_ids() == [call.id]
    cut, barge, hello = split_turns(inbox.msgs)
    assert interrupted(cut) and not interrupted(barge)
    if barge_in == "text":
        assert said(barge) == "Local demo server: you typed: never mind"
    else:
        assert said(barge) == "Local demo server: playing back what you said (0.4 s)"
    if model == PREVIEW:
        assert not audio_of(cut), "a blocking call's turn had nothing to say yet"
    assert "the tool said" not in said(inbox.msgs)
    assert said(hello) == "Local demo server: you typed: hello"
    record = sim.server.sessions[0]
    assert record.tool_calls[0].state == "cancelled"
    assert [r["id"] for r in record.late_tool_responses] == [call.id]
    assert sim.late_tool_responses() == record.late_tool_responses
    assert [t.source for t in record.turns] == [
        "client_content",
        "audio" if barge_in == "activity_start" else "realtime_text",
        "client_content",
    ]


def test_test_controls_send_and_cancel_a_call(sim: SimThread) -> None:
    async def main() -> Inbox:
        async with live(sim) as session, Inbox(session) as inbox:
            call_id = sim.send_tool_call("lookup", {"q": "x"})
            await inbox.until(inbox.tool_calls)
            sim.cancel_tool_calls([call_id])
            await inbox.until(inbox.cancelled_ids)
            response = types.FunctionResponse(id=call_id, name="lookup", response={"ok": 1})
            await session.send_tool_response(function_responses=response)
            await type_turn(session, "hello")
            await inbox.until(lambda: inbox.completes() == 1)
            return inbox

    inbox = asyncio.run(main())
    assert [(c.name, c.args) for c in inbox.tool_calls()] == [("lookup", {"q": "x"})]
    assert said(inbox.msgs) == "Local demo server: you typed: hello"
    (rec,) = sim.tool_calls()
    assert (rec.origin, rec.state) == ("test", "cancelled")
    assert [r["id"] for r in sim.late_tool_responses()] == [rec.id]


def test_several_calls_go_out_in_one_tool_call_and_are_answered_together(
    sim: SimThread,
) -> None:
    async def main() -> Inbox:
        config = tools_config(GET_TIME, GET_WEATHER)
        async with live(sim, config, model=PREVIEW) as session, Inbox(session) as inbox:
            await type_turn(session, "Call get_weather for Oslo, then call GET_TIME.")
            _, msg = await inbox.until(lambda: inbox.first(lambda m: m.tool_call))
            assert msg.tool_call is not None and msg.tool_call.function_calls
            weather, clock = msg.tool_call.function_calls
            await session.send_tool_response(function_responses=result(clock, "Noon."))
            await session.send_tool_response(function_responses=result(weather, "Sunny."))
            await inbox.until(lambda: inbox.completes() == 1)
            return inbox

    inbox = asyncio.run(main())
    assert [(c.name, c.args) for c in inbox.tool_calls()] == [
        ("get_weather", GET_WEATHER_ARGS),
        ("get_time", GET_TIME_ARGS),
    ]
    assert sum(bool(m.tool_call) for m in inbox.msgs) == 1
    assert said(inbox.msgs) == (
        "Local demo server: the tool said: Sunny., and the tool said: Noon."
    )
    record = sim.server.sessions[0]
    assert [len(t.tool_call_ids) for t in record.turns] == [2]
    assert [c.state for c in record.tool_calls] == ["answered", "answered"]


def test_queued_calls_go_out_with_the_next_spoken_turn(sim: SimThread) -> None:
    sim.queue_tool_call("get_time")
    sim.queue_tool_call("lookup", {"q": "x"})
    cfg = manual_vad_config().model_copy(
        update={"tools": [types.Tool(function_declarations=[GET_TIME])]}
    )

    async def main() -> Inbox:
        async with live(sim, cfg, model=LIVE_38) as session, Inbox(session) as inbox:
            await type_turn(session, "hello")  # typed: the queued calls wait
            await inbox.until(lambda: inbox.completes() == 1)
            await speak_manually(session, tone16k(0.5))
            _, msg = await inbox.until(lambda: inbox.first(lambda m: m.tool_call))
            assert msg.tool_call is not None and msg.tool_call.function_calls
            responses = [
                result(call, "Done.", scheduling="SILENT") for call in msg.tool_call.function_calls
            ]
            await session.send_tool_response(function_responses=responses)
            await inbox.until(lambda: inbox.completes() == 2)
            return inbox

    inbox = asyncio.run(main())
    assert [(c.name, c.args) for c in inbox.tool_calls()] == [
        ("get_time", GET_TIME_ARGS),
        ("lookup", {"q": "x"}),
    ]
    hello, spoken = split_turns(inbox.msgs)
    assert said(hello) == "Local demo server: you typed: hello"
    assert transcript(spoken, "input_transcription") == "(0.5 s of speech)"
    assert said(spoken).endswith("calling get_time and lookup; I will tell you when they answer.")
    assert [(c.origin, c.behavior, c.state) for c in sim.tool_calls()] == [
        ("queued", "NON_BLOCKING", "answered"),
        ("queued", "NON_BLOCKING", "answered"),
    ]


# ---- the real SDK: Google Search -----------------------------------------------------------


def test_search_question_is_grounded_on_placeholder_sources(sim: SimThread) -> None:
    question = "Search the latest news about the Mars rover"
    search = live_config(tools=[types.Tool(google_search=types.GoogleSearch())])

    async def ask(config: types.LiveConnectConfig, *texts: str) -> list[list[Msg]]:
        async with live(sim, config) as session, Inbox(session) as inbox:
            for i, text in enumerate(texts, 1):
                await type_turn(session, text)
                await inbox.until(lambda n=i: inbox.completes() == n)
            return split_turns(inbox.msgs)

    grounded, plain = asyncio.run(ask(search, question, "hello"))
    (unsearched,) = asyncio.run(ask(live_config(), question))
    metas = [m.server_content.grounding_metadata for m in grounded if m.server_content]
    (meta,) = [g for g in metas if g is not None]
    assert meta.web_search_queries == [question]
    assert meta.grounding_chunks is not None
    webs = [chunk.web for chunk in meta.grounding_chunks]
    assert [(w.uri, w.title, w.domain) for w in webs if w is not None] == [
        (f"https://example.org/search-result-{i}", f"Local demo source {i}", "example.org")
        for i in (1, 2, 3)
    ]
    assert said(grounded) == (
        "Local demo server: no web search happens here, so nothing was searched for "
        f'"{question}"; the 3 sources attached are placeholders on example.org.'
    )
    assert audio_of(grounded)
    for msgs in (plain, unsearched):
        assert not any(m.server_content and m.server_content.grounding_metadata for m in msgs)
    assert said(unsearched) == f"Local demo server: you typed: {question}"
    first, second = sim.server.sessions[:2]
    assert (first.google_search, second.google_search) == (True, False)
    assert [t.grounded for t in first.turns] == [True, False]
