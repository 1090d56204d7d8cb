"""The client against today's Live protocol: the real SDK talks to the local server.

Models listed by the service, a retired model replaced, configs each model accepts,
live captions, blocked answers, several parts in one message, and the service's
connection age limit (1011 "Deadline expired") resumed without an error.
"""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path

import pytest
from google.genai import types

from gemini_desk.core.events import (
    LiveEvent,
    ModelAudio,
    OutputTranscript,
    SessionError,
    SessionState,
    StateChanged,
    WaitingForInput,
)
from gemini_desk.core.model_store import ModelStore
from gemini_desk.core.models import (
    DEFAULT_MODEL,
    FALLBACK_MODELS,
    THINKING_LEVELS,
    capabilities,
)
from gemini_desk.core.settings import Settings
from gemini_desk.live.config import Endpoint, build_connect_config, make_client
from gemini_desk.live.messages import events_from_message
from gemini_desk.live.models import ModelCatalog, list_live_models
from gemini_desk.live.session import LiveSession
from gemini_desk.sim import Fault, SimThread
from gemini_desk.sim import catalogue as sim_catalogue
from gemini_desk.sim.protocol import get_key
from tests.integration.test_conversation import Rig, run
from tests.support.sim_fixtures import sim

__all__ = ["sim"]

RETIRED = "gemini-2.5-flash-native-audio-preview-09-2025"  # an old settings file's default


def endpoint(sim: SimThread, key: str = "demo-key") -> Endpoint:
    return Endpoint(api_key=key, base_url=sim.base_url, ca_file=sim.ca_file)


def sim_live_ids() -> set[str]:
    """What the local server serves for bidiGenerateContent (its own catalogue)."""
    return set(sim_catalogue.LIVE_MODEL_IDS)


def test_listing_keeps_only_live_models_newest_first(sim: SimThread) -> None:
    # A page size of 2 makes the SDK follow nextPageToken through several pages.
    models = asyncio.run(list_live_models(endpoint(sim), page_size=2))
    ids = [m.id for m in models]
    assert set(ids) == sim_live_ids()
    assert ids[0] == DEFAULT_MODEL
    assert all(m.display_name for m in models)
    others = [m.id for m in sim_catalogue.CATALOGUE if not m.is_live]
    assert others and not set(others) & set(ids)  # the service lists them; the app does not


def test_catalog_caches_the_list_and_retires_an_unlisted_model(
    sim: SimThread, tmp_path: Path
) -> None:
    store = ModelStore(tmp_path / "models.json")
    catalog = ModelCatalog(store)
    catalog.use_endpoint(endpoint(sim))
    assert not catalog.from_service
    assert catalog.replacement_for(RETIRED) is None  # the built-in list retires nothing

    assert asyncio.run(catalog.refresh(endpoint(sim))) is True
    assert {m.id for m in catalog.models} == sim_live_ids()
    assert catalog.replacement_for(RETIRED) == DEFAULT_MODEL
    assert catalog.replacement_for(DEFAULT_MODEL) is None

    later = ModelCatalog(store)  # the next run, before any listing
    later.use_endpoint(endpoint(sim))
    assert later.from_service and later.fetched_at == catalog.fetched_at
    assert later.replacement_for(RETIRED) == DEFAULT_MODEL


def test_a_refused_key_keeps_the_fallback(sim: SimThread, tmp_path: Path) -> None:
    catalog = ModelCatalog(ModelStore(tmp_path / "models.json"))
    assert asyncio.run(catalog.refresh(endpoint(sim, key="wrong"))) is False
    assert catalog.models == FALLBACK_MODELS and catalog.last_error is not None


async def _connect_once(sim: SimThread, settings: Settings) -> list[LiveEvent]:
    events: list[LiveEvent] = []
    session = LiveSession(endpoint(sim), settings, events.append)
    task = asyncio.create_task(session.run())
    while not any(
        isinstance(e, StateChanged) and e.state is not SessionState.CONNECTING for e in events
    ):
        await asyncio.sleep(0.01)
    await session.close()
    await task
    return events


@pytest.mark.parametrize(
    ("model", "thinking"),
    list(itertools.product([m.id for m in FALLBACK_MODELS], ("", *THINKING_LEVELS))),
)
def test_the_app_config_is_accepted_by_every_model(
    sim: SimThread, model: str, thinking: str
) -> None:
    """Whatever the user picks, the config sent never holds a field the model refuses."""
    settings = Settings(model=model, thinking_level=thinking, language_code="de-DE")
    events = asyncio.run(asyncio.wait_for(_connect_once(sim, settings), 20))
    errors = [e for e in events if isinstance(e, SessionError)]
    assert not errors, errors
    assert any(isinstance(e, StateChanged) and e.state is SessionState.CONNECTED for e in events)
    setup = sim.server.sessions[-1].setup or {}
    generation = setup.get("generationConfig", {})
    sent_thinking = generation.get("thinkingConfig")
    if thinking and thinking in capabilities(model).thinking_levels:
        assert sent_thinking == {"thinking_level": thinking.upper()}
    else:
        assert sent_thinking is None
    assert "proactivity" not in setup and "enableAffectiveDialog" not in generation
    speech = get_key(generation, "speech_config")  # the SDK sends inner keys as given
    assert get_key(speech, "language_code") == "de-DE"


