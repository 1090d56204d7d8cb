"""PulseWriter's queue and barge-in arithmetic against a fake sound server (no server).

The fake holds the stream by index, as the server does: the writer appends to it and
rewrites its tail; the test moves the server's read position and the writer's clock
together. Clock steps are 1/128 s (375 frames at 48 kHz, exact in floating point), so
every expected frame count below is exact.

Numbers used throughout: a 2400-frame (50 ms) server buffer and 20 ms ticks give an
idle queue and a low-water mark of 1440 frames (tick + 10 ms) and a last call of 384
(8 ms); the jitter policy starts an open turn at 1892 queued frames; a barge-in
rewrites from 672 frames (4 ms + the sink's 10 ms block) past the read position, 1632
(+ 20 ms) when the server gives no timing; an answer starting while idle rewrites the
idle silence from the read position, or later if that is heard in less than 10 ms (the
sink's block: the fake's sink latency is 10 ms, so the read position unless a test sets
libpulse's latency figure), if that moves it up by at least 192 frames (4 ms); the fade
is 144 frames (3 ms).
"""

from __future__ import annotations

import contextlib
import threading

import numpy as np
import numpy.typing as npt
import pytest

from gemini_desk.audio.cue_mixer import CueMixer
from gemini_desk.audio.pulse_writer import STALL_S, PulseWriter
from gemini_desk.audio.reference import ReferenceTap
from gemini_desk.audio.render import BlockRenderer
from gemini_desk.core.cues import Cue

RATE = 48000
BUFFER = 2400
TICK_MS = 20.0
STEP = 375  # frames per clock step of 1/128 s
SINK_S = 0.01


class FakeServer:
    """A ``PulseOutput`` stand-in: a stream of frames the sink takes when told to."""

    def __init__(self, *, timing: bool = True) -> None:
        self.rate = RATE
        self.written = 0
        self.read = 0  # frames the sink has taken
        self.stream = np.full(RATE * 16, np.nan, np.float32)  # by stream index
        self.writes: list[tuple[int, int]] = []  # (stream index, frames)
        self.rewrites: list[tuple[int, int]] = []
        self.timing = timing  # False: no fresh timing, no interpolated latency
        self.latency_s: float | None = None
        self.alive = True
        self.closed = False

    @property
    def buffer_frames(self) -> int:
        return BUFFER

    def locked(self) -> contextlib.AbstractContextManager[None]:
        return contextlib.nullcontext()

    def alive_locked(self) -> bool:
        return self.alive

    def writable_frames(self) -> int:
        return max(0, BUFFER - (self.written - self.read))

    def latency(self) -> float | None:
        return self.latency_s if self.timing else None

    def sink_latency(self) -> float:
        return SINK_S

    def sink_block(self) -> float:
        return SINK_S

    def write(self, block: npt.NDArray[np.float32]) -> None:
        n = block.shape[0]
        self.stream[self.written : self.written + n] = block
        self.writes.append((self.written, n))
        self.written += n

    def overwrite_tail(self, block: npt.NDArray[np.float32]) -> None:
        n = block.shape[0]
        start = self.written - n
        assert start >= self.read, "rewrote frames the sink had already taken"
        self.stream[start : self.written] = block
        self.rewrites.append((start, n))

    def queued_frames(self, timeout: float = 0.05) -> int | None:
        return self.written - self.read if self.timing else None

    def close(self) -> None:
        self.closed = True


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Rig:
    """A prepared renderer, the fake server and a writer between them."""

    def __init__(self, *, timing: bool = True) -> None:
        self.renderer = BlockRenderer()
        self.renderer.prepare(RATE)
        self.server = FakeServer(timing=timing)
        self.clock = Clock()
        self.failed = threading.Event()
        self.writer = PulseWriter(
            self.renderer, self.server, TICK_MS, self.failed.set, clock=self.clock
        )

    def play(self, steps: int) -> None:
        """Time passes: the sink takes ``steps * STEP`` frames (at most what it has)."""
        self.clock.now += steps / 128
        self.server.read = min(self.server.written, self.server.read + steps * STEP)

    def refill(self) -> list[tuple[int, int]]:
        """One service(); the writes it made."""
        before = len(self.server.writes)
        assert self.writer.service()
        return self.server.writes[before:]

    def feed(self, samples: npt.NDArray[np.float32]) -> None:
        self.renderer.feed(_pcm(samples), RATE)


