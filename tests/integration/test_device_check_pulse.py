"""Diagnostics' microphone and speaker tests through a private sound server with
virtual devices (tests/support/pulse.py), PulseAudio and PipeWire's pulse server: real
MicCapture and SpeakerPlayback streams.

Assertions are on content (a tone's presence), never on timing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import time
from collections.abc import Callable

import numpy as np
import pytest

from gemini_desk.audio import MicCapture, SpeakerPlayback
from gemini_desk.core.desk_state import SessionStatus
from gemini_desk.core.events import SessionState
from gemini_desk.core.loop_lag import LoopLag
from gemini_desk.core.messages import MessageId as M
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.desktop.diagnostics_wiring import build_diagnostics
from gemini_desk.session.audio_check import DeviceCheck, MicTestResult, Phase
from tests.integration.test_audio_pulse import tone, tone_presence
from tests.support.pulse import PulseServer, on_both_servers, pulse
from tests.support.qt import process_events, qapp
from tests.ui.test_diagnostics_wiring import Conv

__all__ = ["pulse", "qapp"]

pytestmark = [pytest.mark.pulse, pytest.mark.timeout(60), on_both_servers]

DEVICE = "pulse"


def _check(phases: list[Phase]) -> DeviceCheck:
    loop = asyncio.get_running_loop()
    check: DeviceCheck

    def make_mic(on_chunk: Callable[[bytes], None]) -> MicCapture:
        return MicCapture(loop, on_chunk, device=DEVICE)

    def make_speaker() -> SpeakerPlayback:
        return SpeakerPlayback(device=DEVICE, loop=loop)

    def on_change() -> None:
        if not phases or phases[-1] is not check.phase:
            phases.append(check.phase)

    check = DeviceCheck(make_mic, make_speaker, on_change)
    return check


def _tone_seconds(x: np.ndarray, rate: int, freq: float, floor: float = 0.05) -> float:
    """How long (s) a tone at ``freq`` is present in ``x`` (20 ms frames above ``floor``)."""
    return float(np.sum(tone_presence(x, rate, freq) > floor)) * 0.02


def test_mic_test_records_a_tone_and_plays_it_back(pulse: PulseServer) -> None:
    phases: list[Phase] = []
    speaker_rec = pulse.start_recording(rate=48000)
    # Like speech, the tone comes and goes (0.3 s on, 0.3 s off), so the recording has a
    # background to measure; a steady tone throughout would read as loud noise.
    beeps = tone(1000, 8.0, 48000, amp=0.3) * (np.arange(8 * 48000) // 14400 % 2 == 0)
    player = pulse.play_into_mic(beeps.astype(np.float32), 48000, wait=False)

    async def main() -> tuple[MicTestResult, list[int]]:
        check = _check(phases)
        seen: list[int] = []
        task = asyncio.ensure_future(check.mic_test())
        while not task.done():  # the countdown, as the dialog reads it
            if check.phase is Phase.RECORDING and (not seen or seen[-1] != check.seconds_left):
                seen.append(check.seconds_left)
            await asyncio.sleep(0.01)
        return task.result(), seen

    try:
        result, countdown = asyncio.run(main())
    finally:
        played = speaker_rec.stop()
        pulse.stop_player(player)
    assert result.finding.message.id is M.DIAG_MIC_TEST_WORKS, result.finding
    assert phases == [Phase.RECORDING, Phase.PLAYING_BACK, Phase.IDLE]
    assert countdown == [3, 2, 1]
    recorded = np.frombuffer(result.recording, "<i2").astype(np.float32) / 32768.0
    assert recorded.shape[0] == 3 * 16000
    assert 1.2 < _tone_seconds(recorded, 16000, 1000) < 1.8
    assert result.figures is not None and -16 < result.figures.loudest_db < -8
    # The speaker played the recording back: the tone is in what it emitted.
    assert _tone_seconds(played, 48000, 1000) > 1.2


def test_a_silent_microphone_heard_nothing_and_nothing_is_played(pulse: PulseServer) -> None:
    # Nothing an earlier test played into the microphone is still on its way (once, in
    # a clean-clone CI run on PipeWire right after the tone test, this one heard some).
    pulse.wait_until_quiet()
    phases: list[Phase] = []
    speaker_rec = pulse.start_recording(rate=48000)

    async def main() -> MicTestResult:
        return await _check(phases).mic_test()

    try:
        result = asyncio.run(main())
    finally:
        played = speaker_rec.stop()
    assert result.finding.message.id is M.DIAG_MIC_TEST_HEARD_NOTHING
    assert phases == [Phase.RECORDING, Phase.IDLE]
    assert len(result.recording) == 3 * 16000 * 2
    assert float(np.max(np.abs(played), initial=0.0)) < 1e-3


def test_speaker_test_plays_the_chime(pulse: PulseServer) -> None:
    phases: list[Phase] = []
    speaker_rec = pulse.start_recording(rate=48000)

    async def main() -> object:
        return await _check(phases).speaker_test()

    try:
        failed = asyncio.run(main())
    finally:
        played = speaker_rec.stop()
    assert failed is None
    assert phases == [Phase.PLAYING_CHIME, Phase.IDLE]
    assert _tone_seconds(played, 48000, 880.0, 0.02) > 0.4
    assert _tone_seconds(played, 48000, 1318.5, 0.02) > 0.4


def test_a_missing_microphone_says_why(pulse: PulseServer) -> None:
    async def main() -> MicTestResult:
        loop = asyncio.get_running_loop()
        check = DeviceCheck(
            lambda on_chunk: MicCapture(loop, on_chunk, device="No Such Headset"),
            lambda: SpeakerPlayback(device=DEVICE, loop=loop),
        )
        return await check.mic_test()

    result = asyncio.run(main())
    assert result.finding.message.id is M.NO_DEVICE_NAMED
    assert result.figures is None and result.recording == b""


def _capturing(pulse: PulseServer) -> bool:
    """This process records from the sound server (a source output of its pid)."""
    return f'application.process.id = "{os.getpid()}"' in pulse.pactl("list", "source-outputs")


def test_connecting_ends_a_running_test(pulse: PulseServer, qapp) -> None:
    """The tests run only while not connected: a connection starting mid-test ends it,
    its microphone closes, and the dialog is ready again."""
    conv = Conv()
    settings = SettingsModel(
        dataclasses.replace(Settings(), input_device=DEVICE, output_device=DEVICE),
        save=lambda _s: None,
    )

    async def wait_until(cond: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + 10
        while not cond():
            assert time.monotonic() < deadline, what
            await asyncio.sleep(0.02)

    async def main() -> None:
        dialog = build_diagnostics(None, conv, settings, LoopLag())  # type: ignore[arg-type]
        panel = dialog.tests
        panel.mic_button.click()
        await wait_until(lambda: panel.running and _capturing(pulse), "the test to record")
        conv.status.set(SessionStatus(SessionState.CONNECTING))
        await wait_until(lambda: not panel.running, "the test to end")
        await wait_until(lambda: not _capturing(pulse), "its microphone to close")
        assert not panel.mic_button.isEnabled()  # connecting: no new test either
        assert dialog.verdict.texts["mic"].text().startswith("The microphone is not open")
        dialog.deleteLater()

    asyncio.run(main())
    process_events()
