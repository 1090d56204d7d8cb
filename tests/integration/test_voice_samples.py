"""Voice samples: the real SDK against the local Live server, and on a virtual speaker."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pytest

from gemini_desk.core.events import ErrorKind, ModelAudio
from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.settings import Settings
from gemini_desk.live.config import Endpoint
from gemini_desk.live.voice_sample import (
    SAMPLE_PROMPT,
    SAMPLE_RATE,
    VoiceSampleError,
    _to_24k,
    fetch_voice_sample,
)
from gemini_desk.session.voice_samples import VoiceSamples
from gemini_desk.sim import Fault, SimThread
from tests.support.pulse import PulseServer, pulse
from tests.support.signals import correlation
from tests.support.sim_fixtures import sim

__all__ = ["pulse", "sim"]

pytestmark = pytest.mark.timeout(120)

MODEL = "gemini-3.8-live"
T = TypeVar("T")


def run(coro: Awaitable[T]) -> T:
    async def main() -> T:
        return await asyncio.wait_for(coro, 60)

    return asyncio.run(main())


def endpoint(sim: SimThread, *, demo: bool, api_key: str = "demo-key") -> Endpoint:
    return Endpoint(api_key=api_key, base_url=sim.base_url, ca_file=sim.ca_file, demo=demo)


def voice_in_setup(setup: dict[str, Any] | None) -> str | None:
    """speechConfig.voiceConfig.prebuiltVoiceConfig.voiceName of a recorded setup."""
    assert setup is not None
    gen = setup.get("generationConfig") or setup.get("generation_config") or {}
    speech = gen.get("speechConfig") or gen.get("speech_config") or {}
    voice_config = speech.get("voiceConfig") or speech.get("voice_config") or {}
    prebuilt = voice_config.get("prebuiltVoiceConfig") or voice_config.get("prebuilt_voice_config")
    return (prebuilt or {}).get("voiceName") or (prebuilt or {}).get("voice_name")


def pcm_seconds(pcm: bytes) -> float:
    return len(pcm) / 2 / SAMPLE_RATE


class FakeSpeaker:
    """Records what it is asked to do into a log shared by all fake speakers."""

    def __init__(self, device: str, log: list[tuple[str, int]]) -> None:
        self.device = device
        self.log = log
        self.fed: list[tuple[bytes, int]] = []
        self.stops = 0
        self.last_first_sample_time: float | None = None

    def start(self) -> None:
        self.log.append(("start", id(self)))

    def feed(self, pcm: bytes, rate: int = 24_000) -> None:
        self.fed.append((pcm, rate))
        if self.last_first_sample_time is None:  # "played" at once
            self.last_first_sample_time = time.monotonic()

    def end_turn(self) -> None:
        self.log.append(("end_turn", id(self)))

    def clear(self) -> None:
        self.log.append(("clear", id(self)))

    def stop(self) -> None:
        self.stops += 1
        self.log.append(("stop", id(self)))

    @property
    def played(self) -> bytes:
        assert all(rate == SAMPLE_RATE for _, rate in self.fed)
        return b"".join(pcm for pcm, _ in self.fed)


class Speakers:
    """A make_speaker factory that keeps every FakeSpeaker it made."""

    def __init__(self) -> None:
        self.made: list[FakeSpeaker] = []
        self.log: list[tuple[str, int]] = []

    def __call__(self, device: str) -> FakeSpeaker:
        speaker = FakeSpeaker(device, self.log)
        self.made.append(speaker)
        return speaker


async def until(cond: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.01)


# -- fetch_voice_sample ----------------------------------------------------------------


def test_fetch_returns_the_answer_as_24k_pcm_in_the_requested_voice(sim: SimThread) -> None:
    settings = Settings(model=MODEL, voice="Puck")
    pcm = run(fetch_voice_sample(endpoint(sim, demo=True), settings, "Kore"))

    record = sim.server.sessions[-1]
    assert len(sim.server.sessions) == 1
    assert voice_in_setup(record.setup) == "Kore"
    assert record.model is not None and record.model.removeprefix("models/") == MODEL
    assert record.texts == [SAMPLE_PROMPT]
    # Everything the (local) model answered, at 24 kHz: its length is the turn's.
    assert pcm and len(pcm) % 2 == 0
    assert len(record.turns) == 1
    assert pcm_seconds(pcm) == pytest.approx(record.turns[0].audio_seconds, abs=1e-3)
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0
    assert np.sqrt(np.mean(samples**2)) > 0.02  # a sound, not silence
    # One connection, left once the turn was complete.
    sim.wait_until(lambda: record.closed)
    assert settings.voice == "Puck"  # the caller's settings are not changed


def test_fetch_resamples_chunks_at_another_rate() -> None:
    t16 = np.arange(16000) / 16000
    tone16 = (0.5 * np.sin(2 * np.pi * 440 * t16) * 32767).astype("<i2").tobytes()
    t24 = np.arange(2400) / 24000
    tone24 = (0.5 * np.sin(2 * np.pi * 440 * t24) * 32767).astype("<i2").tobytes()
    chunks = [ModelAudio(tone16[:16000], 16000), ModelAudio(tone16[16000:], 16000)]
    pcm = _to_24k([*chunks, ModelAudio(tone24, 24000)])
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float64)
    assert len(samples) == pytest.approx(24000 + 2400, abs=8)
    spectrum = np.abs(np.fft.rfft(samples[:24000]))
    assert np.argmax(spectrum) == pytest.approx(440, abs=1)  # still 440 Hz at 24 kHz


def test_a_bad_key_raises_voice_sample_error_bad_key(sim: SimThread) -> None:
    with pytest.raises(VoiceSampleError) as err:
        run(
            fetch_voice_sample(
                endpoint(sim, demo=False, api_key="wrong-key"), Settings(model=MODEL), "Kore"
            )
        )
    assert err.value.error.kind is ErrorKind.BAD_KEY
    assert err.value.error.message == message(MessageId.BAD_KEY)
    assert str(err.value) == str(err.value.error.message)


def test_an_unknown_model_raises_voice_sample_error_unknown_model(sim: SimThread) -> None:
    with pytest.raises(VoiceSampleError) as err:
        run(fetch_voice_sample(endpoint(sim, demo=True), Settings(model="gemini-0-live"), "Kore"))
    assert err.value.error.kind is ErrorKind.UNKNOWN_MODEL


def test_a_turn_that_does_not_end_in_time_raises_and_closes(sim: SimThread) -> None:
    sim.script_next_connection(Fault("slow"))  # the answer takes longer than the timeout
    with pytest.raises(VoiceSampleError) as err:
        run(fetch_voice_sample(endpoint(sim, demo=True), Settings(model=MODEL), "Kore", 0.3))
    assert err.value.error.kind is ErrorKind.NETWORK
    assert "0.3 s" in err.value.error.detail
    assert err.value.error.message == message(MessageId.VOICE_SAMPLE_TIMEOUT)
    record = sim.server.sessions[-1]
    sim.wait_until(lambda: record.closed)
    assert not record.answered  # it was left before the turn was complete


# -- VoiceSamples ----------------------------------------------------------------------


def test_samples_are_played_and_cached_demo_in_memory_only(sim: SimThread, tmp_path: Path) -> None:
    cache = tmp_path / "voices"
    demo, real = endpoint(sim, demo=True), endpoint(sim, demo=False)
    settings = Settings(model=MODEL, output_device="Speaker 7")
    speakers = Speakers()
    samples = VoiceSamples(cache, make_speaker=speakers)

    async def first_run() -> float:
        assert not samples.cached("Kore", demo)
        started = time.monotonic()
        await samples.play(demo, settings, "Kore")
        took = time.monotonic() - started
        assert len(sim.server.sessions) == 1
        assert samples.cached("Kore", demo)
        assert not samples.cached("Kore", real)  # the placeholder is not Google's sample
        await samples.play(demo, settings, "Kore")  # from memory: no connection
        assert len(sim.server.sessions) == 1
        assert not cache.exists() or list(cache.iterdir()) == []  # demo: never on disk
        await samples.play(real, settings, "Kore")  # Google's (here: the sim as non-demo)
        assert len(sim.server.sessions) == 2
        assert samples.cached("Kore", real)
        return took

    took = run(first_run())
    first, again, real_one = speakers.made
    assert [s.device for s in speakers.made] == ["Speaker 7"] * 3
    assert all(s.stops == 1 for s in speakers.made)  # each one played, then stopped
    assert first.played and first.played == again.played
    assert took >= pcm_seconds(first.played)  # returned once it had played
    assert voice_in_setup(sim.server.sessions[-1].setup) == "Kore"
    stored = cache / "Kore.pcm"
    assert sorted(p.name for p in cache.iterdir()) == ["Kore.pcm"]  # no temp files left
    assert stored.read_bytes() == real_one.played

    # The next run plays it from disk at once, without connecting.
    speakers2 = Speakers()
    later = VoiceSamples(cache, make_speaker=speakers2)
    assert later.cached("Kore", real)
    assert not later.cached("Kore", demo)
    assert not later.cached("../Kore", real)
    run(later.play(real, settings, "Kore"))
    assert len(sim.server.sessions) == 2
    assert speakers2.made[0].played == stored.read_bytes()

    later.clear_memory()
    assert later.cached("Kore", real)  # still on disk
    with pytest.raises(ValueError):
        run(later.play(real, settings, "../../etc/passwd"))


def test_a_new_play_stops_the_one_playing(sim: SimThread, tmp_path: Path) -> None:
    demo = endpoint(sim, demo=True)
    settings = Settings(model=MODEL)
    speakers = Speakers()
    samples = VoiceSamples(tmp_path, make_speaker=speakers)

    async def main() -> None:
        first = asyncio.create_task(samples.play(demo, settings, "Kore"))
        await until(lambda: bool(speakers.made) and bool(speakers.made[0].fed))
        await samples.play(demo, settings, "Puck")
        assert first.done() and first.exception() is None
        await first

    run(main())
    kore, puck = speakers.made
    assert [voice_in_setup(s.setup) for s in sim.server.sessions] == ["Kore", "Puck"]
    # Kore was stopped before Puck's speaker started, and only once.
    assert speakers.log.index(("stop", id(kore))) < speakers.log.index(("start", id(puck)))
    assert kore.stops == 1 and puck.stops == 1


def test_a_play_replaced_while_fetching_returns_and_its_sample_is_kept(
    sim: SimThread, tmp_path: Path
) -> None:
    demo = endpoint(sim, demo=True)
    settings = Settings(model=MODEL)
    speakers = Speakers()
    samples = VoiceSamples(tmp_path, make_speaker=speakers)
    sim.script_next_connection(Fault("slow"))  # Kore's answer takes a while

    async def main() -> None:
        first = asyncio.create_task(samples.play(demo, settings, "Kore"))
        await until(lambda: len(sim.server.sessions) == 1)
        await samples.play(demo, settings, "Puck")
        assert first.done()  # returned when replaced, without playing
        await first
        await until(lambda: samples.cached("Kore", demo))  # Kore's fetch went on, and was kept

    run(main())
    assert len(speakers.made) == 1  # only Puck was played
    assert [voice_in_setup(s.setup) for s in sim.server.sessions] == ["Kore", "Puck"]


def test_a_failed_fetch_raises_and_plays_nothing(sim: SimThread, tmp_path: Path) -> None:
    speakers = Speakers()
    samples = VoiceSamples(tmp_path, make_speaker=speakers)
    bad = endpoint(sim, demo=False, api_key="wrong-key")
    with pytest.raises(VoiceSampleError) as err:
        run(samples.play(bad, Settings(model=MODEL), "Kore"))
    assert err.value.error.kind is ErrorKind.BAD_KEY
    assert speakers.made == []
    assert not samples.cached("Kore", bad)
    assert list(tmp_path.iterdir()) == []


# -- on a (virtual) speaker ------------------------------------------------------------


@pytest.mark.pulse
def test_the_sample_is_heard_on_the_speaker(
    pulse: PulseServer, sim: SimThread, tmp_path: Path
) -> None:
    from gemini_desk.audio.playback import SpeakerPlayback

    made: list[SpeakerPlayback] = []

    def make_speaker(device: str) -> SpeakerPlayback:
        made.append(SpeakerPlayback(device=device or None))
        return made[-1]

    samples = VoiceSamples(tmp_path, make_speaker=make_speaker)
    settings = Settings(model=MODEL, output_device=pulse.device)
    demo = endpoint(sim, demo=True)
    pcm = run(fetch_voice_sample(demo, settings, "Kore"))  # the reference
    rec = pulse.start_recording(rate=SAMPLE_RATE)
    try:
        run(samples.play(demo, settings, "Kore"))
    finally:
        recorded = rec.stop()
    assert len(made) == 1 and not made[0].running  # stopped once played
    assert made[0].last_first_sample_time is not None
    reference = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    assert correlation(recorded, reference) > 0.8
    # Played whole: the recording holds about the reference's energy.
    energy = float(np.sum(recorded.astype(np.float64) ** 2))
    expected = float(np.sum(reference.astype(np.float64) ** 2))
    assert energy == pytest.approx(expected, rel=0.25)
