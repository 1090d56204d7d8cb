"""Microphones and speakers by the sound server's names (issue 21 item 5): listed by
their descriptions, stored by the server's stable name, and opened by it, on
PulseAudio and on PipeWire's pulse server (tests/support/pulse.py's rig, with two
more named devices loaded here). Content is asserted, not timing."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import pytest

from gemini_desk.audio import MicCapture, SpeakerPlayback
from gemini_desk.audio.device_choices import device_choices
from gemini_desk.audio.server_devices import PREFIX, list_server_devices
from gemini_desk.ui import settings_dialog
from tests.integration.test_audio_pulse import best_correlation, tone
from tests.support.pulse import PulseServer, on_both_servers, pulse

__all__ = ["pulse"]

pytestmark = [pytest.mark.pulse, pytest.mark.timeout(90), on_both_servers]

HEADSET, HEADSET_TEXT = "desk_headset", "Desk Headset"
HEADSET_MIC, HEADSET_MIC_TEXT = "desk_headset_mic", "Desk Headset Microphone"
MIC_FEED = "desk_mic_feed"  # a null sink whose monitor the headset microphone remaps


@dataclass
class Named:
    """The extra devices: a speaker and a microphone with descriptions."""

    server: PulseServer


@pytest.fixture
def named(pulse: PulseServer) -> Iterator[Named]:
    modules = [
        pulse.pactl(
            "load-module",
            "module-null-sink",
            f"sink_name={HEADSET}",
            f"sink_properties='device.description=\"{HEADSET_TEXT}\"'",
        ).strip(),
        pulse.pactl(
            "load-module", "module-null-sink", f"sink_name={MIC_FEED}", "channels=1"
        ).strip(),
        pulse.pactl(
            "load-module",
            "module-remap-source",
            f"master={MIC_FEED}.monitor",
            f"source_name={HEADSET_MIC}",
            "channels=1",
            f"source_properties='device.description=\"{HEADSET_MIC_TEXT}\"'",
        ).strip(),
    ]
    deadline = time.monotonic() + 10
    while not any(d.name == HEADSET_MIC for d in list_server_devices("input")):
        assert time.monotonic() < deadline, "the named devices did not appear"
        time.sleep(0.05)
    try:
        yield Named(pulse)
    finally:
        for module in reversed(modules):
            pulse.pactl("unload-module", module)


def test_devices_are_listed_by_description_with_stable_ids(named: Named) -> None:
    outputs = dict(device_choices("output"))
    inputs = dict(device_choices("input"))
    assert outputs[PREFIX + HEADSET] == HEADSET_TEXT
    assert inputs[PREFIX + HEADSET_MIC] == HEADSET_MIC_TEXT
    # Two devices described alike ("Null Output") are told apart by their names.
    assert outputs[PREFIX + "speaker"] != outputs[PREFIX + "virtmic"]
    assert "speaker" in outputs[PREFIX + "speaker"]
    # No monitor of a sink is offered as a microphone; PortAudio's names are not listed.
    assert not [i for i in inputs if i.endswith(".monitor")]
    assert "pulse" not in outputs and "default" not in outputs
    assert settings_dialog.SERVER_PREFIX == PREFIX


@pytest.mark.parametrize("backend", ["pulse", "portaudio"])
def test_the_chosen_speaker_plays_there_and_only_there(named: Named, backend: str) -> None:
    server = named.server
    on_headset = server.start_recording(48000, f"{HEADSET}.monitor")
    on_default = server.start_recording(48000, "speaker.monitor")
    pb = SpeakerPlayback(device=PREFIX + HEADSET, backend=backend)
    beep = tone(660.0, 0.5, 24000, amp=0.3)
    try:
        pb.start()
        pb.feed((beep * 32767).astype("<i2").tobytes())
        pb.end_turn()
        deadline = time.monotonic() + 15
        while best_correlation(on_headset.so_far(), tone(660.0, 0.3, 48000))[0] < 0.9:
            assert time.monotonic() < deadline, "the tone was not heard on the chosen speaker"
            time.sleep(0.05)
        while pb.is_playing:  # all of it played (to the default too, if misrouted)
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        pb.stop()
        headset = on_headset.stop()
        default = on_default.stop()
    assert np.max(np.abs(headset)) > 0.1
    assert np.max(np.abs(default)) < 1e-3, "the default speaker played it too"


def test_the_default_speaker_after_a_named_one(named: Named) -> None:
    """A named speaker opened through PortAudio routes ALSA's pulse device by the
    environment while it opens; a speaker on the system default opened next (libpulse,
    which reads ``PULSE_SINK`` too) is not sent there."""
    server = named.server
    before = os.environ.get("PULSE_SINK")
    first = SpeakerPlayback(device=PREFIX + HEADSET, backend="portaudio")
    first.start()
    first.stop()
    assert os.environ.get("PULSE_SINK") == before
    on_default = server.start_recording(48000, "speaker.monitor")
    on_headset = server.start_recording(48000, f"{HEADSET}.monitor")
    pb = SpeakerPlayback(device="", backend="pulse")
    try:
        pb.start()
        pb.feed((tone(660.0, 0.5, 24000, amp=0.3) * 32767).astype("<i2").tobytes())
        pb.end_turn()
        deadline = time.monotonic() + 15
        while best_correlation(on_default.so_far(), tone(660.0, 0.3, 48000))[0] < 0.9:
            assert time.monotonic() < deadline, "the tone was not heard on the default speaker"
            time.sleep(0.05)
        while pb.is_playing:
            assert time.monotonic() < deadline
            time.sleep(0.02)
    finally:
        pb.stop()
        on_default.stop()
        headset = on_headset.stop()
    assert np.max(np.abs(headset)) < 1e-3, "the named speaker played the default's audio"


def test_the_chosen_microphone_is_the_one_heard(named: Named) -> None:
    """What is said into the headset's microphone is captured; the default microphone
    (the rig's ``mic``) is not the one opened."""
    server = named.server
    got: list[np.ndarray] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        mic = MicCapture(
            loop, lambda pcm: got.append(np.frombuffer(pcm, "<i2")), device=PREFIX + HEADSET_MIC
        )
        before = os.environ.get("PULSE_SOURCE")
        mic.start()
        # The choice is not left in the environment (later streams, child processes).
        assert os.environ.get("PULSE_SOURCE") == before
        try:
            await _until(lambda: mic.callbacks > 10)
            said = tone(440.0, 1.0, 16000, amp=0.4)
            played = asyncio.to_thread(_play, server, MIC_FEED, said)
            await played
            await _until(lambda: _heard(got, 440.0))
            outputs = server.pactl("list", "short", "source-outputs")
            sources = {
                line.split()[0]: line.split()[1]
                for line in server.pactl("list", "short", "sources").splitlines()
            }
            opened = {sources.get(line.split()[1]) for line in outputs.splitlines()}
            assert HEADSET_MIC in opened
        finally:
            mic.stop()

    asyncio.run(asyncio.wait_for(main(), 60))


def _play(server: PulseServer, sink: str, samples: np.ndarray) -> None:
    import subprocess
    import tempfile
    from pathlib import Path

    from tests.support.pulse import write_wav

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "said.wav"
        write_wav(path, samples, 16000)
        subprocess.run(["paplay", "-d", sink, str(path)], env=server.env, check=True, timeout=30)


def _heard(chunks: list[np.ndarray], freq: float) -> bool:
    if not chunks:
        return False
    pcm = np.concatenate(chunks).astype(np.float32) / 32768.0
    return best_correlation(pcm, tone(freq, 0.3, 16000))[0] > 0.9


async def _until(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)
