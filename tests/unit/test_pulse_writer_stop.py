"""Stopping the speaker never frees the libpulse objects under a writer thread that is
still running (issue 18, finding 17): a writer stuck in a libpulse call past the join
timeout keeps its stream until it leaves, and then it closes the stream itself.

The seam is our own: ``SpeakerPlayback`` is given a fake ``PulseOutput`` (through the
module names it looks up) whose ``write`` can be held, like a libpulse call that hangs.
Every method of the fake records a use after ``close()``: that would be a use after free.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt
import pytest

from gemini_desk.audio import playback as playback_module
from gemini_desk.audio import pulse_writer as pulse_writer_module
from gemini_desk.audio.devices import DeviceInfo
from gemini_desk.audio.playback import SpeakerPlayback
from gemini_desk.audio.pulse_writer import PulseWriter
from gemini_desk.audio.render import BlockRenderer

RATE = 48000
WAIT_S = 5.0


class HeldSink:
    """A ``PulseOutput`` stand-in whose ``write`` blocks while ``hold`` is armed."""

    def __init__(self, rate: int = RATE, *_args: object, **_kwargs: object) -> None:
        self.rate = rate
        self.written = 0
        self.armed = threading.Event()
        self.inside = threading.Event()  # a write is being held
        self.release = threading.Event()
        self.closed = threading.Event()
        self.closes = 0
        self.used_after_close: list[str] = []

    def _use(self, what: str) -> None:
        if self.closed.is_set():
            self.used_after_close.append(what)

    @property
    def buffer_frames(self) -> int:
        self._use("buffer_frames")
        return 2400

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        self._use("locked")
        yield

    def alive_locked(self) -> bool:
        self._use("alive_locked")
        return True

    def writable_frames(self) -> int:
        self._use("writable_frames")
        return 2400  # room for all: the queue is the writer's own estimate

    def latency(self) -> float | None:
        self._use("latency")
        return 0.05

    def sink_latency(self) -> float:
        self._use("sink_latency")
        return 0.01

    def sink_block(self) -> float:
        self._use("sink_block")
        return 0.01

    def write(self, block: npt.NDArray[np.float32]) -> None:
        self._use("write")
        if self.armed.is_set():
            self.inside.set()
            self.release.wait(WAIT_S)
        self._use("write (returning)")
        self.written += block.shape[0]

    def overwrite_tail(self, block: npt.NDArray[np.float32]) -> None:
        self._use("overwrite_tail")

    def queued_frames(self, timeout: float = 0.05) -> int | None:
        self._use("queued_frames")
        return 0

    def close(self) -> None:
        self.closes += 1
        self.closed.set()


@pytest.fixture
def sink(monkeypatch: pytest.MonkeyPatch) -> HeldSink:
    """Make ``SpeakerPlayback(backend="pulse")`` open a ``HeldSink`` (no sound server)."""
    made: list[HeldSink] = []

    def make(rate: int, *args: object, **kwargs: object) -> HeldSink:
        made.append(HeldSink(rate))
        return made[-1]

    dev = DeviceInfo(0, "pulse", "ALSA", 0, 2, float(RATE), False, True)
    monkeypatch.setattr(playback_module, "resolve_device", lambda spec, kind: dev)
    monkeypatch.setattr(playback_module, "resampled_by_sound_server", lambda dev: True)
    monkeypatch.setattr(playback_module, "libpulse_available", lambda: True)
    monkeypatch.setattr(playback_module, "stream_rate", lambda dev, wanted: RATE)
    monkeypatch.setattr(playback_module, "PulseOutput", make)
    # A short join, so the test does not wait the full 2 s for the stuck thread.
    monkeypatch.setattr(pulse_writer_module, "JOIN_TIMEOUT_S", 0.05, raising=False)
    player = SpeakerPlayback(backend="pulse", pulse_tick_ms=5.0)
    player.start()
    assert player.backend == "pulse" and len(made) == 1
    made[0].player = player  # type: ignore[attr-defined]
    return made[0]


def test_stop_does_not_free_the_stream_under_a_writer_stuck_past_its_join(
    sink: HeldSink,
) -> None:
    player: SpeakerPlayback = sink.player  # type: ignore[attr-defined]
    sink.armed.set()
    assert sink.inside.wait(WAIT_S), "the writer thread never wrote"
    player.stop()  # the writer is stuck in write(): the join times out
    assert not player.running
    assert not sink.closed.is_set(), "the stream was freed while its writer was in a call"
    sink.release.set()  # the call returns: the thread leaves and closes the stream itself
    assert sink.closed.wait(WAIT_S), "the writer never closed its stream"
    assert sink.closes == 1
    assert sink.used_after_close == []


def test_stop_closes_the_stream_of_a_writer_that_finished(sink: HeldSink) -> None:
    player: SpeakerPlayback = sink.player  # type: ignore[attr-defined]
    player.stop()
    assert sink.closed.is_set() and sink.closes == 1
    assert sink.used_after_close == []


def test_a_writer_never_started_closes_its_stream_on_stop() -> None:
    renderer = BlockRenderer()
    renderer.prepare(RATE)
    sink = HeldSink()
    writer = PulseWriter(renderer, sink, 20.0, lambda: None)
    writer.stop()
    assert sink.closes == 1
    writer.stop()  # twice is harmless
    assert sink.closes == 1


def test_a_writer_whose_stream_died_closes_it_when_its_thread_ends() -> None:
    renderer = BlockRenderer()
    renderer.prepare(RATE)
    sink = HeldSink()
    sink.alive_locked = lambda: False  # type: ignore[method-assign]
    failed = threading.Event()
    writer = PulseWriter(renderer, sink, 5.0, failed.set)
    writer.start()
    writer.wake()
    assert failed.wait(WAIT_S)
    assert sink.closed.wait(WAIT_S)
    writer.stop()
    assert sink.closes == 1 and sink.used_after_close == []
