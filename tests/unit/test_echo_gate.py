"""ResidualEchoGate with literal levels: what it attenuates after AEC3, and when."""

from __future__ import annotations

import numpy as np

from gemini_desk.audio.echo_gate import (
    ONSET_GAP_S,
    ONSET_GUARD_LIMIT_S,
    ONSET_GUARD_MAX_S,
    ONSET_GUARD_S,
    TRUSTED_FRAMES,
    ResidualEchoGate,
    level_db,
)

FRAME = 0.01


def _block(db: float) -> np.ndarray:
    """A 10 ms frame of a square wave whose RMS level is ``db`` dBFS."""
    x = np.full(160, 10 ** (db / 20), dtype=np.float32)
    x[::2] *= -1
    return x


def _learned(coupling_db: float = -10.0) -> ResidualEchoGate:
    """A gate that has heard the far end at -14 dBFS for 6 s (until t=6.0) with the echo
    ``coupling_db`` below it and cancelled: it has learned the coupling (it starts at 0
    dB and comes down 2 dB a second)."""
    gate = ResidualEchoGate()
    for k in range(600):
        t = k * FRAME
        gate.far_frame(t, -14.0)
        gate.apply(_block(-90.0), -14.0 + coupling_db, t)
    assert abs(gate.coupling_db - coupling_db) < 0.5
    return gate


def _run(
    gate: ResidualEchoGate, start: float, frames: int, in_db: float, out_db: float
) -> list[float]:
    """Far end at -14 dBFS from ``start``; each near frame's input and canceller output
    levels are given; returns the output levels after the gate."""
    levels = []
    for k in range(frames):
        t = start + k * FRAME
        gate.far_frame(t, -14.0)
        out = _block(out_db)
        gate.apply(out, in_db, t)
        levels.append(level_db(out))
    return levels


def test_output_far_below_the_expected_echo_is_attenuated_while_the_speaker_plays() -> None:
    gate = _learned()
    before = gate.gated_frames
    # Expected echo -24 dBFS: -40 out is residual echo, -20 out (a voice) passes.
    assert max(_run(gate, 6.0, 10, -24.0, -40.0)) < -65.0
    assert min(_run(gate, 6.1, 10, -18.0, -20.0)) > -20.5
    assert gate.gated_frames - before == 10 and gate.onset_gated_frames == 0


def _frames(seconds: float) -> int:
    return round(seconds / FRAME)


def test_an_onset_is_guarded_while_the_canceller_lets_the_echo_through_up_to_the_limit() -> None:
    gate = _learned()
    onset = 6.0 + ONSET_GAP_S + 0.05  # the far end starts again after a pause
    # AEC3 lets the echo through (out 2 dB below in, -26 against an expected -24) and
    # goes on doing so past the guard's least length.
    levels = _run(gate, onset, _frames(ONSET_GUARD_LIMIT_S) + 10, -24.0, -26.0)
    assert ONSET_GUARD_LIMIT_S > ONSET_GUARD_MAX_S
    assert max(levels[: _frames(ONSET_GUARD_LIMIT_S)]) < -50.0
    assert min(levels[_frames(ONSET_GUARD_LIMIT_S) + 2 :]) > -26.5  # the plain gate passes it
    assert gate.onset_gated_frames == _frames(ONSET_GUARD_LIMIT_S) + 1


def test_the_guard_ends_once_the_canceller_removes_the_echo_again() -> None:
    gate = _learned()
    onset = 6.0 + ONSET_GAP_S + 0.05
    leak = _run(gate, onset, 20, -24.0, -26.0)  # 0.2 s let through
    good = _run(gate, onset + 0.2, _frames(ONSET_GUARD_S), -24.0, -60.0)  # then removed
    assert max(leak + good) < -50.0
    # Past the least length and trusted again: what now looks like echo let through (or
    # a voice no louder than the echo) passes; the guard does not come back.
    after = _run(gate, onset + 0.2 + ONSET_GUARD_S, 20, -24.0, -26.0)
    assert min(after) > -26.5
    assert gate.onset_gated_frames == 20


def test_the_guard_holds_its_least_length_though_trusted_and_longer_after_a_long_pause() -> None:
    # The canceller removes the echo from the onset on; 0.6 s in (past the least length
    # after a short pause, within it after 10 s of silence) it lets some through.
    probe = 0.6
    assert ONSET_GUARD_S < probe < ONSET_GUARD_MAX_S and _frames(probe) > TRUSTED_FRAMES
    for silence, guarded in ((ONSET_GAP_S + 0.05, False), (10.0, True)):
        gate = _learned()
        onset = 6.0 + silence
        assert max(_run(gate, onset, _frames(probe), -24.0, -60.0)) < -50.0
        leak = _run(gate, onset + probe, 10, -24.0, -26.0)
        assert (max(leak) < -50.0) if guarded else (min(leak) > -26.5), silence


def test_a_voice_louder_than_the_echo_passes_the_onset_guard() -> None:
    gate = _learned()
    levels = _run(gate, 6.0 + ONSET_GAP_S + 0.05, 20, -18.0, -19.0)
    assert min(levels) > -19.5 and gate.onset_gated_frames == 0


def test_a_short_gap_between_words_is_no_onset() -> None:
    gate = _learned()
    assert max(_run(gate, 6.0 + ONSET_GAP_S / 2, 20, -24.0, -26.0)) > -26.5
    assert gate.onset_gated_frames == 0


def test_nothing_is_gated_while_the_speaker_is_silent() -> None:
    gate = _learned()
    before = gate.gated_frames
    out = _block(-40.0)
    gate.apply(out, -40.0, 6.0 + 0.5)  # 0.5 s after the far end's last frame
    assert abs(level_db(out) + 40.0) < 0.1 and gate.gated_frames == before


def test_reset_forgets_the_far_end_and_its_onset() -> None:
    gate = _learned()
    gate.far_frame(7.0, -14.0)  # an onset
    gate.reset()
    out = _block(-26.0)
    gate.apply(out, -24.0, 7.1)
    assert abs(level_db(out) + 26.0) < 0.1 and gate.onset_gated_frames == 0


def test_syllable_onsets_the_canceller_suppresses_do_not_teach_a_louder_echo() -> None:
    """AEC3 suppresses the first 10-30 ms of each syllable a user speaks over an answer
    as if it were echo. Those frames must not raise the coupling the gate learned: in
    the echo e2e rig they raised it from -10 to +2 dB in two seconds of double talk,
    and the gate then took the user's words for residual echo."""
    gate = _learned()
    t = 6.0
    for _ in range(8):  # syllables: ramping onsets suppressed by 20+ dB, then the voice
        for in_db in (-24.0, -20.0, -16.0, -12.0):
            gate.far_frame(t, -14.0)
            gate.apply(_block(in_db - 25.0), in_db, t)
            t += FRAME
        _run(gate, t, 10, -12.0, -20.0)
        t += 10 * FRAME
    assert gate.coupling_db < -8.0
    # The user's voice, a few dB under what AEC3 was given, is not taken for echo.
    before = gate.gated_frames
    assert min(_run(gate, t, 10, -14.0, -22.0)) > -22.5
    assert gate.gated_frames == before
