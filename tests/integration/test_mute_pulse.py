"""Mute closes the real capture stream (issue 18 #15): with a private PulseAudio server,
no source-output (what lights the system's microphone indicator) exists while muted."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from gemini_desk.audio.capture import MicCapture
from gemini_desk.core.events import SessionState
from gemini_desk.core.settings import Settings
from gemini_desk.live.config import Endpoint
from gemini_desk.session.conversation import Conversation
from gemini_desk.sim import SimThread
from tests.integration.test_conversation import FakeSpeaker, FakeView
from tests.support.pulse import PulseServer, pulse
from tests.support.sim_fixtures import sim

__all__ = ["pulse", "sim"]

# Unmuting reopens the capture stream within this, on the GUI thread (measured here:
# 4-7 ms for PortAudio to open and start it).
REOPEN_S = 0.1


async def until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


def test_muted_conversation_holds_no_microphone_stream(
    pulse: PulseServer, sim: SimThread, tmp_path: Path
) -> None:
    arrivals: list[float] = []
    mics: list[MicCapture] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()

        def make_mic(on_chunk: Callable[[bytes], None]) -> MicCapture:
            def counted(pcm: bytes) -> None:
                arrivals.append(time.monotonic())
                on_chunk(pcm)

            mics.append(MicCapture(loop, counted, device=pulse.device))
            return mics[-1]

        conv = Conversation(FakeView(), Settings(), tmp_path / "c", make_mic, FakeSpeaker)
        conv.endpoint = Endpoint(api_key="demo-key", base_url=sim.base_url, ca_file=sim.ca_file)
        base = pulse._count_source_outputs()  # the virtual microphone's own (a module)
        conv.connect()
        await until(lambda: conv.state is SessionState.CONNECTED and bool(mics))
        await until(lambda: len(arrivals) >= 5)  # the microphone delivers
        assert pulse._count_source_outputs() == base + 1
        session = sim.server.sessions[0]
        await until(lambda: len(session.audio_chunk_sizes) >= 5)

        conv.set_muted(True)
        assert not mics[-1].running
        assert pulse._count_source_outputs() == base, "a microphone stream is open while muted"
        muted_at = len(arrivals)
        conv.send_text("muted now")  # ordered after any audio: all of it has arrived
        await until(lambda: "muted now" in session.texts)
        assert len(arrivals) == muted_at, "chunks arrived while muted"

        unmuted = time.monotonic()
        conv.set_muted(False)
        reopen = time.monotonic() - unmuted
        assert reopen < REOPEN_S, f"reopening the microphone took {reopen:.3f} s"
        assert mics[-1].running and pulse._count_source_outputs() == base + 1
        # This virtual source (a remap of an idle null sink's monitor) delivers its first
        # block ~1.5 s after any client connects to it, parec alike (measured here); with
        # no hardware microphone here, only that audio flows again is checked:
        await until(lambda: len(arrivals) > muted_at + 5)
        assert pulse._count_source_outputs() == base + 1 and len(mics) == 1
        await conv.shutdown()
        assert pulse._count_source_outputs() == base

    asyncio.run(asyncio.wait_for(main(), 60))
