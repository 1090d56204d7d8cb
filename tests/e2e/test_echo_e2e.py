"""No headphones: the app's answers leak from the speaker into the microphone, as on a laptop.

A PulseAudio loopback from the virtual speaker's monitor into the virtual microphone,
attenuated, is the room. With echo cancellation on (the default) the local server's
voice detection must never hear the model while it talks; with it off ("I use
headphones") it does, which proves the rig. A real user talking over an answer must
still interrupt it.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soxr

from gemini_desk.sim import SimConfig, SimThread
from gemini_desk.sim.records import SimSession
from tests.e2e.conftest import PULSE_DEVICES, RunningApp, sim_env
from tests.support.pulse import MIC_SINK, MIC_SOURCE, SPEAKER_SINK, PulseServer, write_wav
from tests.support.sim_fixtures import espeak_pcm16k

pytestmark = pytest.mark.e2e

KEY = "echo-e2e-key"
ANSWER = (
    "Here is a longer answer, so that there is plenty of time to hear it. The weather "
    "today is mild, with a light breeze from the west and some clouds in the afternoon."
)
SHORT = "All right."
USER = "Wait, stop. I have another question."
ECHO_DB = -10.0  # speaker-to-microphone coupling of the simulated laptop
LOOP_MS = 30  # the loopback's own latency


def speech24k(text: str) -> np.ndarray:
    """espeak speech as the model's 24 kHz int16 audio."""
    s16 = espeak_pcm16k(text).astype(np.float32) / 32768.0
    s24 = soxr.resample(s16, 16000, 24000)
    return np.clip(np.round(s24 * 32767.0), -32768, 32767).astype(np.int16)


@contextlib.contextmanager
def laptop_speaker(pulse: PulseServer, gain_db: float = ECHO_DB) -> Iterator[None]:
    """Route what the app plays back into its microphone, ``gain_db`` quieter."""
    module = pulse.pactl(
        "load-module",
        "module-loopback",
        f"source={SPEAKER_SINK}.monitor",
        f"sink={MIC_SINK}",
        f"latency_msec={LOOP_MS}",
        "source_dont_move=true",
        "sink_dont_move=true",
    ).strip()
    try:
        listing = pulse.pactl("list", "sink-inputs")
        ids = re.findall(r"Sink Input #(\d+)\n(?:\t.*\n)*?\tOwner Module: (\d+)", listing)
        (sink_input,) = [i for i, m in ids if m == module]
        pulse.pactl("set-sink-input-volume", sink_input, f"{10 ** (gain_db / 20):.3f}")
        yield
    finally:
        pulse.pactl("unload-module", module)


def launch(launch_app, sim: SimThread, home: Path) -> RunningApp:  # type: ignore[no-untyped-def]
    app: RunningApp = launch_app(
        "--base-url",
        sim.base_url,
        "--connect",
        *PULSE_DEVICES,
        env=sim_env(sim, KEY),
        home=home,
    )
    app.wait_for(lambda: bool(sim.server.sessions), 40, "the app to connect")
    app.wait_for(app.streams_open, 20, "the app's audio streams")
    session = sim.server.sessions[-1]
    app.wait_for(lambda: len(session.audio_chunk_sizes) > 50, 20, "microphone audio to flow")
    win = app.windows("Gemini Desk")
    assert win
    app.display.xdotool("windowfocus", "--sync", win[0])
    return app


def ask(app: RunningApp, text: str = "go") -> None:
    """Type a question in the app's box (the answer is what the test queued)."""
    app.display.xdotool("type", "--delay", "10", text)
    app.display.xdotool("key", "Return")


def vad_starts(session: SimSession) -> int:
    return sum(1 for a in session.activity if a.kind == "start" and a.source == "vad")


def wait_turn(
    app: RunningApp,
    session: SimSession,
    index: int,
    what: str,
    marks: list[tuple[float, str]] | None = None,
) -> None:
    app.wait_for(lambda: len(session.turns) > index and session.turns[index].completed, 30, what)
    if marks is not None:
        marks.append((time.monotonic(), f"turn {index} seen completed"))


def timeline(session: SimSession, marks: list[tuple[float, str]] | None = None) -> str:
    """Voice activity, questions, upload pauses and the test's own ``marks`` (monotonic
    time, what) in order, then the turns: for failure messages."""
    t0 = session.started_at
    events = [(a.at, f"{a.source} {a.kind}") for a in session.activity]
    events += [(at, f"test: {what}") for at, what in marks or []]
    for m in session.messages:
        raw = m.raw if isinstance(m.raw, dict) else {}
        realtime = raw.get("realtimeInput") or raw.get("realtime_input") or {}
        if realtime.get("audioStreamEnd") or realtime.get("audio_stream_end"):
            events.append((m.at, "audioStreamEnd"))
        elif realtime.get("text"):
            events.append((m.at, f"text {realtime['text']!r}"))
        elif m.kind not in ("realtime_input", "invalid"):
            events.append((m.at, m.kind))
    rows = [f"{at - t0:7.2f} {what}" for at, what in sorted(events)]
    rows += [
        f"turn {t.index}: {t.source} {t.output_text!r} interrupted={t.interrupted}"
        for t in session.turns
    ]
    return "\n".join(rows)


