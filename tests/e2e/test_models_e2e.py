"""The real app with a key, pointed at the local server: models from the service, the
default model, a retired stored model replaced before the first connect, live captions."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from gemini_desk.sim import SimConfig, SimThread
from gemini_desk.sim import catalogue as sim_catalogue
from tests.e2e.conftest import PULSE_DEVICES, RunningApp, assert_clean_log, sim_env
from tests.e2e.test_app_e2e import read_turns_or_empty
from tests.support.sim_fixtures import espeak_pcm16k

pytestmark = pytest.mark.e2e

KEY = "e2e-models-key"
RETIRED = "gemini-2.5-flash-native-audio-preview-09-2025"  # the default of older versions
LONG_UTTERANCE = (
    "Good morning Gemini, please tell me what the weather will be like this afternoon "
    "and whether I should take an umbrella with me."
)


def cached_ids(app: RunningApp) -> list[str]:
    path = app.home / "data" / "models.json"
    if not path.exists():
        return []
    entries = json.loads(path.read_text())
    return [m["id"] for entry in entries.values() for m in entry["models"]]


@pytest.mark.parametrize("sim", [SimConfig(api_key=KEY)], indirect=True)
def test_first_launch_lists_the_services_models_and_shows_live_captions(
    sim: SimThread,
    launch_app,
    artifacts: Path,  # type: ignore[no-untyped-def]
) -> None:
    app = launch_app(
        "--base-url",
        sim.base_url,
        "--connect",
        *PULSE_DEVICES,
        env=sim_env(sim, KEY),
    )
    app.wait_for(lambda: bool(sim.server.sessions), 40, "the app to connect")
    session = sim.server.sessions[0]
    assert session.model == "models/gemini-3.8-live" or session.model == "gemini-3.8-live"
    app.wait_for(
        lambda: set(cached_ids(app)) == set(sim_catalogue.LIVE_MODEL_IDS),
        20,
        "the service's Live models to be listed and cached",
    )
    app.wait_for(app.streams_open, 20, "the app's audio streams")
    app.wait_for(lambda: len(session.audio_chunk_sizes) > 25, 20, "microphone audio to flow")

    # Speak; take the picture while the service is still sending captions.
    player = app.pulse.play_into_mic(espeak_pcm16k(LONG_UTTERANCE), 16000, wait=False)
    interim = "serverContent.interimInputTranscription"
    app.wait_for(lambda: session.sent_kinds.count(interim) >= 4, 20, "live captions")
    app.display.screenshot(artifacts / "e2e-live-captions.png")
    assert player.wait(timeout=30) == 0
    app.wait_for(lambda: len(read_turns_or_empty(app)) >= 2, 40, "both turns")
    user = read_turns_or_empty(app)[0]
    assert user["role"] == "user" and "so far" not in str(user["text"])

    # Settings lists the service's models by name; the default is chosen.
    app.keys("Gemini Desk", "ctrl+comma")
    app.wait_for(lambda: bool(app.windows("Settings")), 20, "the settings dialog")
    app.keys("Settings", "alt+Down")  # open the model list (the field has the focus)
    app.display.screenshot(artifacts / "e2e-settings-models.png")
    app.keys("Settings", "Escape")  # close the list

    # Play sample: one Live turn in the voice, played on the speaker and cached.
    recording = app.pulse.start_recording(rate=48000)
    app.wait_for(lambda: recording.path.stat().st_size > 9600, 20, "the speaker recording")
    app.keys("Settings", "alt+p")  # &Play sample
    sample = app.home / "data" / "voice-samples" / "Puck.pcm"
    app.wait_for(sample.exists, 30, "the voice sample to be fetched and cached")
    app.wait_for(
        lambda: float(np.abs(recording.so_far()).max(initial=0)) > 0.05,
        20,
        "the sample to be heard on the speaker",
    )
    recording.stop()
    asked = [s for s in sim.server.sessions if "Say hello in one sentence." in s.texts]
    assert len(asked) == 1
    app.wait_for(lambda: asked[0].closed, 20, "the sample's connection to be closed")
    app.display.screenshot(artifacts / "e2e-settings-sample.png")
    app.keys("Settings", "alt+m", "Return")  # back to the model field, then OK
    app.wait_for(lambda: not app.windows("Settings"), 20, "the dialog to close")
    settings = json.loads((app.home / "config" / "settings.json").read_text())
    assert settings["model"] == "gemini-3.8-live"
    assert app.quit_with_keyboard() == 0
    assert_clean_log(app)


@pytest.mark.parametrize("sim", [SimConfig(api_key=KEY)], indirect=True)
def test_an_old_settings_file_connects_on_the_first_try(
    sim: SimThread,
    launch_app,
    artifacts: Path,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    home = tmp_path / "old-home"
    (home / "config").mkdir(parents=True)
    old = {"model": RETIRED, "voice": "Puck", "demo_chosen": False}
    (home / "config" / "settings.json").write_text(json.dumps(old))
    app = launch_app("--base-url", sim.base_url, "--connect", env=sim_env(sim, KEY), home=home)
    app.wait_for(
        lambda: bool(sim.server.sessions) and sim.server.sessions[0].setup is not None,
        40,
        "the first connection",
    )
    first = sim.server.sessions[0]
    assert first.model is not None and first.model.endswith("gemini-3.8-live")
    app.wait_for(lambda: f"model {RETIRED} is no longer listed" in app.log_text(), 10, "the notice")
    app.display.screenshot(artifacts / "e2e-model-retired.png")
    assert all(s.close_code != 1008 for s in sim.server.sessions), "no refused attempt first"
    assert app.quit_with_keyboard() == 0
    saved = json.loads((home / "config" / "settings.json").read_text())
    assert saved["model"] == "gemini-3.8-live"
    assert_clean_log(app)
