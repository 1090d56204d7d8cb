"""Sound cues: which change calls for which cue, the tones, and mixing them in."""

from __future__ import annotations

import numpy as np
import pytest

from gemini_desk.audio.cue_mixer import CueMixer
from gemini_desk.audio.render import BlockRenderer
from gemini_desk.core.cues import CUE_LEVEL_DBFS, NOTES, Cue, cue_for, cue_tone
from gemini_desk.core.desk_state import TalkState as T

RATES = (16000, 24000, 44100, 48000)


@pytest.mark.parametrize(
    ("old", "new", "cue"),
    [
        (T.IDLE, T.LISTENING, Cue.TALK_START),
        (T.SPEAKING, T.LISTENING, Cue.TALK_START),  # pressed over the answer
        (T.LISTENING, T.IDLE, Cue.TALK_STOP),
        (T.LISTENING, T.SPEAKING, Cue.TALK_STOP),  # released, the answer already playing
        (T.HANDS_FREE, T.MUTED, Cue.MUTE),
        (T.LISTENING, T.MUTED, Cue.MUTE),
        (T.MUTED, T.HANDS_FREE, Cue.UNMUTE),
        (T.MUTED, T.IDLE, Cue.UNMUTE),
        (T.OFFLINE, T.IDLE, None),  # connecting is silent
        (T.OFFLINE, T.MUTED, None),
        (T.MUTED, T.OFFLINE, None),
        (T.LISTENING, T.OFFLINE, None),
        (T.IDLE, T.SPEAKING, None),  # the answer starts
        (T.SPEAKING, T.HANDS_FREE, None),
        (T.HANDS_FREE, T.IDLE, None),  # talk mode switched
        (T.IDLE, T.IDLE, None),
    ],
)
def test_cue_for_each_change(old: T, new: T, cue: Cue | None) -> None:
    assert cue_for(old, new) is cue