@contextlib.contextmanager
def kept_on_failure(
    app: RunningApp, session: SimSession, folder: Path, marks: list[tuple[float, str]]
) -> Iterator[None]:
    """On a failure, keep what explains it in ``folder``: the app's log, the timeline
    (with the test's ``marks``), the microphone audio the server received (16 kHz,
    pauses left out) and what the microphone and the speaker carried (16 kHz, from
    the start)."""
    heard = app.pulse.start_recording(16000, device=MIC_SOURCE)
    played = app.pulse.start_recording(16000)
    marks.append((time.monotonic(), "the microphone's and the speaker's recordings start"))
    try:
        yield
    except BaseException:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "app.log").write_text(app.log_text())
        (folder / "timeline.txt").write_text(timeline(session, marks))
        with wave.open(str(folder / "heard-by-server.wav"), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(16000)
            w.writeframes(bytes(session.audio))
        write_wav(folder / "microphone.wav", heard.stop(), 16000)
        write_wav(folder / "speaker.wav", played.stop(), 16000)
        raise
    else:
        heard.stop()
        played.stop()


def home_with(tmp_path: Path, name: str, **settings: object) -> Path:
    home = tmp_path / name
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.json").write_text(json.dumps(settings))
    return home


@pytest.mark.parametrize("sim", [SimConfig(api_key=KEY)], indirect=True)
def test_echo_cancellation_keeps_the_model_from_hearing_itself(
    sim: SimThread,
    launch_app,
    tmp_path: Path,
    artifacts: Path,  # type: ignore[no-untyped-def]
) -> None:
    answer = speech24k(ANSWER)
    short = speech24k(SHORT)
    user = espeak_pcm16k(USER)
    app = launch(launch_app, sim, home_with(tmp_path, "aec-on", demo_chosen=False))
    session = sim.server.sessions[-1]
    marks: list[tuple[float, str]] = []
    with (
        laptop_speaker(app.pulse),
        kept_on_failure(app, session, artifacts / "echo-e2e", marks),
    ):
        # A series of answers heard by the microphone: no false interruptions.
        answers = 3
        for i in range(answers):
            sim.queue_reply(f"answer {i}", audio=answer)
            ask(app)
            wait_turn(app, session, i, f"answer {i}", marks)
            time.sleep(0.4)  # the last of it leaves the speaker
        # A pause (the speaker writer and the echo canceller rest after 10 s of silence),
        # then an answer: moved up over the longer idle silence, its echo cancelled. The
        # echo path's delay drifts in this rig (the loopback resamples), so AEC3 lets
        # the start of this answer through: the residual echo gate's onset guard holds.
        rests = app.log_text().count("speaker: resting in a pause")
        app.wait_for(
            lambda: app.log_text().count("speaker: resting in a pause") > rests, 20, "a pause"
        )
        sim.queue_reply("after a pause", audio=answer)
        ask(app)
        wait_turn(app, session, answers, "the answer after the pause", marks)
        time.sleep(0.4)
        answers += 1
        assert not session.interrupted, timeline(session, marks)
        assert vad_starts(session) == 0, timeline(session, marks)
        # Double talk: the user speaks over the answer, and the model stops.
        trials, stopped, echo_trials = 10, 0, []
        for trial in range(trials):
            n = len(session.turns)
            starts = vad_starts(session)
            sim.queue_reply(f"long answer {trial}", audio=answer)
            sim.queue_reply("ok", audio=short)  # the answer to what the user said
            ask(app)
            app.wait_for(lambda n=n: len(session.turns) > n, 10, "the answer to start")
            time.sleep(1.0)  # well into the answer
            marks.append((time.monotonic(), f"trial {trial}: the user starts"))
            app.pulse.play_into_mic(user, 16000)
            marks.append((time.monotonic(), f"trial {trial}: the user stops"))
            wait_turn(app, session, n, f"trial {trial}'s answer to end", marks)
            stopped += session.turns[n].interrupted
            wait_turn(app, session, n + 1, f"trial {trial}: the reply to the user", marks)
            time.sleep(0.4)
            if vad_starts(session) - starts != session.turns[n].interrupted:
                echo_trials.append(trial)  # a start that was not the user's words, or none
        app.display.screenshot(artifacts / "e2e-echo-double-talk.png")
        print(f"double talk: the user's words interrupted {stopped} of {trials} answers")
        assert stopped >= 9, f"interrupted in {stopped} of {trials} double-talk trials"
        # Each trial: one start for the user's words, none for the echo of the answers.
        assert not echo_trials, timeline(session, marks)
    assert app.quit_with_keyboard() == 0
    log = app.log_text()
    assert "echo cancellation on" in log and "Traceback" not in log
    # The canceller rested in the pause and woke for the answer after it.
    figures = re.findall(r"echo: .* resumes (\d+), gated (\d+) \(onset (\d+)\)", log)
    assert figures and int(figures[-1][0]) >= 1, figures[-1:]
    print(f"resumes, gated frames, of them by the onset guard: {figures[-1]}")


@pytest.mark.parametrize("sim", [SimConfig(api_key=KEY)], indirect=True)
def test_without_echo_cancellation_the_model_interrupts_itself(
    sim: SimThread,
    launch_app,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    """The rig is real: with "I use headphones" the echo alone barges in."""
    answer = speech24k(ANSWER)
    app = launch(launch_app, sim, home_with(tmp_path, "aec-off", headphones=True))
    session = sim.server.sessions[-1]
    with laptop_speaker(app.pulse):
        sim.queue_reply("answer", audio=answer)
        ask(app)
        wait_turn(app, session, 0, "the answer")
    assert session.turns[0].interrupted, "the echo did not reach the server's voice detection"
    assert vad_starts(session) >= 1
    assert app.quit_with_keyboard() == 0
    assert "echo cancellation off" in app.log_text()
