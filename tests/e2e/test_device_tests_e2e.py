"""The real app, not connected: Help > Audio diagnostics' microphone test records only
when asked, plays the recording back, and its speaker test plays a chime (keyboard only)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.e2e.conftest import PULSE_DEVICES, RunningApp
from tests.integration.test_audio_pulse import tone, tone_presence

pytestmark = pytest.mark.e2e

DIALOG = "Audio diagnostics"


def capturing(app: RunningApp) -> bool:
    """The app records from the sound server (its microphone is open): a source output
    of its process (the test's own parecord and the rig's remapped microphone are others)."""
    text = app.pulse.pactl("list", "source-outputs")
    return f'application.process.id = "{app.proc.pid}"' in text


def tone_seconds(x: np.ndarray, rate: int, freq: float, floor: float) -> float:
    return float(np.sum(tone_presence(x, rate, freq) > floor)) * 0.02


def test_microphone_and_speaker_tests(launch_app, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    app = launch_app("--demo", *PULSE_DEVICES)
    app.wait_for(app.started, 40, "the app to start")
    app.keys("Gemini Desk", "alt+h", "d")  # Help > Audio &diagnostics…
    app.wait_for(lambda: bool(app.windows(DIALOG)), 15, "the diagnostics dialog")
    assert not capturing(app), "nothing is recorded before the user asks"

    speaker = app.pulse.start_recording(rate=48000)
    beeps = tone(1000, 10.0, 48000, amp=0.3) * (np.arange(10 * 48000) // 14400 % 2 == 0)
    player = app.pulse.play_into_mic(beeps.astype(np.float32), 48000, wait=False)
    try:
        app.keys(DIALOG, "alt+m")  # Test &microphone
        app.wait_for(lambda: capturing(app), 10, "the microphone test to record")
        app.wait_for(lambda: "mic test: DIAG_MIC_TEST_WORKS" in app.log_text(), 30, "its verdict")
    finally:
        player.kill()
        player.wait()
    app.wait_for(lambda: not capturing(app), 5, "the microphone to close after the test")
    played = speaker.stop()
    assert tone_seconds(played, 48000, 1000, 0.05) > 1.2, "the recording was played back"

    speaker = app.pulse.start_recording(rate=48000)
    app.keys(DIALOG, "alt+s")  # Test &speaker
    app.wait_for(lambda: "speaker test: the chime played" in app.log_text(), 20, "the chime")
    chime = speaker.stop()
    assert tone_seconds(chime, 48000, 880.0, 0.02) > 0.4
    assert tone_seconds(chime, 48000, 1318.5, 0.02) > 0.4
    app.keys(DIALOG, "alt+y")  # "&Yes, I heard it"
    app.wait_for(lambda: "the chime was heard" in app.log_text(), 10, "the answer")
    app.display.screenshot(artifacts / "e2e-device-tests.png")
    assert not capturing(app)
    app.keys(DIALOG, "Escape")
    assert app.quit_with_keyboard() == 0
