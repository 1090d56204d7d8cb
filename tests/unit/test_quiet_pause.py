"""QuietPause with literal chunks, levels and times."""

from __future__ import annotations

from gemini_desk.core.quiet_pause import PauseStep, QuietPause

CHUNK_S = 0.04  # a quiet room's chunk (two 20 ms chunks sent as one)


def _chunk(i: int) -> bytes:
    return i.to_bytes(4, "little") * 320  # 1280 bytes: 40 ms at 16 kHz


def _feed(
    pause: QuietPause, levels: list[float], t0: float = 0.0, may: bool = True
) -> list[PauseStep]:
    return [pause.chunk(_chunk(i), db, t0 + i * CHUNK_S, may) for i, db in enumerate(levels)]


def test_the_stream_ends_after_five_quiet_seconds_and_nothing_is_sent_then() -> None:
    pause = QuietPause(after_s=5.0, quiet_db=-55.0)
    steps = _feed(pause, [-70.0] * 200)  # 8 s of a quiet room
    ends = [i for i, s in enumerate(steps) if s.end_stream]
    assert ends == [125]  # 125 * 40 ms = 5.0 s after the first chunk
    assert all(s.send == (_chunk(i),) for i, s in enumerate(steps[:125]))
    assert all(s.send == () for s in steps[125:])
    assert pause.paused and pause.pauses == 1


def test_a_sound_reopens_the_stream_with_the_300_ms_before_it() -> None:
    pause = QuietPause(after_s=5.0, quiet_db=-55.0, preroll_ms=300)
    _feed(pause, [-70.0] * 200)
    step = pause.chunk(b"onset", -30.0, 8.0, True)
    # The pre-roll: the newest quiet chunks covering 300 ms (8 x 40 ms), then the sound.
    assert step.send == (*(_chunk(i) for i in range(192, 200)), b"onset")
    assert not step.end_stream and not pause.paused
    # Open again: the next chunks go out as they come, quiet or not.
    assert pause.chunk(b"next", -70.0, 8.04, True).send == (b"next",)


def test_sound_now_and_then_keeps_the_stream_open() -> None:
    pause = QuietPause(after_s=5.0, quiet_db=-55.0)
    levels = ([-70.0] * 100 + [-40.0]) * 3  # a sound every 4 s
    assert not any(s.end_stream for s in _feed(pause, levels))
    assert not pause.paused


def test_no_pause_while_it_is_not_allowed_and_a_pause_ends_when_it_stops_being() -> None:
    pause = QuietPause(after_s=5.0)
    assert not any(s.end_stream for s in _feed(pause, [-70.0] * 200, may=False))
    step = pause.chunk(b"q", -70.0, 8.0, True)  # allowed now, quiet for 8 s already
    assert step.end_stream and step.send == ()
    step = pause.chunk(b"r", -70.0, 8.04, False)  # e.g. the model starts answering
    assert step.send == (b"q", b"r") and not pause.paused


def test_reset_opens_the_stream_and_counts_quiet_afresh() -> None:
    pause = QuietPause(after_s=5.0)
    _feed(pause, [-70.0] * 200)
    pause.reset()
    assert not pause.paused
    steps = _feed(pause, [-70.0] * 125, t0=100.0)
    assert not any(s.end_stream for s in steps[:-1]) and steps[-1].end_stream is False
    assert pause.chunk(b"x", -70.0, 105.0, True).end_stream
