"""The real app: speech in through a virtual mic, the echoed answer out of a virtual speaker."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soxr

from gemini_desk.sim import SimConfig, SimThread
from tests.e2e.conftest import PULSE_DEVICES, RunningApp, assert_clean_log, sim_env
from tests.support.signals import correlation
from tests.support.sim_fixtures import espeak_pcm16k

pytestmark = pytest.mark.e2e

UTTERANCE = "Hello Gemini, what is on my screen today?"


def active_part(x: np.ndarray, rate: int, threshold: float = 0.01) -> np.ndarray:
    """The span from the first to the last loud sample (silence around it removed)."""
    loud = np.flatnonzero(np.abs(x) > threshold)
    assert loud.size, "the recording is silent"
    return x[max(0, loud[0] - rate // 20) : loud[-1] + rate // 20]


def voice_processed(x: np.ndarray) -> np.ndarray:
    """``x`` (16 kHz) through the app's default microphone processing, no far end."""
    from gemini_desk.audio.echo import EchoCanceller

    ec = EchoCanceller(16000, 16000)
    x = np.concatenate((x, np.zeros(320, np.float32)))
    return np.concatenate(
        [ec.process_near(x[i : i + 320], i / 16000) for i in range(0, x.size, 320)]
    )


def read_turns(app: RunningApp) -> list[dict[str, object]]:
    files = app.conversations()
    assert files, "no conversation file was written"
    return [json.loads(line) for line in files[-1].read_text().splitlines()]