def _pcm(x: npt.NDArray[np.float32]) -> bytes:
    return np.round(x * 32768).astype("<i2").tobytes()


def _ramp(n: int) -> npt.NDArray[np.float32]:
    """Distinct non-zero samples, exact in int16, so every frame can be traced."""
    return (np.arange(1, n + 1) % 8000 + 1000).astype(np.float32) / 32768


def test_the_writers_figures() -> None:
    rig = Rig()
    w = rig.writer
    assert (w.buffer, w.idle_frames, w.low_water, w.last_call) == (2400, 1440, 1440, 384)
    assert w.buffer_latency == 0.05 and w.wait_s == 0.02
    assert rig.renderer.jitter.threshold == 1892 and rig.renderer.fade.shape == (144,)


def test_idle_keeps_only_the_short_queue_of_silence() -> None:
    rig = Rig()
    assert rig.refill() == [(0, 1440)]  # empty server: the idle queue
    rig.play(1)
    assert rig.refill() == [(1440, 375)]  # topped up by what was played
    rig.play(2)
    assert rig.refill() == [(1815, 750)]
    assert rig.refill() == []  # 1440 queued: nothing to do
    assert np.all(rig.server.stream[:2565] == 0.0)
    assert rig.renderer.blocks == 3 and not rig.writer.starving


def test_an_answer_arriving_while_idle_replaces_the_idle_silence() -> None:
    rig = Rig()
    rig.refill()
    answer = _ramp(4800)  # 100 ms, complete
    rig.feed(answer)
    rig.renderer.end_turn()
    # The idle silence from the read position is rewritten with the answer (1440
    # frames), then the buffer is filled: 2400 - 1440 queued = 960 more.
    assert rig.refill() == [(1440, 960)]
    assert rig.server.rewrites == [(0, 1440)] and rig.writer.start_rewrites == 1
    assert rig.renderer.last_first_sample_time is not None
    writes = []
    for _ in range(9):
        rig.play(1)
        writes += rig.refill()
    assert writes == [(2400 + k * STEP, STEP) for k in range(7)]
    stream = rig.server.stream
    assert np.array_equal(stream[:4800], answer)  # whole, in order
    assert np.all(stream[4800:5025] == 0.0)  # then silence
    # The answer is over: back to the idle queue (1275 queued, topped up to 1440).
    rig.play(1)
    assert rig.refill() == [(5025, 165)]
    assert not rig.renderer.is_playing and rig.renderer.underruns == 0


def test_an_open_turn_writes_only_what_there_is_then_waits_then_underruns() -> None:
    rig = Rig()
    rig.server.queued_frames = lambda timeout=0.05: None  # type: ignore[method-assign]
    # (no fresh timing from the server: the answer is not moved up, see below)
    w = rig.writer
    rig.refill()
    answer = _ramp(2372)
    rig.feed(answer[:1892])  # the start threshold: plays although the turn is open
    assert rig.refill() == [(1440, 960)]
    rig.play(2)
    assert rig.refill() == [(2400, 750)]  # 1650 queued: room for 750
    rig.play(2)
    assert rig.refill() == [(3150, 182)]  # only the 182 frames there are, no padding
    assert not w.starving
    rig.play(2)
    # 1082 queued + nothing available is below low water: wait for audio until the
    # queue reaches the last call (1082 - 384 frames from now), writing nothing.
    assert rig.refill() == []
    assert w.starving and w.wait_s == (1082 - 384) / RATE
    rig.feed(answer[1892:])  # 480 more (SpeakerPlayback.feed wakes the writer)
    assert rig.refill() == [(3332, 480)]
    assert not w.starving and w.wait_s == 0.02
    rig.play(3)
    assert rig.refill() == [] and w.starving  # 437 queued: still above the last call
    rig.play(1)
    # 62 queued: below the last call, so the writer fills the buffer with silence.
    assert rig.refill() == [(3812, 2338)]
    assert rig.renderer.underruns == 1
    stream = rig.server.stream
    assert np.array_equal(stream[1440:3812], answer)
    assert np.all(stream[3812:6150] == 0.0)


