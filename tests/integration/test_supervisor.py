"""SessionSupervisor against the local server: states shown, waits, keepalive, offline."""

from __future__ import annotations

import asyncio
import functools
import re
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from websockets.asyncio.client import connect as ws_connect

from gemini_desk.core.backoff import Backoff
from gemini_desk.core.events import (
    ErrorKind,
    LiveEvent,
    SessionError,
    SessionState,
    StateChanged,
    TurnComplete,
)
from gemini_desk.core.messages import Message, MessageId, message
from gemini_desk.core.settings import Settings
from gemini_desk.live.config import KEEPALIVE_INTERVAL_S, KEEPALIVE_TIMEOUT_S, Endpoint
from gemini_desk.live.session import MAX_QUEUED_CHUNKS
from gemini_desk.live.supervisor import MAX_BUFFERED_AUDIO, SessionSupervisor
from gemini_desk.sim import SimConfig, SimThread
from gemini_desk.sim.protocol import RealtimeInput, parse_client_message
from tests.support.sim_fixtures import espeak_pcm16k, sim

__all__ = ["sim"]


class Harness:
    def __init__(
        self, endpoint: Endpoint, settings: Settings | None = None, **kwargs: object
    ) -> None:
        self.events: list[LiveEvent] = []
        self.sup = SessionSupervisor(
            endpoint,
            settings or Settings(),
            self.events.append,
            **kwargs,  # type: ignore[arg-type]
        )
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self.sup.run())

    def states(self) -> list[tuple[SessionState, Message | None]]:
        return [(e.state, e.detail) for e in self.events if isinstance(e, StateChanged)]

    async def until(self, predicate: Callable[[], bool], timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, f"timed out; states {self.states()}"
            await asyncio.sleep(0.01)

    async def connected(self) -> None:
        await self.until(lambda: self.sup.state is SessionState.CONNECTED)

    async def close(self) -> None:
        await self.sup.close()
        assert self.task is not None
        await self.task


def endpoint(sim: SimThread, key: str = "demo-key") -> Endpoint:
    return Endpoint(api_key=key, base_url=sim.base_url, ca_file=sim.ca_file)


def run(coro) -> None:  # type: ignore[no-untyped-def]
    asyncio.run(asyncio.wait_for(coro, 60))


@pytest.mark.parametrize(("grace", "shown"), [(30.0, False), (0.0, True)])
def test_reconnecting_is_shown_only_when_the_hand_over_outlasts_the_grace_time(
    sim: SimThread, grace: float, shown: bool
) -> None:
    h = Harness(endpoint(sim), grace_s=grace)

    async def main() -> None:
        h.start()
        await h.connected()
        sim.go_away(time_left_s=2.0)
        await h.until(lambda: len([s for s in sim.server.sessions if s.setup]) == 2)
        await h.until(lambda: h.sup.handovers == 1 and h.sup.recovery_times != [])
        await h.connected()
        await h.close()

    run(main())
    states = [s for s, _ in h.states()]
    assert (SessionState.RECONNECTING in states) is shown
    assert states[:2] == [SessionState.CONNECTING, SessionState.CONNECTED]
    assert states[-1] is SessionState.DISCONNECTED
    assert sim.server.sessions[1].resumed_from is not None


@pytest.mark.parametrize("sim", [SimConfig(api_key="right-key")], indirect=True)
def test_bad_key_is_reported_once_and_not_retried(sim: SimThread) -> None:
    h = Harness(endpoint(sim, key="wrong-key"), backoff=Backoff(base=0.01, cap=0.02))

    async def main() -> None:
        h.start()
        assert h.task is not None
        await asyncio.wait_for(h.task, 20)

    run(main())
    errors = [e for e in h.events if isinstance(e, SessionError)]
    assert [e.kind for e in errors] == [ErrorKind.BAD_KEY]
    assert errors[0].message == message(MessageId.BAD_KEY)
    assert len(sim.server.sessions) == 1
    assert [s for s, _ in h.states()][-1] is SessionState.DISCONNECTED


def test_quota_waits_at_least_the_quota_time_and_says_when(sim: SimThread) -> None:
    h = Harness(endpoint(sim), quota_wait_s=0.6, backoff=Backoff(base=0.01, cap=0.02))

    async def main() -> None:
        h.start()
        await h.connected()
        # Even the first attempt after a quota close waits the quota time.
        sim.fail(1011, "RESOURCE_EXHAUSTED: You exceeded your current quota.")
        quota_wait = (SessionState.RECONNECTING, message(MessageId.RETRY_QUOTA, 1))
        await h.until(lambda: quota_wait in h.states())
        waited_from = time.monotonic()
        await h.until(lambda: len([s for s in sim.server.sessions if s.setup]) == 2)
        assert time.monotonic() - waited_from >= 0.5
        await h.connected()
        await h.close()

    run(main())
    details = [d for s, d in h.states() if s is SessionState.RECONNECTING and d]
    assert details == [message(MessageId.RETRY_QUOTA, 1)]
    assert not [e for e in h.events if isinstance(e, SessionError)], "quota is not a dead end"


def test_offline_waits_for_the_network_then_connects(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cert_dir = tmp_path / "tls"
    url = f"https://127.0.0.1:{port}"
    ep = Endpoint(api_key="demo-key", base_url=url, ca_file=cert_dir / "ca.pem")
    h = Harness(ep, backoff=Backoff(base=0.05, cap=0.2))
    server = SimThread(port=port, cert_dir=cert_dir)

    async def main() -> None:
        h.start()
        await h.until(lambda: any(d and d.id is MessageId.RETRY_NETWORK for _, d in h.states()))
        assert h.sup.state is SessionState.RECONNECTING
        await asyncio.to_thread(server.start)
        await h.connected()
        await h.close()

    try:
        run(main())
    finally:
        server.stop()
    assert not [e for e in h.events if isinstance(e, SessionError)]


def test_keepalive_tolerates_slow_pongs(sim: SimThread, monkeypatch: pytest.MonkeyPatch) -> None:
    """The SDK hands our ping settings to websockets' connect(); an upgrade that stops
    doing so fails here."""
    handed: list[dict[str, object]] = []
    connect_init = ws_connect.__init__

    @functools.wraps(connect_init)  # the SDK reads connect()'s signature to filter its args
    def spy(self: ws_connect, *args: Any, **kwargs: Any) -> None:
        handed.append(kwargs)
        connect_init(self, *args, **kwargs)

    monkeypatch.setattr(ws_connect, "__init__", spy)
    h = Harness(endpoint(sim))

    async def main() -> None:
        h.start()
        await h.connected()
        await h.close()

    run(main())
    assert len(handed) == 1, "one connection, opened through websockets' connect()"
    assert handed[0]["ping_interval"] == KEEPALIVE_INTERVAL_S
    assert handed[0]["ping_timeout"] == KEEPALIVE_TIMEOUT_S
    assert KEEPALIVE_TIMEOUT_S >= 30, "the service's pongs were seen to take up to 30 s"
    setup = sim.server.sessions[0].setup
    assert setup is not None
    assert "sliding" in str(setup.get("contextWindowCompression")), setup
    assert "sessionResumption" in setup


def test_a_drop_mid_answer_closes_the_cut_turn(sim: SimThread) -> None:
    h = Harness(endpoint(sim), backoff=Backoff(base=0.01, cap=0.02))

    async def main() -> None:
        h.start()
        await h.connected()
        sim.queue_reply("a four second answer", audio=np.zeros(4 * 24000, np.int16))
        h.sup.send_text("tell me something long")
        first = sim.server.sessions[0]
        await h.until(lambda: first.sent_kinds.count("serverContent.modelTurn") > 2)
        sim.drop()
        await h.until(lambda: any(isinstance(e, TurnComplete) for e in h.events))
        await h.until(lambda: h.sup.reconnects == 1 and len(h.sup.recovery_times) == 1)
        await h.close()

    run(main())
    assert not sim.server.sessions[0].turns[0].completed, "the answer was cut"
    assert sim.server.sessions[1].resumed_from is not None


def test_key_revoked_mid_conversation_ends_with_the_key_error(sim: SimThread) -> None:
    h = Harness(endpoint(sim), backoff=Backoff(base=0.01, cap=0.02))

    async def main() -> None:
        h.start()
        await h.connected()
        sim.server.config.api_key = "a-new-key"  # the old one was revoked
        sim.fail(1011)
        assert h.task is not None
        await asyncio.wait_for(h.task, 20)

    run(main())
    errors = [e for e in h.events if isinstance(e, SessionError)]
    assert [e.kind for e in errors] == [ErrorKind.BAD_KEY]
    refused = sim.server.sessions[1:]
    # One attempt to resume, one fresh attempt (in case only the handle was refused).
    assert [s.close_code for s in refused] == [1008, 1008]
    assert [s for s, _ in h.states()][-1] is SessionState.DISCONNECTED


def test_what_is_sent_without_a_connection_waits_capped_oldest_first(sim: SimThread) -> None:
    """The outbox's caps (tests/unit/test_outbox.py) as the supervisor applies them: what
    waited reaches the server once connected, oldest first; of the audio only the newest
    chunks the connection's own queue holds (MAX_QUEUED_CHUNKS), of the video the last
    frame."""
    h = Harness(endpoint(sim))
    sup = h.sup
    for i in range(MAX_BUFFERED_AUDIO + 100):
        sup.send_audio(i.to_bytes(4, "little"))
    sup.send_video(b"old frame")
    sup.send_video(b"new frame")
    sup.send_text("typed")
    assert sup.dropped_chunks == 100 and sup.audio_chunks_in == MAX_BUFFERED_AUDIO + 100
    assert sup.state is SessionState.DISCONNECTED
    assert not sim.server.sessions, "nothing goes out before run()"

    async def main() -> None:
        h.start()
        await h.connected()
        await h.until(lambda: sim.server.sessions[0].texts == ["typed"])
        await h.close()

    run(main())
    session = sim.server.sessions[0]
    kept = range(MAX_BUFFERED_AUDIO + 100 - MAX_QUEUED_CHUNKS, MAX_BUFFERED_AUDIO + 100)
    assert session.audio_bytes == b"".join(i.to_bytes(4, "little") for i in kept)
    assert [f.data for f in session.video_frames] == [b"new frame"]
    order = [_realtime_kind(m.raw) for m in session.messages if m.kind == "realtime_input"]
    assert order == ["audio"] * MAX_QUEUED_CHUNKS + ["video", "text"]


def _realtime_kind(raw: Any) -> str:
    """What one realtimeInput message carried: audio, video or text."""
    msg = parse_client_message(raw)
    assert isinstance(msg, RealtimeInput)
    return "audio" if msg.audio else "video" if msg.video else "text" if msg.text else "other"


def test_push_to_talk_utterance_cut_by_go_away_reaches_the_new_connection_whole(
    sim: SimThread,
) -> None:
    h = Harness(endpoint(sim), Settings(talk_mode="push_to_talk"))
    speech = espeak_pcm16k("one two three four five six seven eight")
    chunks = [speech[i : i + 320].tobytes() for i in range(0, len(speech) - 319, 320)]

    async def main() -> None:
        h.start()
        await h.connected()
        h.sup.send_activity_start()  # the key goes down
        start = time.monotonic()
        for i, chunk in enumerate(chunks):
            if i == len(chunks) // 2:
                sim.go_away(time_left_s=3.0)
            h.sup.send_audio(chunk)
            await asyncio.sleep(max(0.0, start + (i + 1) * 0.02 - time.monotonic()))
        h.sup.send_activity_end()  # the key comes up
        await h.until(
            lambda: len(sim.server.sessions) > 1 and bool(sim.server.sessions[1].answered)
        )
        await h.close()

    run(main())
    first, second = sim.server.sessions[:2]
    assert second.resumed_from is not None
    assert not first.turns, "the old connection never got the end of the utterance"
    assert [a.kind for a in second.activity] == ["start", "end"]
    heard = re.search(r"what you said \(([\d.]+) s\)", second.answered[0].output_text)
    assert heard is not None
    assert abs(float(heard.group(1)) - len(chunks) * 0.02) < 0.15, "the whole utterance"
