"""Conversation wiring against the local server, with in-memory audio devices."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from gemini_desk.core.events import LiveEvent, SessionState, TurnComplete
from gemini_desk.core.messages import Message, MessageId, message
from gemini_desk.core.quiet_pause import QuietPause
from gemini_desk.core.settings import Settings
from gemini_desk.core.transcript import Turn
from gemini_desk.live.config import Endpoint
from gemini_desk.session.conversation import SPEECH_DBFS, Conversation
from gemini_desk.sim import SimConfig, SimThread
from tests.support.sim_fixtures import espeak_pcm16k, sim

__all__ = ["sim"]


class FakeView:
    def __init__(self) -> None:
        self.states: list[SessionState] = []
        self.turns: dict[int, str] = {}
        self.errors: list[tuple[Message, str | None]] = []
        self.latencies: list[float | None] = []
        self.server_shares: list[float | None] = []
        self.muted: list[bool] = []
        self.shown: list[tuple[int, str]] = []  # (turn id, text as shown) for every update
        self.voice_activity: list[bool] = []

    def set_session_state(self, state: SessionState, detail: Message | None = None) -> None:
        self.states.append(state)

    def show_turn(self, turn: Turn) -> None:
        self.turns[turn.id] = turn.text
        self.shown.append((turn.id, turn.shown_text))

    def clear_transcript(self) -> None:
        self.turns.clear()

    def set_latency(self, ms: float | None, server_ms: float | None = None) -> None:
        self.latencies.append(ms)
        self.server_shares.append(server_ms)

    def show_error(self, message: Message, action: str | None = None) -> None:
        self.errors.append((message, action))

    def clear_error(self) -> None:
        pass

    def set_muted(self, muted: bool) -> None:
        self.muted.append(muted)

    def set_voice_activity(self, active: bool) -> None:
        self.voice_activity.append(active)


class FakeMic:
    """Stands in for MicCapture: the test pushes 20 ms chunks through ``on_chunk``."""

    def __init__(self, on_chunk: Callable[[bytes], None]) -> None:
        self.on_chunk = on_chunk
        self.muted = False
        self.running = False

    def start(self) -> None:
        self.running = True

    def stop(self) -> None:
        self.running = False


class FakeSpeaker:
    def __init__(self) -> None:
        self.fed: list[bytes] = []
        self.clears = 0
        self.turn_ends = 0
        self.first_fed_at: float | None = None
        self.last_first_sample_time: float | None = None
        self.end_times: list[float] = []

    def start(self) -> None:
        pass

    def stop(self) -> None:
        pass

    def feed(self, pcm: bytes, rate: int = 24_000) -> None:
        if not self.fed:
            self.first_fed_at = time.monotonic()
            self.last_first_sample_time = self.first_fed_at
        self.fed.append(pcm)

    def clear(self) -> None:
        self.clears += 1

    def end_turn(self) -> None:
        self.turn_ends += 1
        self.end_times.append(time.monotonic())


class Rig:
    def __init__(
        self,
        sim: SimThread,
        tmp: Path,
        key: str = "demo-key",
        mic_fails: bool = False,
        speaker: FakeSpeaker | None = None,
        speaker_factory: Callable[[], FakeSpeaker] | None = None,
    ) -> None:
        self.view = FakeView()
        self.mics: list[FakeMic] = []
        self.speaker = speaker or FakeSpeaker()

        def make_mic(on_chunk: Callable[[bytes], None]) -> FakeMic:
            if mic_fails:
                raise OSError("Device unavailable")
            self.mics.append(FakeMic(on_chunk))
            return self.mics[-1]

        self.pushed: list[tuple[float, bytes]] = []  # (when, chunk) for every spoken chunk
        self.dir = tmp / "conversations"
        speakers = speaker_factory or (lambda: self.speaker)
        self.conv = Conversation(self.view, Settings(), self.dir, make_mic, speakers)
        self.conv.endpoint = Endpoint(api_key=key, base_url=sim.base_url, ca_file=sim.ca_file)

    async def until(self, predicate: Callable[[], bool], timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, f"timed out; view states {self.view.states}"
            await asyncio.sleep(0.01)

    async def speak(self, pcm: np.ndarray, silence_s: float = 0.8) -> None:
        mic = self.mics[-1]
        padded = np.concatenate([pcm, np.zeros(int(16000 * silence_s), np.int16)])
        start = time.monotonic()
        for i in range(0, len(padded) - 319, 320):
            chunk = padded[i : i + 320].tobytes()
            mic.on_chunk(chunk)
            self.pushed.append((time.monotonic(), chunk))
            await asyncio.sleep(max(0.0, start + (i + 320) / 16000 - time.monotonic()))

    def one_spoken_turn(self, text: str = "what time is it") -> None:
        """Connect, say ``text``, wait until both turns are saved, shut down."""

        async def main() -> None:
            self.conv.connect()
            await self.until(lambda: self.conv.state is SessionState.CONNECTED and bool(self.mics))
            await self.speak(espeak_pcm16k(text))
            await self.until(lambda: len(self.saved_turns()) >= 2)
            await self.conv.shutdown()

        run(main())

    def saved_turns(self) -> list[dict[str, object]]:
        files = sorted(self.dir.glob("*.jsonl"))
        return [json.loads(x) for x in files[-1].read_text().splitlines()] if files else []


def run(coro) -> None:  # type: ignore[no-untyped-def]
    asyncio.run(asyncio.wait_for(coro, 60))


def test_spoken_turn_is_played_saved_and_timed(sim: SimThread, tmp_path: Path) -> None:
    rig = Rig(sim, tmp_path)

    rig.one_spoken_turn()
    turns = rig.saved_turns()
    assert [t["role"] for t in turns] == ["user", "model"]
    assert rig.speaker.fed and rig.speaker.turn_ends >= 1
    assert rig.view.latencies and rig.view.latencies[0] is not None
    assert 0 < rig.view.latencies[0] < 10_000
    assert turns[1]["latency_ms"] == rig.view.latencies[0]
    assert rig.view.states[-1] is SessionState.DISCONNECTED
    assert not rig.mics[-1].running, "streams stop when the conversation ends"


def test_answer_audio_ends_at_generation_complete(sim: SimThread, tmp_path: Path) -> None:
    """The service sends generationComplete once all of an answer's audio is out and
    turnComplete only after the answer's real-time length: the speaker must learn the
    audio is complete at the first, or playing out a short answer before turnComplete
    counts as an underrun and the jitter buffer waits longer before every later answer."""
    rig = Rig(sim, tmp_path)
    turn_complete_times: list[float] = []
    apply = rig.conv.transcript.apply

    def spy(event: LiveEvent) -> None:  # every live event reaches the transcript
        if isinstance(event, TurnComplete):
            turn_complete_times.append(time.monotonic())
        apply(event)

    rig.conv.transcript.apply = spy  # type: ignore[method-assign]

    rig.one_spoken_turn()
    assert rig.speaker.fed and turn_complete_times and rig.speaker.end_times
    # The echoed answer is ~1 s of audio sent at twice real time: generationComplete
    # comes about half a second before turnComplete.
    assert rig.speaker.end_times[0] < turn_complete_times[0] - 0.2


class SlowSpeaker(FakeSpeaker):
    """A speaker whose device plays the first sample ``delay`` seconds after it is fed."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    def feed(self, pcm: bytes, rate: int = 24_000) -> None:
        if not self.fed:
            self.first_fed_at = time.monotonic()
            self.last_first_sample_time = self.first_fed_at + self.delay
        self.fed.append(pcm)