def _playing_a_long_answer(rig: Rig) -> npt.NDArray[np.float32]:
    """The buffer full of an open turn's audio (stream 0..3150), 750 frames played."""
    rig.refill()
    answer = _ramp(RATE)
    rig.feed(answer)
    assert rig.refill() == [(1440, 960)]
    # The answer's start over the idle silence (not without fresh timing from the server).
    assert rig.server.rewrites == ([(0, 1440)] if rig.server.timing else [])
    rig.server.rewrites.clear()
    rig.play(2)
    assert rig.refill() == [(2400, 750)]
    assert (rig.server.written, rig.server.read) == (3150, 750)
    return rig.server.stream[:3150].copy()


@pytest.mark.parametrize(
    ("timing", "steps", "first", "idle_fill"),
    [
        # read 1125: rewrite from 1125 + 672, 1353 frames; 2025 stay queued, no idle fill.
        (True, 1, 1797, []),
        # read 2250: rewrite from 2922 (228 frames); 900 queued, topped up to 1440.
        (True, 4, 2922, [(3150, 540)]),
        # read 1125, no timing from the server: our clock's 2025 queued, margin 1632.
        (False, 1, 2757, []),
    ],
)
def test_a_barge_in_rewrites_the_queued_tail_with_a_fade_then_silence(
    timing: bool, steps: int, first: int, idle_fill: list[tuple[int, int]]
) -> None:
    rig = Rig(timing=timing)
    before = _playing_a_long_answer(rig)
    rig.play(steps)
    rig.renderer.clear()  # on `interrupted` (SpeakerPlayback.clear wakes the writer)
    assert rig.refill() == idle_fill
    end = 3150
    assert rig.server.rewrites == [(first, end - first)]
    stream = rig.server.stream
    fade = rig.renderer.fade
    assert np.array_equal(stream[first : first + 144], before[first : first + 144] * fade)
    assert np.all(stream[first + 144 : end] == 0.0)
    assert np.array_equal(stream[:first], before[:first])  # what came before is untouched
    for start, n in idle_fill:
        assert np.all(stream[start : start + n] == 0.0)
    assert rig.writer.last_clear_handled == rig.clock.now
    r = rig.renderer
    assert r.available == 0 and not r.active and not r.is_playing and r.cleared_samples > 0


@pytest.mark.parametrize(
    ("sink_holds_s", "first"),
    [
        # The sink holds its whole 10 ms block: heard 10 ms from now is the read position.
        (SINK_S, 1125),
        # The sink holds 4 ms (frame 933 is at the speaker now): 10 ms from now is 1413.
        (0.004, 1413),
    ],
)
def test_a_barge_in_with_libpulses_latency_rewrites_what_is_heard_10_ms_from_now(
    sink_holds_s: float, first: int
) -> None:
    # libpulse's latency says when the next written frame is heard; the fade starts at
    # the frame heard a sink block (10 ms at least) from now, never before the server's
    # read position. (The margin past the read position alone left ~24 ms heard.)
    rig = Rig()
    before = _playing_a_long_answer(rig)
    rig.play(1)  # read 1125, 2025 queued
    rig.server.latency_s = 2025 / RATE + sink_holds_s
    rig.renderer.clear()
    rig.refill()
    assert rig.server.rewrites == [(first, 3150 - first)]
    fade = rig.renderer.fade
    stream = rig.server.stream
    assert np.array_equal(stream[first : first + 144], before[first : first + 144] * fade)
    assert np.all(stream[first + 144 : 3150] == 0.0)


def test_a_barge_in_too_close_to_the_end_of_the_queue_rewrites_nothing() -> None:
    rig = Rig()
    before = _playing_a_long_answer(rig)
    rig.play(5)  # read 2625: 525 queued, less than the 672-frame margin
    rig.renderer.clear()
    assert rig.refill() == [(3150, 915)]  # silence after the old tail plays out
    assert rig.server.rewrites == []
    assert np.array_equal(rig.server.stream[:3150], before)
    assert rig.writer.last_clear_handled == rig.clock.now


def test_a_clear_before_the_answer_started_playing_rewrites_nothing() -> None:
    rig = Rig()
    rig.refill()
    rig.feed(_ramp(1000))  # an open turn below the start threshold: buffering
    assert rig.refill() == []
    rig.renderer.clear()
    rig.play(1)
    assert rig.refill() == [(1440, 375)]  # idle silence, as before
    assert rig.server.rewrites == [] and rig.writer.last_clear_handled is None
    assert np.all(rig.server.stream[:1815] == 0.0)
    assert rig.renderer.cleared_samples == 1000


