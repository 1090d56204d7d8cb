"""A person's very first launch, on Xvfb with PulseAudio devices: the welcome's key
field has the cursor; "Try the demo" connects at once, and speaking (one more action)
gets an answer out of the speaker. A key typed there is checked with the local server
(models.list through the real SDK), then connects."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soxr

from gemini_desk.sim import SimConfig, SimThread
from tests.e2e.conftest import PULSE_DEVICES, assert_clean_log
from tests.support.signals import correlation
from tests.support.sim_fixtures import espeak_pcm16k

pytestmark = pytest.mark.e2e

WELCOME = "first run: the welcome asks for a key or the demo"
KEY = "first-run-e2e-key"


def _turns(home: Path) -> list[dict[str, object]]:
    files = sorted((home / "data" / "conversations").glob("*.jsonl"))
    if not files:
        return []
    return [json.loads(x) for x in files[-1].read_text().splitlines() if x.strip()]


def test_try_the_demo_then_speak_and_hear_the_answer(
    launch_app,
    artifacts: Path,  # type: ignore[no-untyped-def]
) -> None:
    speech16 = espeak_pcm16k("Hello, is anybody there?")
    app = launch_app(*PULSE_DEVICES)  # no key anywhere, no options
    app.wait_for(app.started, 40, "start-up with the main window shown")
    assert WELCOME in app.log_text()
    assert "demo mode:" not in app.log_text(), "no demo server before the user chooses"
    app.display.screenshot(artifacts / "e2e-first-run-welcome.png")

    app.keys("Gemini Desk", "alt+d")  # action 1: "Try the &demo"
    app.wait_for(app.streams_open, 40, "the demo to connect and open the audio streams")
    recording = app.pulse.start_recording(rate=48000)
    app.wait_for(lambda: recording.path.stat().st_size > 9600, 20, "the speaker recording")
    app.pulse.play_into_mic(speech16, 16000)  # action 2: say something
    app.wait_for(lambda: len(_turns(app.home)) >= 2, 40, "the spoken turn and its answer")
    heard = recording.stop()
    app.display.screenshot(artifacts / "e2e-first-run-demo-answered.png")

    # The demo plays back what it heard: the answer out of the speaker is the utterance.
    heard16 = soxr.resample(heard, 48000, 16000)
    loud = np.flatnonzero(np.abs(heard16) > 0.01)
    assert loud.size, "nothing was heard on the speaker"
    answer = heard16[max(0, loud[0] - 800) : loud[-1] + 800]
    assert correlation(answer, speech16.astype(np.float32)) > 0.6
    model = next(t for t in _turns(app.home) if t["role"] == "model")
    assert "playing back what you said" in str(model["text"]), "an honest caption"
    # Once connected the cursor is in the text box: typing goes there, not to a control
    # (no click first).
    app.display.xdotool("type", "--delay", "10", "typed at once")
    app.display.xdotool("key", "Return")
    typed = {"role": "user", "typed": True, "text": "typed at once"}
    app.wait_for(
        lambda: any(t.items() >= typed.items() for t in _turns(app.home)), 30, "the typed turn"
    )
    assert app.quit_with_keyboard() == 0
    assert_clean_log(app)
    settings = json.loads((app.home / "config" / "settings.json").read_text())
    assert settings["demo_chosen"] is True

    before = len(app.log_text())  # the same log file goes on
    again = launch_app(*PULSE_DEVICES, home=app.home)
    again.wait_for(lambda: "tray icon " in again.log_text()[before:], 40, "the second start")
    assert WELCOME not in again.log_text()[before:], "the choice is remembered"
    assert again.quit_with_keyboard() == 0


@pytest.mark.parametrize("sim", [SimConfig(api_key=KEY)], indirect=True)
def test_a_key_typed_at_once_is_checked_then_connects(
    sim: SimThread,
    launch_app,  # type: ignore[no-untyped-def]
) -> None:
    env = {"SSL_CERT_FILE": str(sim.ca_file)}  # no key in the environment: the welcome asks
    app = launch_app("--base-url", sim.base_url, *PULSE_DEVICES, env=env)
    app.wait_for(app.started, 40, "start-up with the main window shown")
    win = app.windows("^Gemini Desk$")[-1]
    app.display.xdotool("windowfocus", "--sync", win)
    # No click first: the cursor is in the key field.
    app.display.xdotool("type", "--delay", "10", "not-a-valid-key")
    app.display.xdotool("key", "Return")
    app.wait_for(lambda: "key check failed: bad_key" in app.log_text(), 30, "the refusal")
    assert not sim.server.sessions, "a refused key does not connect"
    # The field is ready again, its text selected: typing replaces it.
    app.display.xdotool("type", "--delay", "10", KEY)
    app.display.xdotool("key", "Return")
    app.wait_for(lambda: bool(sim.server.sessions), 30, "the key to be checked and connect")
    app.wait_for(app.streams_open, 30, "the audio streams")
    assert "key check: " in app.log_text()
    assert app.quit_with_keyboard() == 0
    assert_clean_log(app, KEY)
    stored = (app.home / "config" / "settings.json").read_text()
    assert KEY not in stored, "the key is never in the settings file"