def _dbfs(chunk: bytes) -> float:
    x = np.frombuffer(chunk, "<i2").astype(np.float64) / 32768
    return 20 * float(np.log10(max(float(np.sqrt(np.mean(x * x))), 1e-9)))


def test_latency_splits_server_share_from_local_playback(sim: SimThread, tmp_path: Path) -> None:
    """Both figures start at the last loud microphone chunk (not at the silence after
    it); the server's share ends when the answer's first audio arrived, the total when
    the device says its first sample played."""
    rig = Rig(sim, tmp_path, speaker=SlowSpeaker(delay=0.25))

    rig.one_spoken_turn()
    assert len(rig.view.latencies) == 1
    total, server = rig.view.latencies[0], rig.view.server_shares[0]
    assert total is not None and server is not None
    speech_end = max(t for t, chunk in rig.pushed if _dbfs(chunk) > SPEECH_DBFS)
    received, played = rig.speaker.first_fed_at, rig.speaker.last_first_sample_time
    assert received is not None and played is not None
    assert server == pytest.approx((received - speech_end) * 1000, abs=10)
    assert total == pytest.approx((played - speech_end) * 1000, abs=10)
    # The sim answers after 500 ms of trailing silence (its VAD), so the server's share
    # covers at least that.
    assert server >= 400
    model = rig.saved_turns()[1]
    assert model["role"] == "model"
    assert model["latency_ms"] == total and model["server_ms"] == server