def test_blocks_are_stamped_with_when_they_will_be_heard() -> None:
    rig = Rig()
    tap = ReferenceTap(RATE)
    rig.renderer.reference = tap
    rig.server.timing = False  # no interpolated latency yet: queue estimate + sink
    rig.refill()
    rig.play(1)
    rig.refill()
    rig.server.timing = True
    rig.server.latency_s = 0.042  # libpulse's own figure
    rig.play(1)
    rig.refill()
    st = tap.stamps()
    assert st["dac"].tolist() == [
        100.0 + SINK_S,
        (100.0 + 1 / 128) + (1065 / RATE + SINK_S),
        100.0 + 2 / 128 + 0.042,
    ]
    assert st["start"].tolist() == [0, 1440, 1815] and st["frames"].tolist() == [1440, 375, 375]
    assert st["queue_pos"].tolist() == [-1, -1, -1]  # silence


def test_a_dead_stream_stops_the_thread_and_says_so() -> None:
    rig = Rig()
    rig.server.alive = False
    assert rig.writer.service() is False
    rig.writer.start()
    rig.writer.wake()
    try:
        assert rig.failed.wait(5.0)
    finally:
        rig.writer.stop()
    assert rig.server.writes == []
    assert rig.server.closed  # the thread closed its stream as it left


def test_an_answer_start_rewrite_is_stamped_with_when_it_is_heard() -> None:
    rig = Rig()
    tap = ReferenceTap(RATE)
    rig.renderer.reference = tap
    rig.server.latency_s = 0.042  # libpulse: a frame written now is heard in 42 ms
    rig.refill()
    rig.play(1)  # read 375: 1065 queued
    rig.refill()
    assert rig.server.writes == [(0, 1440), (1440, 375)]
    rig.feed(_ramp(2000))
    rig.renderer.end_turn()
    assert rig.refill() == [(1815, 960)]
    # From the read position (heard in 12 ms): 1440 frames, heard that long before
    # what is written now.
    assert rig.server.rewrites == [(375, 1440)]
    st = tap.stamps()
    now = 100.0 + 1 / 128
    assert st["frames"].tolist() == [1440, 375, 1440, 960]
    assert st["dac"][2] == pytest.approx(now + 0.042 - 1440 / RATE, abs=1e-12)
    assert st["queue_pos"][2] == 0  # the answer's first sample


@pytest.mark.parametrize(("steps", "rewrites"), [(3, [(1125, 315)]), (4, [])])
def test_an_answer_start_that_would_move_up_little_is_written_behind(
    steps: int, rewrites: list[tuple[int, int]]
) -> None:
    rig = Rig()
    rig.refill()
    rig.play(steps)  # 315 frames (6.6 ms) of silence left, or none
    rig.feed(_ramp(2000))
    rig.renderer.end_turn()
    rig.refill()
    assert rig.server.rewrites == rewrites
    assert rig.writer.start_rewrites == len(rewrites)
    if not rewrites:  # the answer goes after what was written
        assert rig.server.writes[1][0] == 1440 and np.all(rig.server.stream[1440:3440] != 0.0)


def test_an_answer_right_after_another_does_not_overwrite_its_tail() -> None:
    rig = Rig()
    rig.refill()
    first = _ramp(600)
    rig.feed(first)
    rig.renderer.end_turn()
    assert rig.refill() == []  # the idle queue is full: the answer went in by rewrite
    assert rig.server.rewrites == [(0, 1440)]
    assert not rig.renderer.active
    rig.feed(_ramp(2000))  # the next one: the first's tail is still queued
    rig.renderer.end_turn()
    assert rig.refill() == [(1440, 960)]
    assert rig.server.rewrites == [(0, 1440)] and rig.writer.start_rewrites == 1
    assert np.array_equal(rig.server.stream[:600], first)


def test_an_answer_start_is_heard_a_sink_block_from_now_at_the_earliest() -> None:
    rig = Rig()
    rig.refill()  # 1440 queued
    # libpulse says the next frame written is heard in 20 ms (960 frames), less than
    # the queue figure gives (30 ms + the sink's 10): the rewrite follows the nearer one.
    rig.server.latency_s = 0.02
    rig.feed(_ramp(2000))
    rig.renderer.end_turn()
    assert rig.refill() == [(1440, 960)]
    assert rig.server.rewrites == [(960, 480)]  # heard 10 ms from now


