"""Conversations that survive goAway, drops, 1011 and refused handles (real SDK <-> sim)."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import numpy as np
import pytest

from gemini_desk.core.events import SessionState
from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.settings import Settings
from gemini_desk.live.supervisor import FRESH_SESSION
from gemini_desk.sim import Fault, SimThread
from tests.integration.test_conversation import Rig, run
from tests.support.sim_fixtures import espeak_pcm16k, sim

__all__ = ["sim"]

CHUNK = 320  # 20 ms at 16 kHz


class MicFeed:
    """A microphone that never stops: speech when asked, silence otherwise, in real time.

    Every chunk pushed into the conversation is kept in ``sent``, to compare with what
    the server received across all connections.
    """

    def __init__(self, rig: Rig) -> None:
        self.rig = rig
        self.sent: list[bytes] = []
        self._speech: asyncio.Queue[np.ndarray] = asyncio.Queue()
        self._idle = asyncio.Event()
        self._idle.set()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def say(self, text: str) -> None:
        """Queue ``text`` as speech and wait until it (and 0.8 s of silence) went out."""
        self._idle.clear()
        pcm = espeak_pcm16k(text)
        await self._speech.put(np.concatenate([pcm, np.zeros(int(16000 * 0.8), np.int16)]))
        await self._idle.wait()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        start = loop.time()
        pushed = 0
        pending = np.zeros(0, np.int16)
        while True:
            if pending.size == 0 and not self._speech.empty():
                pending = self._speech.get_nowait()
            if pending.size:
                chunk, pending = pending[:CHUNK], pending[CHUNK:]
                chunk = np.pad(chunk, (0, CHUNK - chunk.size))
                if pending.size == 0 and self._speech.empty():
                    self._idle.set()
            else:
                chunk = np.zeros(CHUNK, np.int16)
            data = chunk.tobytes()
            self.sent.append(data)
            self.rig.mics[-1].on_chunk(data)
            pushed += 1
            await asyncio.sleep(max(0.0, start + pushed * CHUNK / 16000 - loop.time()))


def server_audio(sim: SimThread) -> bytes:
    return b"".join(s.audio_bytes for s in sim.server.sessions)


def _norm(text: object) -> str:
    return re.sub(r"\s+", " ", str(text)).strip()


def assert_every_chunk_arrived(first: bytes, second: bytes, feed: MicFeed, replayed: int) -> None:
    """Every mic chunk reached the server once, in order; the only repeat is the
    unanswered utterance resent to the new connection (the old one's last bytes)."""
    assert 0 <= replayed <= len(first)
    assert second[:replayed] == first[len(first) - replayed :]
    assert first + second[replayed:] == b"".join(feed.sent)
    assert len(first) > 0 and len(second) > replayed


def assert_no_turn_lost(rig: Rig, sim: SimThread) -> None:
    """Every finished turn is in the file, and so is every answer the server completed."""
    saved = rig.saved_turns()
    assert sorted(int(t["id"]) for t in saved) == sorted(  # type: ignore[call-overload]
        t.id for t in rig.conv.transcript.finished_turns
    )
    model_texts = [_norm(t["text"]) for t in saved if t["role"] == "model"]
    for session in sim.server.sessions:
        for answer in session.answered:
            assert _norm(answer.output_text) in model_texts, (answer, model_texts)


async def connect(rig: Rig) -> None:
    rig.conv.connect()
    await rig.until(lambda: rig.conv.state is SessionState.CONNECTED and bool(rig.mics))


def answers(sim: SimThread) -> int:
    return sum(len(s.answered) for s in sim.server.sessions)


async def reconnected(rig: Rig, sim: SimThread, sessions: int) -> None:
    await rig.until(
        lambda: (
            len([s for s in sim.server.sessions if s.setup]) >= sessions
            and rig.conv.state is SessionState.CONNECTED
        )
    )


def test_go_away_mid_answer_hands_over_without_losing_audio_or_turns(
    sim: SimThread, tmp_path: Path
) -> None:
    rig = Rig(sim, tmp_path)
    feed = MicFeed(rig)

    async def main() -> None:
        await connect(rig)
        feed.start()
        speaking = asyncio.create_task(feed.say("what time is it"))
        await rig.until(lambda: bool(rig.speaker.fed))  # the answer is streaming
        assert sim.go_away(time_left_s=8.0) == 1
        await reconnected(rig, sim, 2)
        await speaking
        await rig.until(lambda: answers(sim) >= 1)
        await feed.say("and what day is it")
        await rig.until(lambda: answers(sim) >= 2)
        await rig.until(lambda: sim.server.sessions[0].closed)
        await feed.stop()
        assert rig.conv.session is not None
        replayed.append(rig.conv.session.replayed_bytes)
        await rig.until(
            lambda: len(server_audio(sim)) >= len(b"".join(feed.sent)) + replayed[0], 10
        )
        await rig.until(lambda: len(rig.saved_turns()) >= 4)
        await rig.conv.shutdown()

    replayed: list[int] = []
    run(main())
    first, second = sim.server.sessions[:2]
    assert second.resumed_from in first.handles_issued, "the new connection resumed"
    assert first.answered and second.answered, "first answer finished on the old connection"
    assert_every_chunk_arrived(first.audio_bytes, second.audio_bytes, feed, replayed[0])
    assert rig.conv.session is None and rig.view.states[-1] is SessionState.DISCONNECTED
    assert SessionState.DISCONNECTED not in rig.view.states[:-1], "no disconnect in between"
    assert not rig.view.errors
    assert_no_turn_lost(rig, sim)


@pytest.mark.parametrize("point", ["idle", "user_turn", "mid_answer", "tool_call", "handover"])
def test_dropped_connection_reconnects_and_keeps_every_turn(
    sim: SimThread, tmp_path: Path, point: str
) -> None:
    rig = Rig(sim, tmp_path)
    feed = MicFeed(rig)

    async def main() -> None:
        await connect(rig)
        feed.start()
        await feed.say("hello there")
        await rig.until(lambda: answers(sim) >= 1 and len(rig.saved_turns()) >= 2)
        if point == "user_turn":
            speaking = asyncio.create_task(feed.say("this sentence is cut in two by the drop"))
            await asyncio.sleep(0.6)
            sim.drop()
            await speaking
        elif point == "mid_answer":
            fed = len(rig.speaker.fed)
            speaking = asyncio.create_task(feed.say("tell me a long story about the sea"))
            await rig.until(lambda: len(rig.speaker.fed) > fed + 2)
            sim.drop()
            await speaking
        elif point == "tool_call":
            sim.send_tool_call("get_weather", {"city": "Oslo"})
            await rig.until(lambda: "toolCall" in sim.server.sessions[0].sent_kinds)
            sim.drop()
        elif point == "handover":
            sim.go_away(time_left_s=3.0)
            sim.drop()  # the old connection dies while the new one is being opened
        else:
            sim.drop()
        await reconnected(rig, sim, 2)
        before = answers(sim)
        await feed.say("are you still there")
        await rig.until(lambda: answers(sim) > before)
        await feed.stop()
        await rig.until(lambda: rig.saved_turns()[-1]["role"] == "model")
        await rig.conv.shutdown()

    run(main())
    later = [s for s in sim.server.sessions[1:] if s.setup]
    assert later and all(s.resumed_from for s in later), "every reconnect resumed"
    assert not rig.view.errors, rig.view.errors
    assert rig.conv.state is SessionState.DISCONNECTED
    assert_no_turn_lost(rig, sim)


def test_internal_error_1011_reconnects_with_the_handle(sim: SimThread, tmp_path: Path) -> None:
    rig = Rig(sim, tmp_path)

    async def main() -> None:
        await connect(rig)
        rig.conv.send_text("first question")
        await rig.until(lambda: answers(sim) >= 1)
        assert sim.fail(1011) == 1
        await reconnected(rig, sim, 2)
        rig.conv.send_text("second question")
        await rig.until(lambda: answers(sim) >= 2 and len(rig.saved_turns()) >= 4)
        await rig.conv.shutdown()

    run(main())
    first, second = sim.server.sessions[:2]
    assert first.close_code == 1011
    assert second.resumed_from == first.handles_issued[-1]
    assert not rig.view.errors
    assert_no_turn_lost(rig, sim)


def test_refused_handle_starts_fresh_with_the_transcript_and_says_so(
    sim: SimThread, tmp_path: Path
) -> None:
    rig = Rig(sim, tmp_path)

    async def main() -> None:
        await connect(rig)
        rig.conv.send_text("remember the word pelican")
        await rig.until(lambda: answers(sim) >= 1 and len(rig.saved_turns()) >= 2)
        sim.forget_handles()  # as if the handle had expired
        sim.fail(1011)
        await rig.until(lambda: any(m == FRESH_SESSION for m, _ in rig.view.errors))
        await rig.until(lambda: rig.conv.state is SessionState.CONNECTED)
        rig.conv.send_text("which word?")
        await rig.until(lambda: answers(sim) >= 2 and len(rig.saved_turns()) >= 4)
        await rig.conv.shutdown()

    run(main())
    refused = sim.server.sessions[1]
    assert refused.resumed_from is None and refused.close_code == 1007
    fresh = sim.server.sessions[2]
    assert fresh.setup is not None and fresh.resumed_from is None
    setup = json.dumps(fresh.setup)
    assert "remember the word pelican" in setup, "the new session got the transcript"
    assert "you typed: remember the word pelican" in setup.replace("\\n", " ")
    assert [a for _, a in rig.view.errors] == [None], "a notice, with no action to take"
    assert_no_turn_lost(rig, sim)


def test_go_away_during_a_user_turn_keeps_the_whole_utterance(
    sim: SimThread, tmp_path: Path
) -> None:
    rig = Rig(sim, tmp_path)
    feed = MicFeed(rig)
    words = "one two three four five six seven eight nine ten"
    spoken_s = len(espeak_pcm16k(words)) / 16000

    async def main() -> None:
        await connect(rig)
        feed.start()
        speaking = asyncio.create_task(feed.say(words))
        await asyncio.sleep(1.2)  # well into the utterance
        sim.go_away(time_left_s=0.5)
        await speaking
        await reconnected(rig, sim, 2)
        await rig.until(lambda: answers(sim) >= 1)
        await feed.stop()
        assert rig.conv.session is not None
        replayed.append(rig.conv.session.replayed_bytes)
        await rig.until(
            lambda: len(server_audio(sim)) >= len(b"".join(feed.sent)) + replayed[0], 10
        )
        await rig.conv.shutdown()

    replayed: list[int] = []
    run(main())
    first, second = sim.server.sessions[:2]
    assert not first.turns, "the old connection never answered half a sentence"
    heard = re.search(r"what you said \(([\d.]+) s\)", second.answered[0].output_text)
    # espeak's leading and trailing silence is not speech (~0.3 s); without the replay
    # the new connection would hear at most spoken_s - 1.2 s.
    assert heard is not None and float(heard.group(1)) >= spoken_s - 0.6, (
        "the new connection heard the whole utterance, not just its end",
        second.answered[0].output_text,
        spoken_s,
    )
    assert_every_chunk_arrived(first.audio_bytes, second.audio_bytes, feed, replayed[0])
    assert_no_turn_lost(rig, sim)


@pytest.mark.parametrize("model", ["gemini-0.1-retired-live"])
def test_unknown_model_offers_the_default_and_does_not_retry(
    sim: SimThread, tmp_path: Path, model: str
) -> None:
    rig = Rig(sim, tmp_path)
    rig.conv.settings = Settings(model=model)

    async def main() -> None:
        rig.conv.connect()
        await rig.until(lambda: rig.view.states[-1:] == [SessionState.DISCONNECTED])
        await asyncio.sleep(0.5)  # no retry follows

    run(main())
    assert [a for _, a in rig.view.errors] == ["use_default_model"]
    assert rig.view.errors[0][0] == message(MessageId.UNKNOWN_MODEL, model)
    assert len(sim.server.sessions) == 1
    assert SessionState.RECONNECTING not in rig.view.states


def test_scripted_drop_right_after_resuming_is_survived(sim: SimThread, tmp_path: Path) -> None:
    """The replacement connection itself fails once: backoff, then a third connection."""
    rig = Rig(sim, tmp_path)

    async def main() -> None:
        await connect(rig)
        rig.conv.send_text("first")
        await rig.until(lambda: answers(sim) >= 1)
        sim.script_next_connection(Fault("drop", after_turns=0, delay_s=0.05))
        sim.drop()
        await reconnected(rig, sim, 3)
        rig.conv.send_text("second")
        await rig.until(lambda: answers(sim) >= 2 and len(rig.saved_turns()) >= 4)
        await rig.conv.shutdown()

    run(main())
    assert all(s.resumed_from for s in sim.server.sessions[1:3])
    assert not rig.view.errors
    assert_no_turn_lost(rig, sim)