def test_lost_device_stops_both_streams_and_reopens_when_it_returns(
    sim: SimThread, tmp_path: Path
) -> None:
    plugged = {"speaker": True}
    speakers: list[FakeSpeaker] = []
    refused: list[float] = []

    def make_speaker() -> FakeSpeaker:
        if not plugged["speaker"]:
            refused.append(time.monotonic())
            raise OSError("Device unavailable")
        speakers.append(FakeSpeaker())
        return speakers[-1]

    rig = Rig(sim, tmp_path, speaker_factory=make_speaker)
    rig.conv.devices.reopen_interval = 0.1
    gone = message(MessageId.SPEAKER_STOPPED, "'USB'")

    async def main() -> None:
        rig.conv.connect()
        await rig.until(lambda: rig.conv.state is SessionState.CONNECTED and bool(rig.mics))
        first_mic = rig.mics[-1]
        plugged["speaker"] = False
        rig.conv.on_audio_lost(gone)
        assert rig.conv.speaker is None
        assert not first_mic.running
        await rig.until(lambda: len(refused) >= 3, 5)  # it keeps trying while unplugged
        assert rig.conv.speaker is None
        plugged["speaker"] = True
        await rig.until(lambda: rig.conv.speaker is not None and rig.conv.mic is not None, 5)
        assert rig.mics[-1] is not first_mic and rig.mics[-1].running
        rig.conv.send_text("still there?")  # the conversation went on throughout
        await rig.until(lambda: len(rig.saved_turns()) >= 2)
        await rig.conv.shutdown()

    run(main())
    assert [m for m, _ in rig.view.errors] == [message(MessageId.DEVICE_LOST, gone)]
    assert len(rig.view.errors) == 1, "failed retries stay out of the window"
    assert len(speakers) == 2


def test_mute_stops_audio_and_sends_stream_end(sim: SimThread, tmp_path: Path) -> None:
    rig = Rig(sim, tmp_path)

    async def main() -> None:
        rig.conv.connect()
        await rig.until(lambda: rig.conv.state is SessionState.CONNECTED and bool(rig.mics))
        await rig.speak(np.zeros(1600, np.int16), silence_s=0)
        rig.conv.set_muted(True)
        session = sim.server.sessions[0]
        await rig.until(lambda: session.audio_stream_end_count == 1)
        sent = len(session.audio_chunk_sizes)
        await rig.speak(espeak_pcm16k("this must not be sent"), silence_s=0)
        # Text goes out on the same ordered queue as audio: once the server has it,
        # any audio sent before it has arrived too.
        rig.conv.send_text("still muted")
        await rig.until(lambda: "still muted" in session.texts)
        assert len(session.audio_chunk_sizes) == sent, "muted audio reached the server"
        assert rig.mics[-1].muted and rig.view.muted == [True]
        await rig.conv.shutdown()

    run(main())


def test_a_quiet_room_pauses_the_audio_stream_and_speech_reopens_it(
    sim: SimThread, tmp_path: Path
) -> None:
    """Hands-free, after a quiet stretch (0.5 s here, 5 s in the app) the stream ends
    (audioStreamEnd) and nothing is sent; the first sound reopens it, led by the 300 ms
    before it, and the server hears the utterance whole."""
    rig = Rig(sim, tmp_path)
    words = espeak_pcm16k("what time is it")

    async def main() -> None:
        rig.conv.connect()
        await rig.until(lambda: rig.conv.state is SessionState.CONNECTED and bool(rig.mics))
        rig.conv.quiet = QuietPause(after_s=0.5)
        session = sim.server.sessions[0]
        await rig.speak(np.zeros(16000, np.int16), silence_s=0)  # 1 s of a quiet room
        await rig.until(lambda: session.audio_stream_end_count == 1)
        rig.conv.send_text("marker")  # ordered after any audio sent before it
        await rig.until(lambda: "marker" in session.texts)
        paused_at = session.audio_bytes_received
        assert paused_at <= 32000 * 0.6, "chunks went on after the quiet stretch"
        await rig.speak(np.zeros(8000, np.int16), silence_s=0)  # more quiet: held back
        await rig.speak(words)  # then the user talks
        await rig.until(lambda: len(rig.saved_turns()) >= 4)
        resumed = session.audio_bytes_received - paused_at
        # The words, the 0.8 s of silence after them and the 300 ms before them.
        assert resumed >= 2 * (len(words) + 16000 * 0.8 + 16000 * 0.3) - 640
        assert rig.conv.quiet.pauses >= 1
        await rig.conv.shutdown()

    run(main())
    heard = [t for t in rig.saved_turns() if t["role"] == "user" and not t["typed"]]
    assert heard, rig.saved_turns()