# -- a stream the server stopped playing ------------------------------------------------


def stall(rig: Rig, seconds: float) -> None:
    """Time passes but the sink takes nothing (no device behind the stream)."""
    rig.clock.now += seconds


def test_a_stream_the_sink_stopped_taking_from_fails_after_the_stall_limit() -> None:
    # PipeWire parks a stream whose device vanished with nothing to move it to: no error,
    # no callbacks, the queue never drains. The writer must say so, not wait forever.
    rig = Rig()
    assert rig.writer.service()
    rig.play(4)
    assert rig.writer.service()
    stall(rig, STALL_S - 0.1)
    assert rig.writer.service(), "a stall shorter than the limit is not a failure"
    stall(rig, 0.2)
    assert not rig.writer.service()


def test_a_writer_that_slept_long_is_not_taken_for_a_stall() -> None:
    # The thread itself ran late (a busy machine), but the sink kept taking frames.
    rig = Rig()
    assert rig.writer.service()
    rig.play(int((STALL_S + 1.0) * 128))
    assert rig.writer.service()
    assert rig.server.writes[-1][1] > 0


def test_a_full_queue_while_an_answer_plays_is_no_stall_while_the_sink_takes_frames() -> None:
    # Playing an answer keeps the server's buffer full: writes are limited by the room
    # the sink makes, and that is progress.
    rig = Rig()
    rig.feed(np.full(RATE * 4, 0.25, np.float32))
    for _ in range(int(STALL_S * 128) + 64):
        rig.play(1)
        assert rig.writer.service()
    assert rig.server.written > RATE * 2


def _pause(rig: Rig, seconds: int) -> None:
    """Idle refills every 2 steps (15.6 ms, the queue never runs dry) for ``seconds``."""
    for _ in range(seconds * 64):
        rig.play(2)
        rig.refill()


def test_a_pause_keeps_a_longer_queue_of_silence_and_wakes_less_often() -> None:
    """Once nothing has played for ``rest_after_s`` (a pause in the conversation), the
    idle queue grows to ``rest_frames`` and the thread sleeps ``rest_tick_s``: a handful
    of wake-ups a second instead of ~50, and the queue still outlasts one late wake-up."""
    rig = Rig()
    w, server = rig.writer, rig.server
    assert (w.rest_after_s, w.rest_frames, w.rest_tick_s) == (10.0, 8640, 0.12)
    assert rig.refill() == [(0, 1440)] and w.wait_s == 0.02
    _pause(rig, 10)
    assert w.wait_s == 0.02  # not yet: exactly 10 s
    assert server.written - server.read == 1440
    rig.play(2)
    end = server.written
    assert rig.refill() == [(end, 8640 - 690)]
    assert w.wait_s == 0.12 and server.written - server.read == 8640
    rig.play(15)  # 117 ms later (one wake-up): topped up again
    end = server.written
    assert rig.refill() == [(end, 15 * STEP)]
    assert np.all(server.stream[: server.written] == 0.0)


def test_an_answer_after_a_pause_replaces_the_long_idle_silence() -> None:
    """The first answer after a pause is moved up over the whole longer queue (it waits
    for the sink block, not for 180 ms of silence); the writer is back to its ticks."""
    rig = Rig()
    rig.refill()
    _pause(rig, 11)
    w, server = rig.writer, rig.server
    assert w.wait_s == 0.12
    read, end = server.read, server.written
    assert end - read == 8640
    answer = _ramp(4800)
    rig.feed(answer)
    rig.renderer.end_turn()
    rig.refill()
    assert server.rewrites == [(read, end - read)] and w.start_rewrites == 1
    assert np.array_equal(server.stream[read : read + 4800], answer)
    assert w.wait_s == 0.02


def test_a_sound_cue_ends_the_pause() -> None:
    """A cue is playback too: it is moved up over the longer queue like an answer, and
    the pause starts over after it."""
    rig = Rig()
    rig.refill()
    _pause(rig, 11)
    assert rig.writer.wait_s == 0.12
    rig.renderer.cues = CueMixer()
    rig.renderer.cues.play(Cue.TALK_START, RATE)
    rig.refill()
    assert rig.writer.wait_s == 0.02 and rig.writer.start_rewrites == 1