@pytest.mark.parametrize("sim", [SimConfig(api_key="e2e-secret-key")], indirect=True)
def test_spoken_turn_end_to_end(
    sim: SimThread,
    launch_app,
    artifacts: Path,  # type: ignore[no-untyped-def]
) -> None:
    speech16 = espeak_pcm16k(UTTERANCE)
    app = launch_app(
        "--base-url",
        sim.base_url,
        "--connect",
        *PULSE_DEVICES,
        env=sim_env(sim, "e2e-secret-key"),
    )
    app.wait_for(lambda: bool(sim.server.sessions), 40, "the app to connect")
    app.wait_for(app.streams_open, 20, "the app's audio streams")
    session = sim.server.sessions[0]
    # The microphone streams silence from the start; wait until it really flows.
    app.wait_for(lambda: len(session.audio_chunk_sizes) > 25, 20, "microphone audio to flow")

    recording = app.pulse.start_recording(rate=48000)
    app.wait_for(lambda: recording.path.stat().st_size > 9600, 20, "the speaker recording")
    app.pulse.play_into_mic(speech16, 16000)
    app.wait_for(lambda: bool(session.answered), 30, "the local server to answer")
    answer_seconds = len(speech16) / 16000
    app.wait_for(lambda: len(read_turns_or_empty(app)) >= 2, answer_seconds + 15, "both turns")
    heard = recording.stop()

    # The microphone path delivered the utterance to the server as 16 kHz PCM chunks.
    received = np.frombuffer(session.audio_bytes, "<i2").astype(np.float32) / 32768
    # 20 ms chunks of 16 kHz int16, two of them joined in a quiet room (40 ms) but
    # never while the user speaks: speech leaves in 20 ms chunks, at once.
    sizes = session.audio_chunk_sizes
    assert set(sizes) <= {640, 1280} and 640 in sizes, set(sizes)
    starts = np.cumsum([0, *sizes[:-1]]) // 2
    loud = [
        size
        for start, size in zip(starts, sizes, strict=True)
        if np.sqrt(np.mean(np.square(received[start : start + size // 2]))) > 10 ** (-40 / 20)
    ]
    assert loud and set(loud) == {640}, "speech in 20 ms chunks"
    assert session.audio_mime_types and all("rate=16000" in m for m in session.audio_mime_types)
    # Voice processing is on by default (echo cancellation, issue 8): its high-pass
    # filter shifts the phase of the low end, so compare with the utterance processed
    # the same way (no far end here, so nothing else changes it).
    heard16 = voice_processed(speech16.astype(np.float32) / 32768)
    assert correlation(active_part(received, 16000), heard16) > 0.8

    # The speaker played the server's answer: the utterance, echoed back.
    heard16 = soxr.resample(heard, 48000, 16000)
    assert correlation(active_part(heard16, 16000), speech16.astype(np.float32)) > 0.7

    app.display.screenshot(artifacts / "e2e-spoken-turn.png")
    turns = read_turns(app)
    assert [t["role"] for t in turns[:2]] == ["user", "model"]
    assert "speech" in str(turns[0]["text"]) and "what you said" in str(turns[1]["text"])
    assert isinstance(turns[1]["latency_ms"], float) and turns[1]["latency_ms"] > 0

    assert app.quit_with_keyboard() == 0
    assert_clean_log(app)
    assert session.close_code == 1000, "the app left the connection cleanly"


def read_turns_or_empty(app: RunningApp) -> list[dict[str, object]]:
    files = app.conversations()
    if not files:
        return []
    return [json.loads(x) for x in files[-1].read_text().splitlines() if x.strip()]


def test_demo_mode_typed_turn(launch_app, artifacts: Path) -> None:  # type: ignore[no-untyped-def]
    """No key at all: the app offers the demo, runs its own server, and answers typing."""
    app = launch_app("--demo", "--connect")
    app.wait_for(app.streams_open, 40, "the app to connect and open its audio streams")
    win = app.display.xdotool("search", "--name", "Gemini Desk").split()
    assert win
    app.display.xdotool("windowfocus", "--sync", win[0])
    recording = app.pulse.start_recording(rate=48000)
    # parecord's stream can take a moment before data flows: start typing once it does.
    app.wait_for(lambda: recording.path.stat().st_size > 9600, 20, "the speaker recording")
    app.display.xdotool("type", "--delay", "20", "hello from the keyboard")
    app.display.xdotool("key", "Return")
    app.wait_for(lambda: len(read_turns_or_empty(app)) >= 2, 30, "the typed turn and its answer")
    heard = recording.stop()
    turns = read_turns(app)
    typed = {"role": "user", "typed": True, "text": "hello from the keyboard"}
    assert turns[0] == {**turns[0], **typed}
    assert turns[1]["role"] == "model" and "hello from the keyboard" in str(turns[1]["text"])
    assert np.sqrt(np.mean(heard**2)) > 0.005, "the answer was not heard on the speaker"
    app.display.screenshot(artifacts / "e2e-demo-typed.png")
    assert app.quit_with_keyboard() == 0
    assert_clean_log(app)


@pytest.mark.parametrize("sim", [SimConfig(api_key="e2e-secret-key")], indirect=True)
def test_a_quiet_room_pauses_the_upload_and_the_next_words_arrive_whole(
    sim: SimThread,
    launch_app,  # type: ignore[no-untyped-def]
) -> None:
    """Hands-free, after 5 s of a silent microphone the app ends the audio stream
    (audioStreamEnd); words spoken later reopen it and reach the server whole, led by
    the 300 ms before them."""
    speech16 = espeak_pcm16k(UTTERANCE)
    app = launch_app(
        "--base-url", sim.base_url, "--connect", *PULSE_DEVICES, env=sim_env(sim, "e2e-secret-key")
    )
    app.wait_for(lambda: bool(sim.server.sessions), 40, "the app to connect")
    session = sim.server.sessions[0]
    app.wait_for(lambda: session.audio_stream_end_count == 1, 30, "the quiet room's pause")
    paused_at = session.audio_bytes_received
    app.pulse.play_into_mic(speech16, 16000)
    app.wait_for(lambda: len(read_turns_or_empty(app)) >= 2, 30, "the spoken turn and its answer")
    resumed = session.audio_bytes_received - paused_at
    assert resumed >= 2 * (len(speech16) + 16000 * 0.3) - 1280, (resumed, len(speech16))
    assert "quiet room: the audio stream pauses" in app.log_text()
    turns = read_turns(app)
    assert [t["role"] for t in turns[:2]] == ["user", "model"] and not turns[0]["typed"]
    assert app.quit_with_keyboard() == 0