@pytest.mark.parametrize("rate", RATES)
@pytest.mark.parametrize("cue", list(Cue))
def test_tone_length_level_and_quiet_ends(cue: Cue, rate: int) -> None:
    tone = cue_tone(cue, rate)
    assert tone.dtype == np.float32
    seconds = tone.shape[0] / rate
    assert 0.08 <= seconds <= 0.12
    assert seconds == pytest.approx(sum(d for _, d in NOTES[cue]), abs=2 / rate)
    peak_db = 20 * np.log10(np.max(np.abs(tone)))
    assert CUE_LEVEL_DBFS - 0.5 <= peak_db <= CUE_LEVEL_DBFS + 1e-6
    # No click: it starts and ends near zero, and no sample steps further than the
    # steepest sine at full level would (2*pi*f/rate times the amplitude).
    amp = 10 ** (CUE_LEVEL_DBFS / 20)
    edge = max(1, rate // 1000)  # the first and last millisecond
    assert np.max(np.abs(tone[:edge])) < 0.05 * amp
    assert np.max(np.abs(tone[-edge:])) < 0.05 * amp
    f_max = max(f for f, _ in NOTES[cue])
    step = np.max(np.abs(np.diff(np.concatenate([[0.0], tone, [0.0]]))))
    assert step <= 2 * np.pi * f_max / rate * amp * 1.01


def test_envelope_is_a_raised_cosine_rise_hold_and_fall() -> None:
    rate = 48000
    tone = cue_tone(Cue.TALK_START, rate, level_dbfs=0.0)
    freq, seconds = NOTES[Cue.TALK_START][0]
    n = round(seconds * rate)
    note = tone[:n].astype(np.float64)
    carrier = np.sin(2 * np.pi * freq * np.arange(n) / rate)
    # Where the carrier is strong the envelope is the note over it.
    strong = np.abs(carrier) > 0.5
    env = note[strong] / carrier[strong]
    idx = np.flatnonzero(strong)
    ramp = int(0.02 * rate)
    expected = np.ones(n)
    rise = 0.5 * (1 - np.cos(np.pi * (np.arange(ramp) + 1) / (ramp + 1)))
    expected[:ramp], expected[n - ramp :] = rise, rise[::-1]
    assert np.max(np.abs(env - expected[idx])) < 1e-5
    assert np.all(np.diff(expected[:ramp]) > 0)  # rises monotonically


def test_cues_are_distinct_in_pitch() -> None:
    rate = 24000

    def power(x: np.ndarray, f: float) -> float:
        t = np.arange(x.shape[0]) / rate
        return float(np.abs(np.sum(x * np.exp(-2j * np.pi * f * t))))

    start, stop = cue_tone(Cue.TALK_START, rate), cue_tone(Cue.TALK_STOP, rate)
    # Start rises (its second half is the higher note), stop falls.
    half = start.shape[0] // 2
    assert power(start[half:], 987.77) > 5 * power(start[half:], 739.99)
    assert power(stop[half:], 739.99) > 5 * power(stop[half:], 987.77)
    mute = cue_tone(Cue.MUTE, rate)
    assert power(mute, 987.77) < 0.1 * power(mute, 440)


def test_low_rate_refused() -> None:
    with pytest.raises(ValueError, match="8000"):
        cue_tone(Cue.MUTE, 4000)


def test_mixer_adds_the_cue_over_what_plays_across_blocks() -> None:
    mixer = CueMixer()
    rate = 16000
    tone = cue_tone(Cue.TALK_STOP, rate)
    out = np.zeros(tone.shape[0] + 500, dtype=np.float32)
    mixer.mix_into(out[:100])  # nothing asked: untouched
    assert not out.any() and not mixer.busy
    mixer.play(Cue.TALK_STOP, rate)
    assert mixer.busy
    base = np.full(out.shape[0], 0.1, dtype=np.float32)
    out[:] = base
    for i in range(0, out.shape[0], 96):  # blocks that do not divide the tone
        mixer.mix_into(out[i : i + 96])
    np.testing.assert_allclose(out[: tone.shape[0]], base[: tone.shape[0]] + tone, atol=1e-7)
    np.testing.assert_array_equal(out[tone.shape[0] :], base[tone.shape[0] :])
    assert not mixer.busy and mixer.played == 1


def test_a_new_cue_replaces_one_playing_and_reset_forgets() -> None:
    mixer = CueMixer()
    rate = 16000
    mixer.play(Cue.TALK_START, rate)
    first = np.zeros(160, dtype=np.float32)
    mixer.mix_into(first)
    mixer.play(Cue.MUTE, rate)
    block = np.zeros(160, dtype=np.float32)
    mixer.mix_into(block)
    np.testing.assert_array_equal(block, cue_tone(Cue.MUTE, rate)[:160])
    mixer.reset()
    after = np.zeros(160, dtype=np.float32)
    mixer.mix_into(after)
    assert not after.any() and not mixer.busy


def test_renderer_puts_cues_in_the_reference_but_not_in_the_level() -> None:
    from gemini_desk.audio.reference import ReferenceTap

    rate = 48000
    tap = ReferenceTap(rate, seconds=1.0)
    renderer = BlockRenderer(reference=tap)
    renderer.prepare(rate)
    renderer.cues = CueMixer()
    renderer.cues.play(Cue.UNMUTE, rate)
    tone = cue_tone(Cue.UNMUTE, rate)
    block = np.zeros(480, dtype=np.float32)
    heard = []
    for _ in range(tone.shape[0] // 480 + 2):
        renderer.render(block)
        heard.append(block.copy())
    played = np.concatenate(heard)
    np.testing.assert_allclose(played[: tone.shape[0]], tone, atol=1e-7)
    recorded = np.zeros(played.shape[0], dtype=np.float32)
    tap.samples.read_into(recorded)
    np.testing.assert_array_equal(recorded, played)  # the echo canceller sees the cue
    assert renderer.level.peak_db <= -89.0  # the answer's meter stayed at the floor
    assert not renderer.is_playing  # a cue is not an answer


def test_a_cue_due_counts_as_playing_for_the_writer() -> None:
    """The libpulse writer keeps its full buffer queued while something plays: a cue
    must count, or it plays over the thin idle silence and a late wake-up cuts it."""
    rate = 48000
    renderer = BlockRenderer()
    renderer.prepare(rate)
    assert not renderer.will_play(0)
    renderer.cues = CueMixer()
    assert not renderer.will_play(0)
    renderer.cues.play(Cue.TALK_START, rate)
    assert renderer.will_play(0)
    block = np.zeros(480, dtype=np.float32)
    while renderer.cues.busy:
        renderer.render(block)
    assert not renderer.will_play(0)
    assert not renderer.is_playing  # still no answer