def test_mute_closes_the_microphone_and_unmute_reopens_it(sim: SimThread, tmp_path: Path) -> None:
    """Issue 18 #15: muted, the capture stream is closed (the OS microphone indicator
    goes off); unmuted, it is open again and audio flows. Muted before connecting, the
    microphone is not opened at all."""
    rig = Rig(sim, tmp_path)

    async def main() -> None:
        rig.conv.set_muted(True)
        rig.conv.connect()
        await rig.until(lambda: rig.conv.state is SessionState.CONNECTED and bool(rig.mics))
        assert not rig.mics[-1].running, "opened while muted"
        rig.conv.set_muted(False)
        mic = rig.conv.mic
        assert mic is not None and mic.running  # type: ignore[attr-defined]
        session = sim.server.sessions[0]
        await rig.speak(np.full(1600, 900, np.int16), silence_s=0)
        await rig.until(lambda: len(session.audio_chunk_sizes) >= 5)
        rig.conv.set_muted(True)
        assert not mic.running, "the microphone stays open while muted"  # type: ignore[attr-defined]
        rig.conv.set_muted(False)
        assert mic.running, "unmuting did not reopen the microphone"  # type: ignore[attr-defined]
        before = len(session.audio_chunk_sizes)
        await rig.speak(np.full(1600, 900, np.int16), silence_s=0)
        await rig.until(lambda: len(session.audio_chunk_sizes) >= before + 5)
        await rig.conv.shutdown()
        assert not any(m.running for m in rig.mics)

    run(main())


def test_interruption_drops_queued_playback(sim: SimThread, tmp_path: Path) -> None:
    rig = Rig(sim, tmp_path)

    async def main() -> None:
        rig.conv.connect()
        await rig.until(lambda: rig.conv.state is SessionState.CONNECTED and bool(rig.mics))
        await rig.speak(espeak_pcm16k("tell me a long story about the sea and the sky"), 0.7)
        await rig.until(lambda: bool(rig.speaker.fed))
        await rig.speak(espeak_pcm16k("stop"), 0.7)
        await rig.until(lambda: rig.speaker.clears >= 1)
        await rig.until(lambda: any(t.get("interrupted") for t in rig.saved_turns()))
        await rig.conv.shutdown()

    run(main())


@pytest.mark.parametrize("sim", [SimConfig(api_key="right-key")], indirect=True)
def test_bad_key_points_to_the_key_dialog(sim: SimThread, tmp_path: Path) -> None:
    rig = Rig(sim, tmp_path, key="wrong-key")

    async def main() -> None:
        rig.conv.connect()
        await rig.until(lambda: rig.view.states[-1:] == [SessionState.DISCONNECTED])

    run(main())
    assert [a for _, a in rig.view.errors] == ["api_key"]
    assert rig.view.errors[0][0] == message(MessageId.BAD_KEY)


def test_missing_microphone_is_explained_and_typing_still_works(
    sim: SimThread, tmp_path: Path
) -> None:
    rig = Rig(sim, tmp_path, mic_fails=True)

    async def main() -> None:
        rig.conv.connect()
        await rig.until(lambda: rig.conv.state is SessionState.CONNECTED)
        rig.conv.send_text("typed instead")
        await rig.until(lambda: len(rig.saved_turns()) >= 2)
        await rig.conv.shutdown()

    run(main())
    unavailable = message(MessageId.MIC_UNAVAILABLE, "Device unavailable.")
    assert [m for m, _ in rig.view.errors] == [unavailable]
    assert rig.saved_turns()[0]["text"] == "typed instead"


def test_connect_without_endpoint_asks_for_a_key(tmp_path: Path) -> None:
    view = FakeView()
    conv = Conversation(view, Settings(), tmp_path, None, None)

    async def main() -> None:
        conv.connect()

    run(main())
    assert view.errors == [(message(MessageId.NO_KEY_YET), "api_key")]
