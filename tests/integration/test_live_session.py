"""gemini_desk.live.LiveSession with the real SDK against the local Live server."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import numpy as np
import pytest

from gemini_desk.core.events import (
    ErrorKind,
    InputTranscript,
    Interrupted,
    LiveEvent,
    ModelAudio,
    OutputTranscript,
    SessionError,
    SessionState,
    SetupComplete,
    StateChanged,
    TurnComplete,
)
from gemini_desk.core.messages import MessageId
from gemini_desk.core.settings import Settings
from gemini_desk.live.config import Endpoint
from gemini_desk.live.session import LiveSession
from gemini_desk.sim import SimThread
from tests.support.signals import correlation
from tests.support.sim_fixtures import espeak_pcm16k, sim

__all__ = ["sim"]

CHUNK = 320  # 20 ms at 16 kHz


class Harness:
    """Runs a LiveSession on this test's loop and collects its events."""

    def __init__(self, sim: SimThread, api_key: str = "demo-key", model: str | None = None):
        self.events: list[LiveEvent] = []
        settings = Settings(model=model) if model else Settings()
        endpoint = Endpoint(api_key=api_key, base_url=sim.base_url, ca_file=sim.ca_file)
        self.session = LiveSession(endpoint, settings, self.events.append)
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.task = asyncio.create_task(self.session.run())
        await self.wait_for(
            lambda: self.state() in (SessionState.CONNECTED, SessionState.DISCONNECTED)
        )

    def state(self) -> SessionState | None:
        states = [e.state for e in self.events if isinstance(e, StateChanged)]
        return states[-1] if states else None

    def of(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out; events: {[type(e).__name__ for e in self.events]}"
                )
            await asyncio.sleep(0.01)

    async def speak(self, pcm: np.ndarray, silence_s: float = 0.8) -> None:
        """Send speech then silence in real time, as a microphone would."""
        padded = np.concatenate([pcm, np.zeros(int(16000 * silence_s), np.int16)])
        start = time.monotonic()
        for i in range(0, len(padded) - CHUNK + 1, CHUNK):
            self.session.send_audio(padded[i : i + CHUNK].tobytes())
            await asyncio.sleep(max(0.0, start + (i + CHUNK) / 16000 - time.monotonic()))


def run(coro) -> None:  # type: ignore[no-untyped-def]
    asyncio.run(asyncio.wait_for(coro, 60))


def test_text_turn_gives_audio_transcript_and_turn_complete(sim: SimThread) -> None:
    async def main() -> None:
        h = Harness(sim)
        await h.start()
        assert h.state() is SessionState.CONNECTED
        assert h.of(SetupComplete)[0].model == Settings().model
        h.session.send_text("hello there")
        await h.wait_for(lambda: bool(h.of(TurnComplete)))
        assert h.of(ModelAudio) and all(e.rate == 24000 for e in h.of(ModelAudio))
        said = "".join(e.text for e in h.of(OutputTranscript))
        assert "hello there" in said
        await h.session.close()
        await h.task
        assert h.state() is SessionState.DISCONNECTED
        assert not h.of(SessionError)

    run(main())
    assert sim.server.sessions[0].texts == ["hello there"]


def test_spoken_turn_reaches_server_and_is_echoed(sim: SimThread) -> None:
    speech = espeak_pcm16k("testing one two three")

    async def main() -> None:
        h = Harness(sim)
        await h.start()
        await h.speak(speech)
        await h.wait_for(lambda: bool(h.of(TurnComplete)))
        answer = np.frombuffer(b"".join(e.pcm for e in h.of(ModelAudio)), "<i2")
        import soxr

        answer16 = soxr.resample(answer.astype(np.float32), 24000, 16000)
        assert correlation(answer16, speech.astype(np.float32)) > 0.8
        assert h.of(InputTranscript) and h.of(OutputTranscript)
        await h.session.close()
        await h.task

    run(main())
    received = np.frombuffer(sim.server.sessions[0].audio_bytes, "<i2")
    assert set(sim.server.sessions[0].audio_chunk_sizes) == {CHUNK * 2}
    assert correlation(received.astype(np.float32), speech.astype(np.float32)) > 0.95


def test_speaking_over_the_answer_interrupts_it(sim: SimThread) -> None:
    long_speech = espeak_pcm16k("this is a rather long sentence so that the answer lasts a while")
    short = espeak_pcm16k("stop")

    async def main() -> None:
        h = Harness(sim)
        await h.start()
        await h.speak(long_speech, silence_s=0.7)
        await h.wait_for(lambda: bool(h.of(ModelAudio)))
        await h.speak(short, silence_s=0.7)
        await h.wait_for(lambda: bool(h.of(Interrupted)))
        await h.wait_for(lambda: bool(h.of(TurnComplete)))
        idx = h.events.index(h.of(Interrupted)[0])
        after = h.events[idx : h.events.index(h.of(TurnComplete)[0])]
        assert not [e for e in after if isinstance(e, ModelAudio)], "audio after interrupted"
        started = time.monotonic()
        await h.session.close()
        await h.task
        assert time.monotonic() - started < 5, "closing mid-conversation must be quick"

    run(main())
    assert sim.server.sessions[0].interrupted


@pytest.mark.parametrize(
    ("api_key", "model", "kind"),
    [
        ("wrong-key", None, ErrorKind.BAD_KEY),
        ("demo-key", "gemini-0.0-nonexistent", ErrorKind.UNKNOWN_MODEL),
    ],
)
def test_bad_key_and_unknown_model_become_plain_errors(
    sim: SimThread, api_key: str, model: str | None, kind: ErrorKind
) -> None:
    async def main() -> None:
        h = Harness(sim, api_key=api_key, model=model)
        await h.start()
        await h.wait_for(lambda: h.state() is SessionState.DISCONNECTED)
        errors = h.of(SessionError)
        assert [e.kind for e in errors] == [kind]
        assert not errors[0].retryable
        assert errors[0].message.id is MessageId[kind.name]
        assert "wrong-key" not in str(errors[0].message)

    run(main())


def test_server_error_and_drop_end_the_session_with_retryable_errors(sim: SimThread) -> None:
    async def main() -> None:
        for fault, kind in ((sim.fail, ErrorKind.SERVER), (sim.drop, ErrorKind.NETWORK)):
            h = Harness(sim)
            await h.start()
            await asyncio.to_thread(fault)
            await h.wait_for(lambda h=h: h.state() is SessionState.DISCONNECTED)
            assert [e.kind for e in h.of(SessionError)] == [kind]
            assert h.of(SessionError)[0].retryable

    run(main())


def test_unreachable_server_is_a_network_error() -> None:
    async def main() -> None:
        events: list[LiveEvent] = []
        endpoint = Endpoint(api_key="k", base_url="https://127.0.0.1:9")
        await LiveSession(endpoint, Settings(), events.append).run()
        errors = [e for e in events if isinstance(e, SessionError)]
        assert [e.kind for e in errors] == [ErrorKind.NETWORK]
        assert (
            isinstance(events[-1], StateChanged) and events[-1].state is SessionState.DISCONNECTED
        )

    run(main())
