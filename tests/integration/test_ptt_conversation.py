"""Push-to-talk through Conversation and the real SDK against the local server."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import numpy as np

from gemini_desk.core.events import SessionState
from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.ptt import EndReason, KeySource
from gemini_desk.core.settings import Settings
from gemini_desk.sim import SimConfig, SimThread
from tests.integration.test_conversation import Rig, run
from tests.support.sim_fixtures import espeak_pcm16k, sim

__all__ = ["sim"]

CHUNK = 320  # 20 ms at 16 kHz
SILENCE_MS = SimConfig().vad_silence_ms + 100


def ptt_rig(sim: SimThread, tmp: Path, **changes: object) -> Rig:
    rig = Rig(sim, tmp)
    settings = Settings(talk_mode="push_to_talk", **changes)  # type: ignore[arg-type]
    rig.conv.settings = settings
    rig.conv.talk.configure(settings)
    return rig


async def feed(rig: Rig, pcm: np.ndarray) -> None:
    """Push ``pcm`` through the fake mic in 20 ms chunks at real time."""
    mic = rig.mics[-1]
    for i in range(0, len(pcm) - CHUNK + 1, CHUNK):
        mic.on_chunk(pcm[i : i + CHUNK].tobytes())
        await asyncio.sleep(0.02)


def onset(pcm: np.ndarray, ms: int) -> np.ndarray:
    """The first ``ms`` of speech, from the first loud sample."""
    start = int(np.flatnonzero(np.abs(pcm) > 0.02 * 32768)[0])
    return pcm[start : start + 16 * ms]


def best_match(needle: np.ndarray, hay: np.ndarray) -> tuple[float, int]:
    """Best normalized cross-correlation of ``needle`` against a same-length part of
    ``hay``, and where in ``hay`` that part starts."""
    a = needle.astype(np.float64)
    b = hay.astype(np.float64)
    if len(b) < len(a):
        return 0.0, 0
    n = len(a) + len(b)
    xc = np.fft.irfft(np.fft.rfft(b, n) * np.conj(np.fft.rfft(a, n)), n)[: len(b) - len(a) + 1]
    energy = np.concatenate([[0.0], np.cumsum(b * b)])
    local = np.sqrt(np.maximum(energy[len(a) :] - energy[: len(b) - len(a) + 1], 1e-9))
    ncc = xc / (np.linalg.norm(a) * local + 1e-9)
    at = int(np.argmax(ncc))
    return float(ncc[at]), at


def local_match(needle: np.ndarray, hay: np.ndarray) -> float:
    return best_match(needle, hay)[0]


def onset_received(speech: np.ndarray, received: np.ndarray, ms: int = 100) -> float:
    """How well the first ``ms`` of the utterance match where they must sit in ``received``.

    A later, longer stretch (300-800 ms into the speech) fixes the alignment; the onset
    is then compared at its known place, so a noisy short window cannot match elsewhere.
    Returns -1.0 when ``received`` starts after the utterance began (the onset was lost).
    """
    start = int(np.flatnonzero(np.abs(speech) > 0.02 * 32768)[0])
    _, at = best_match(speech[start + 16 * 300 : start + 16 * 800], received)
    pos = at - 16 * 300
    slack = 16 * 20  # real audio paths may slip a few samples (resampling, glitches)
    if pos < -slack // 2:
        return -1.0
    head = speech[start : start + 16 * ms]
    around = received[max(0, pos - slack) : pos + len(head) + slack]
    return best_match(head, around)[0]


def test_key_down_sends_activity_with_preroll_and_the_answer_follows_release(
    sim: SimThread, tmp_path: Path
) -> None:
    rig = ptt_rig(sim, tmp_path)
    speech = espeak_pcm16k("hello there, first word matters")
    lead = int(np.flatnonzero(np.abs(speech) > 0.02 * 32768)[0])
    before_key = (lead + 16 * 200) // CHUNK * CHUNK  # the key lands ~200 ms into the word

    async def main() -> None:
        rig.conv.connect()
        await rig.until(lambda: rig.conv.state is SessionState.CONNECTED and bool(rig.mics))
        session = sim.server.sessions[0]
        setup = str(session.setup)
        assert "automaticActivityDetection" in setup or "automatic_activity_detection" in setup
        await feed(rig, np.zeros(16000, np.int16))
        assert session.audio_chunk_sizes == [], "nothing is sent while the key is up"
        await feed(rig, speech[:before_key])
        rig.conv.talk.press(KeySource.GLOBAL)
        await feed(rig, speech[before_key:])
        # More trailing silence than the server's own detection needs to end a turn
        # (SimConfig.vad_silence_ms): with it off, only activityEnd may end this one.
        await feed(rig, np.zeros(16 * SILENCE_MS, np.int16))
        sent = rig.conv.talk.preroll_ms // 20 + (len(speech) - before_key) // CHUNK
        sent += 16 * SILENCE_MS // CHUNK
        await rig.until(lambda: len(session.audio_chunk_sizes) >= sent)  # all of it arrived
        assert [a.source for a in session.activity] == ["client"], "the server detected speech"
        assert not session.turns and not rig.speaker.fed, "no answer before activityEnd"
        released = time.monotonic()
        rig.conv.talk.release(KeySource.GLOBAL)
        await rig.until(lambda: len(rig.saved_turns()) >= 2)
        await rig.conv.shutdown()
        # In push-to-talk the user's turn ends when the key goes up, not at the last
        # loud chunk: the response latency is counted from the release.
        played = rig.speaker.last_first_sample_time
        assert played is not None
        latency = rig.saved_turns()[1]["latency_ms"]
        assert isinstance(latency, float)
        assert abs(latency - (played - released) * 1000) < 20
        assert [(a.kind, a.source) for a in session.activity] == [
            ("start", "client"),
            ("end", "client"),
        ]
        received = np.frombuffer(session.audio_bytes, "<i2")
        assert local_match(onset(speech, 100), received) > 0.95, "the first 100 ms arrived"
        assert onset_received(speech, received) > 0.95
        most = len(speech) - before_key + 16 * (SILENCE_MS + 320)
        assert len(received) <= most, "only ~300 ms of pre-roll"
        assert session.answered and rig.speaker.fed

    run(main())
    assert rig.conv.talk.activities_ended == [EndReason.RELEASED]


def test_barge_in_silences_the_answer_when_the_key_goes_down(
    sim: SimThread, tmp_path: Path
) -> None:
    rig = ptt_rig(sim, tmp_path)

    async def main() -> None:
        rig.conv.connect()
        await rig.until(lambda: rig.conv.state is SessionState.CONNECTED and bool(rig.mics))
        rig.conv.talk.press(KeySource.BUTTON)
        await feed(rig, espeak_pcm16k("tell me a long story about the sea and the sky"))
        rig.conv.talk.release(KeySource.BUTTON)
        await rig.until(lambda: bool(rig.speaker.fed))
        assert rig.conv.talk.display() == "speaking"
        clears = rig.speaker.clears
        rig.conv.talk.press(KeySource.BUTTON)
        assert rig.speaker.clears == clears + 1, "cleared at once, before any server reply"
        assert rig.conv.talk.display() == "listening"
        await feed(rig, espeak_pcm16k("stop"))
        rig.conv.talk.release(KeySource.BUTTON)
        session = sim.server.sessions[0]
        await rig.until(lambda: len(session.activity) == 4 and bool(session.interrupted))
        await rig.conv.shutdown()

    run(main())


def test_mute_ends_the_activity_and_refuses_talk_until_unmuted(
    sim: SimThread, tmp_path: Path
) -> None:
    rig = ptt_rig(sim, tmp_path)

    async def main() -> None:
        rig.conv.connect()
        await rig.until(lambda: rig.conv.state is SessionState.CONNECTED and bool(rig.mics))
        session = sim.server.sessions[0]
        rig.conv.talk.press(KeySource.GLOBAL)
        await feed(rig, espeak_pcm16k("one two"))
        rig.conv.set_muted(True)
        await rig.until(lambda: session.audio_stream_end_count == 1)
        kinds = [a.kind for a in session.activity]
        assert kinds == ["start", "end"], "muting sent activityEnd"
        end_at = session.activity[-1].at
        stream_end = [
            m.at
            for m in session.messages
            if "audioStreamEnd" in str(m.raw) or "audio_stream_end" in str(m.raw)
        ]
        assert stream_end and end_at <= stream_end[0], "activityEnd before audioStreamEnd"
        sent = len(session.audio_chunk_sizes)
        rig.conv.talk.release(KeySource.GLOBAL)
        rig.conv.talk.press(KeySource.GLOBAL)  # talking while muted: refused, and said so
        await feed(rig, espeak_pcm16k("not sent"))
        assert len(session.audio_chunk_sizes) == sent and len(session.activity) == 2
        assert rig.conv.talk.display() == "muted"
        assert (message(MessageId.MUTED_CANNOT_TALK), None) in rig.view.errors
        rig.conv.talk.release(KeySource.GLOBAL)
        rig.conv.set_muted(False)
        assert rig.conv.talk.display() == "idle", "unmuting never starts talking by itself"
        await rig.conv.shutdown()

    run(main())


def test_preroll_after_unmute_holds_no_audio_from_before_the_mute(
    sim: SimThread, tmp_path: Path
) -> None:
    """Issue 18 #15: the microphone closes while muted; after unmuting, the pre-roll
    sent with the next key press holds only audio captured since (none from before)."""
    rig = ptt_rig(sim, tmp_path)
    before, after = 1111, 2222  # marker sample values

    async def main() -> None:
        rig.conv.connect()
        await rig.until(lambda: rig.conv.state is SessionState.CONNECTED and bool(rig.mics))
        session = sim.server.sessions[0]
        mic = rig.mics[-1]
        await feed(rig, np.full(16 * 200, before, np.int16))  # key up: pre-roll only
        rig.conv.set_muted(True)
        assert not mic.running, "muted: the capture stream is closed"
        rig.conv.set_muted(False)
        assert mic.running and rig.mics[-1] is mic
        await feed(rig, np.full(16 * 100, after, np.int16))
        rig.conv.talk.press(KeySource.GLOBAL)
        await feed(rig, np.full(16 * 100, after, np.int16))
        rig.conv.talk.release(KeySource.GLOBAL)
        await rig.until(lambda: [a.kind for a in session.activity] == ["start", "end"])
        rig.conv.send_text("done")  # ordered after the audio: all of it has arrived
        await rig.until(lambda: "done" in session.texts)
        got = np.frombuffer(session.audio_bytes, np.int16)
        assert np.count_nonzero(got == after) >= 16 * 150, "pre-roll and speech sent"
        assert not np.any(got == before), "audio from before the mute was sent"
        await rig.conv.shutdown()

    run(main())


def test_max_hold_and_disconnect_always_send_activity_end(sim: SimThread, tmp_path: Path) -> None:
    rig = ptt_rig(sim, tmp_path)

    async def main() -> None:
        rig.conv.connect()
        await rig.until(lambda: rig.conv.state is SessionState.CONNECTED and bool(rig.mics))
        session = sim.server.sessions[0]
        rig.conv.talk.ptt.max_hold_s = 0.4  # the real setting has a 5 s floor
        rig.conv.talk.press(KeySource.WINDOW)
        await feed(rig, np.zeros(16000, np.int16))  # the key "sticks" for a second
        assert [a.kind for a in session.activity] == ["start", "end"]
        assert rig.conv.talk.activities_ended == [EndReason.MAX_HOLD]
        assert (message(MessageId.KEY_HELD_TOO_LONG, 0), None) in rig.view.errors
        rig.conv.talk.press(KeySource.WINDOW)  # still held: stays ended
        assert len(session.activity) == 2
        rig.conv.talk.release(KeySource.WINDOW)
        rig.conv.talk.press(KeySource.COMMAND)
        await rig.until(lambda: len(session.activity) == 3)
        await rig.conv.disconnect()
        assert rig.conv.talk.activities_ended[-1] is EndReason.DISCONNECTED
        assert [a.kind for a in session.activity] == ["start", "end", "start", "end"]
        assert not rig.conv.talk.ptt.talking

    run(main())
