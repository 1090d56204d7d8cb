"""Sound cues heard on the virtual speaker of a private sound server (issue 21 item 9):
the talk key's press and release and mute each play their tone through the speaker the
answer uses; with the setting off nothing is played. Content is asserted, not timing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from gemini_desk.audio import MicCapture, SpeakerPlayback
from gemini_desk.core.cues import Cue, cue_tone
from gemini_desk.core.events import SessionState
from gemini_desk.core.ptt import KeySource
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.live.config import Endpoint
from gemini_desk.session.conversation import Conversation
from gemini_desk.session.sound_cues import SoundCues
from gemini_desk.sim import SimThread
from tests.integration.test_audio_pulse import best_correlation
from tests.integration.test_conversation import FakeView
from tests.support.pulse import PulseServer, Recording, on_both_servers, pulse
from tests.support.sim_fixtures import sim

__all__ = ["pulse", "sim"]

pytestmark = [pytest.mark.pulse, pytest.mark.timeout(90), on_both_servers]

RATE = 48000  # the recording's rate


async def until(predicate: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


def heard(samples: np.ndarray, cue: Cue) -> float:
    """How well ``cue`` matches the best-aligned part of ``samples`` (1.0: exactly)."""
    return best_correlation(samples, cue_tone(cue, RATE))[0]


async def heard_cue(rec: Recording, cue: Cue, since: int, timeout: float = 15.0) -> int:
    """Wait until ``cue`` is in the recording after sample ``since``, whole (correlation
    > 0.9); return where the recording ends now. Only the recent part is searched, and
    not too often: correlating the whole recording every 10 ms held the interpreter
    long enough to starve the speaker's thread (the cue then had a gap)."""
    deadline = time.monotonic() + timeout
    while True:
        recent = rec.so_far()[since:]
        score = heard(recent, cue)
        if score > 0.9:
            return since + recent.shape[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"{cue} not heard whole: best match {score:.3f}")
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("backend", ["pulse", "portaudio"])
def test_cues_heard_on_the_speaker_and_not_when_off(
    pulse: PulseServer, sim: SimThread, tmp_path: Path, backend: str
) -> None:
    settings = SettingsModel(Settings(talk_mode="push_to_talk", preroll_ms=300))

    async def main() -> None:
        loop = asyncio.get_running_loop()
        speakers: list[SpeakerPlayback] = []

        def make_speaker() -> SpeakerPlayback:
            speakers.append(SpeakerPlayback(device=pulse.device, loop=loop, backend=backend))
            return speakers[-1]

        def make_mic(on_chunk: Callable[[bytes], None]) -> MicCapture:
            return MicCapture(loop, on_chunk, device=pulse.device)

        conv = Conversation(FakeView(), settings, tmp_path / "c", make_mic, make_speaker)
        conv.endpoint = Endpoint(api_key="demo-key", base_url=sim.base_url, ca_file=sim.ca_file)
        cues = SoundCues(conv, settings)
        for _ in range(2):  # silent answers: nothing but the cues is played
            sim.queue_reply("Noted.", np.zeros(2400, np.int16))
        conv.connect()
        await until(lambda: conv.state is SessionState.CONNECTED and bool(speakers))
        speaker = speakers[0]
        await until(lambda: speaker.callbacks > 20)  # the stream flows
        session = sim.server.sessions[0]
        rec = pulse.start_recording(RATE)
        try:
            # Pressed: activityStart goes out, and the start tone is heard.
            conv.talk.press(KeySource.BUTTON)
            assert conv.talk.activities_started == 1  # capture began before the cue
            at = await heard_cue(rec, Cue.TALK_START, 0)
            conv.talk.release(KeySource.BUTTON)
            at = await heard_cue(rec, Cue.TALK_STOP, max(0, at - RATE // 5))
            await until(lambda: any(a.kind == "end" for a in session.activity))
            conv.set_muted(True)
            at = await heard_cue(rec, Cue.MUTE, max(0, at - RATE // 5))
            conv.set_muted(False)
            at = await heard_cue(rec, Cue.UNMUTE, max(0, at - RATE // 5))
            assert cues.played == 4
            # Off (as Settings would set it): a press and a release play no cue. The
            # recording is waited for until it holds a second past the release.
            settings.update(sound_cues=False)
            await until(lambda: not speaker._renderer.cues or not speaker._renderer.cues.busy)
            mark = rec.so_far().shape[0]
            conv.talk.press(KeySource.BUTTON)
            conv.talk.release(KeySource.BUTTON)
            await until(lambda: rec.so_far().shape[0] > mark + RATE)
            after = rec.so_far()[mark:]
            assert conv.talk.activities_started == 2
            assert cues.played == 4
            for cue in Cue:
                assert heard(after, cue) < 0.5, f"{cue} played with cues off"
            assert np.max(np.abs(after[RATE // 10 :])) < 1e-3, "something played with cues off"
        finally:
            rec.stop()
            cues.stop()
            await conv.shutdown()

    asyncio.run(asyncio.wait_for(main(), 80))