def test_retired_model_is_refused_as_unknown(sim: SimThread) -> None:
    events = asyncio.run(asyncio.wait_for(_connect_once(sim, Settings(model=RETIRED)), 20))
    errors = [e for e in events if isinstance(e, SessionError)]
    assert [e.kind.value for e in errors] == ["unknown_model"]
    assert "1008" in errors[0].detail and "not found" in errors[0].detail


def test_audio_and_its_transcription_in_one_message_both_land_in_order(
    sim: SimThread,
) -> None:
    messages: list[types.LiveServerMessage] = []

    async def main() -> None:
        client = make_client(endpoint(sim))
        config = build_connect_config(Settings())
        async with client.aio.live.connect(model=DEFAULT_MODEL, config=config) as session:
            await session.send_realtime_input(text="several parts please")
            async for message in session.receive():  # ends after turnComplete
                messages.append(message)

    run(main())
    both = [
        m
        for m in messages
        if m.server_content is not None
        and m.server_content.model_turn is not None
        and m.server_content.output_transcription is not None
    ]
    assert both, "the server sends each chunk with its piece of text"
    for message in both:
        events = events_from_message(message)
        assert [type(e) for e in events] == [ModelAudio, OutputTranscript]
    text = "".join(
        e.text for m in messages for e in events_from_message(m) if isinstance(e, OutputTranscript)
    )
    assert "several parts please" in text


def test_live_captions_come_before_the_final_transcript(sim: SimThread, tmp_path: Path) -> None:
    rig = Rig(sim, tmp_path)
    rig.one_spoken_turn("tell me about the weather tomorrow")
    user = rig.saved_turns()[0]
    assert user["role"] == "user"
    shown = [text for turn_id, text in rig.view.shown if turn_id == user["id"]]
    captions = [t for t in shown if "so far" in t]
    assert captions, shown  # the caption showed while speaking...
    first_caption = shown.index(captions[0])
    final = str(user["text"])
    assert "so far" not in final and final in shown
    assert first_caption < shown.index(final)  # ...and the final text replaced it
    assert rig.view.voice_activity[:2] == [True, False]


def test_a_blocked_answer_is_kept_with_its_reason(sim: SimThread, tmp_path: Path) -> None:
    rig = Rig(sim, tmp_path)
    sim.queue_reply("", turn_complete_reason="PROHIBITED_INPUT_CONTENT")

    async def main() -> None:
        rig.conv.connect()
        await rig.until(lambda: rig.conv.state is SessionState.CONNECTED)
        rig.conv.send_text("something not allowed")
        await rig.until(lambda: len(rig.saved_turns()) >= 2)
        await rig.conv.shutdown()

    run(main())
    model = rig.saved_turns()[1]
    assert model["role"] == "model" and model["blocked"] == "PROHIBITED_INPUT_CONTENT"


def test_deadline_expired_resumes_without_an_error(sim: SimThread, tmp_path: Path) -> None:
    rig = Rig(sim, tmp_path)
    sim.script_next_connection(Fault("deadline", delay_s=0.5))

    async def main() -> None:
        rig.conv.connect()
        await rig.until(
            lambda: (
                len(sim.server.sessions) >= 2
                and bool(rig.conv.session)
                and rig.conv.session.state is SessionState.CONNECTED
                and sim.server.sessions[-1].resumed_from is not None
            )
        )
        rig.conv.send_text("still there?")
        await rig.until(lambda: len(rig.saved_turns()) >= 2)
        await rig.conv.shutdown()

    run(main())
    first = sim.server.sessions[0]
    assert (first.close_code, first.close_reason) == (1011, "Deadline expired")
    assert sim.server.sessions[1].resumed_from in first.handles_issued
    assert rig.view.errors == []
    assert rig.saved_turns()[1]["role"] == "model"


def test_waiting_for_input_holds_no_answer_and_the_next_turn_is_answered(
    sim: SimThread, tmp_path: Path
) -> None:
    rig = Rig(sim, tmp_path)
    sim.queue_reply("", waiting_for_input=True)
    seen: list[LiveEvent] = []
    apply = rig.conv.transcript.apply

    def spy(event: LiveEvent) -> None:
        seen.append(event)
        apply(event)

    rig.conv.transcript.apply = spy  # type: ignore[method-assign]

    async def main() -> None:
        rig.conv.connect()
        await rig.until(lambda: rig.conv.state is SessionState.CONNECTED)
        rig.conv.send_text("and then")
        await rig.until(lambda: any(isinstance(e, WaitingForInput) for e in seen))
        assert not rig.conv.talk.answering  # nothing to barge in on
        rig.conv.send_text("that is all")
        await rig.until(lambda: len(rig.saved_turns()) >= 3)
        await rig.conv.shutdown()

    run(main())
    roles = [t["role"] for t in rig.saved_turns()]
    assert roles == ["user", "user", "model"]
    assert "that is all" in str(rig.saved_turns()[2]["text"])
