"""What the local Live server keeps of its connections (issue 18, finding 3): by default
counts, a short tail and the last frame while a connection lasts, and only a summary
once it ended; everything when full recording is asked for (as the ``sim`` fixture does).
"""

from __future__ import annotations

import asyncio
import gc
from typing import Any

from google.genai import types

from gemini_desk.sim import SimConfig, SimThread
from tests.support.deep_size import deep_size
from tests.support.sim_fixtures import (
    MIME_16K,
    collect_turn,
    live,
    said,
    sdk_client,
    sim,
    type_turn,
)

__all__ = ["sim"]  # the fixture, imported for pytest

FRAME_BYTES = 1024 * 1024
CHUNK = 16000 * 100 // 1000 * 2  # 100 ms of 16 kHz int16


def frame(n: int) -> bytes:
    return bytes([n]) + bytes(FRAME_BYTES - 1)


async def send_frames_and_silence(session: Any, frames: int, seconds: int) -> None:
    for n in range(frames):
        await session.send_realtime_input(video=types.Blob(data=frame(n), mime_type="image/jpeg"))
    silence = types.Blob(data=bytes(CHUNK), mime_type=MIME_16K)
    for _ in range(seconds * 10):
        await session.send_realtime_input(audio=silence)


async def one_connection(sim: SimThread, frames: int, seconds: int) -> None:
    async with live(sim) as session:
        await send_frames_and_silence(session, frames, seconds)


def ended(sim: SimThread, n: int) -> bool:
    sessions = sim.server.sessions
    return len(sessions) == n and all(s.closed for s in sessions)


def test_ended_connections_leave_only_small_summaries() -> None:
    with SimThread() as sim:  # the default, as in the app's demo mode
        for _ in range(3):
            asyncio.run(one_connection(sim, frames=2, seconds=60))
        sim.wait_until(lambda: ended(sim, 3))
        sessions = sim.server.sessions
        gc.collect()
        assert deep_size(sessions) < 256 * 1024  # was ~60 MB: every frame, chunk and message
        assert [s.video_frame_count for s in sessions] == [2, 2, 2]
        assert [s.video_bytes_received for s in sessions] == [2 * FRAME_BYTES] * 3
        assert [s.audio_bytes_received for s in sessions] == [60 * 32000] * 3
        assert [s.message_kinds["realtime_input"] for s in sessions] == [2 + 600] * 3


def test_a_live_connection_keeps_the_last_frame_and_a_tail_of_audio() -> None:
    config = SimConfig(keep_audio_s=1.0)

    async def main(sim: SimThread) -> None:
        async with live(sim) as session:
            await send_frames_and_silence(session, frames=3, seconds=5)
            rec = sim.wait_until(lambda: sim.server.sessions[0])
            await asyncio.to_thread(sim.wait_until, lambda: rec.audio_bytes_received == 5 * 32000)
            assert [v.data for v in rec.video_frames] == [frame(2)]
            assert len(rec.audio) == 32000  # the last second
            # The frames held for the next turn keep only the last one's bytes...
            assert sim.server.connections[0].held_video_bytes == FRAME_BYTES
            # ...and the answer still says how many there were and the last one's size.
            await type_turn(session, "what did you see?")
            assert "received 3 video frames (JPEG, 1024 KB)" in said(await collect_turn(session))

    with SimThread(config) as sim:
        asyncio.run(asyncio.wait_for(main(sim), 30))


def test_only_the_newest_ended_sessions_are_kept() -> None:
    def ids(sim: SimThread) -> list[int]:
        return [s.id for s in sim.server.sessions if s.closed]

    with SimThread(SimConfig(keep_entries=3)) as sim:
        for _ in range(2):
            asyncio.run(one_connection(sim, frames=0, seconds=0))
        sim.wait_until(lambda: ids(sim) == [1, 2])
        for _ in range(2):
            asyncio.run(one_connection(sim, frames=0, seconds=0))
        sim.wait_until(lambda: ids(sim) == [2, 3, 4])


def test_the_sim_fixture_records_everything(sim: SimThread) -> None:
    asyncio.run(one_connection(sim, frames=2, seconds=2))
    sim.wait_until(lambda: ended(sim, 1))
    rec = sim.server.sessions[0]
    assert [v.data for v in rec.video_frames] == [frame(0), frame(1)]
    assert rec.audio_bytes == bytes(2 * 32000)
    assert len(rec.messages) == 2 + 20 and all(m.raw is not None for m in rec.messages)


def test_only_the_newest_rest_requests_are_kept() -> None:
    async def list_all(sim: SimThread) -> int:
        pager = await sdk_client(sim).aio.models.list(config={"page_size": 1})
        return len([m async for m in pager])

    with SimThread(SimConfig(keep_entries=3)) as sim:
        pages = asyncio.run(list_all(sim))
        assert pages > 3
        requests = sim.server.rest_requests
        assert len(requests) == 3 and "pageToken=" in requests[-1]
