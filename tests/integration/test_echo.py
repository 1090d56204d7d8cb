"""EchoCanceller (real WebRTC APM via livekit) on synthetic echo paths; ReferenceReader."""

from __future__ import annotations

import numpy as np
import pytest

from gemini_desk.audio.echo import MicProcessor
from gemini_desk.audio.echo_canceller import EchoCanceller, EchoOptions, apm_rate_for
from gemini_desk.audio.echo_options import module_delay
from gemini_desk.audio.echo_reference import ReferenceReader
from gemini_desk.audio.reference import ReferenceTap
from gemini_desk.core.resampler import StreamResampler
from tests.support.sim_fixtures import espeak_pcm16k

FAR = "The speaker plays the answer and the microphone hears it again a moment later."
NEAR = "Stop, I have a different question."


def _speech(text: str, rate: int, seconds: float) -> np.ndarray:
    """espeak speech at ``rate``, repeated with pauses to ``seconds``, peak -6 dBFS."""
    s = espeak_pcm16k(text).astype(np.float32) / 32768.0
    s = StreamResampler(16000, rate, "HQ").process(np.concatenate((s, np.zeros(8000, np.float32))))
    s *= 0.5 / float(np.abs(s).max())
    reps = int(np.ceil(seconds * rate / s.shape[0]))
    return np.tile(s, reps)[: int(seconds * rate)].astype(np.float32)


def _echo(far: np.ndarray, rate: int, delay_ms: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = int(0.15 * rate)
    h = rng.standard_normal(n) * np.exp(-np.arange(n) / (0.03 * rate)) * 0.05
    h[0] = 0.5
    d = int(delay_ms / 1000 * rate)
    y = np.convolve(np.concatenate((np.zeros(d, np.float32), far)), h)[: far.shape[0]]
    return y.astype(np.float32)


def _run(
    ec: EchoCanceller, far: np.ndarray, mic: np.ndarray, far_rate: int, near_rate: int
) -> np.ndarray:
    """10 ms steps; the far end is handed over 30 ms ahead, as the playback tap does."""
    fb, nb = far_rate // 100, near_rate // 100
    steps = min(far.shape[0] // fb, mic.shape[0] // nb)
    outs = []
    for k in range(steps):
        kf = k + 3
        if kf < steps:
            ec.push_far(far[kf * fb : (kf + 1) * fb], kf * 0.01)
        outs.append(ec.process_near(mic[k * nb : (k + 1) * nb], k * 0.01))
    return np.concatenate(outs)


def _energy_db(x: np.ndarray) -> float:
    return float(10 * np.log10(np.mean(x.astype(np.float64) ** 2) + 1e-20))


def test_apm_rate_for_picks_a_native_rate() -> None:
    assert [apm_rate_for(r) for r in (8000, 11025, 16000, 22050, 24000, 44100, 48000, 96000)] == [
        8000,
        16000,
        16000,
        32000,
        32000,
        48000,
        48000,
        48000,
    ]


@pytest.mark.parametrize(
    ("far_rate", "near_rate", "apm_rate"), [(48000, 16000, 16000), (44100, 44100, 48000)]
)
def test_cancels_echo_after_convergence(far_rate: int, near_rate: int, apm_rate: int) -> None:
    far = _speech(FAR, far_rate, 8.0)
    echo = _echo(far, far_rate, delay_ms=50.0)
    mic = StreamResampler(far_rate, near_rate, "HQ").process(echo)
    ec = EchoCanceller(near_rate, far_rate, EchoOptions(), rate=apm_rate)
    out = _run(ec, far, mic, far_rate, near_rate)
    assert out.shape[0] == ec.near_frames * apm_rate // 100
    ref = StreamResampler(near_rate, apm_rate, "HQ").process(mic)
    tail = slice(4 * apm_rate, out.shape[0])  # after 4 s of convergence
    erle = _energy_db(ref[tail]) - _energy_db(out[tail])
    assert erle > 20.0, f"ERLE {erle:.1f} dB"
    # Without echo cancellation the same echo goes straight through.
    plain = EchoCanceller(near_rate, far_rate, EchoOptions(echo_cancellation=False), rate=apm_rate)
    out_plain = _run(plain, far, mic, far_rate, near_rate)
    assert abs(_energy_db(ref[tail]) - _energy_db(out_plain[tail])) < 3.0
    assert plain.far_frames == 0
    stats = ec.stats()
    assert stats["near_frames"] > 700 and stats["far_frames"] > 700
    assert stats["cpu_us_mean"] > 0.0 and stats["cpu_us_max"] >= stats["cpu_us_mean"]


def test_user_speech_survives_double_talk() -> None:
    rate = 16000
    far = _speech(FAR, rate, 10.0)
    echo = _echo(far, rate, delay_ms=40.0)
    user = np.zeros_like(far)
    talk = _speech(NEAR, rate, 2.0) * 0.5  # the user, quieter than the echo at its peaks
    user[7 * rate : 9 * rate] = talk
    ec = EchoCanceller(rate, rate)
    out = _run(ec, far, echo + user, rate, rate)
    window = slice(7 * rate, 9 * rate)
    echo_only = slice(4 * rate, 6 * rate)
    # Where the user talks over the echo, their voice comes through...
    assert _energy_db(out[window]) > _energy_db(talk) - 12.0
    # ...far above what is left of the echo alone.
    assert _energy_db(out[window]) > _energy_db(out[echo_only]) + 15.0


def test_far_frames_wait_for_their_near_end_time() -> None:
    ec = EchoCanceller(16000, 16000, EchoOptions(lead_ms=40.0))
    # One second from t=10 (not silence: a silent far end is skipped, see audio/echo_idle.py).
    ec.push_far(np.full(16000, 0.1, np.float32), play_time=10.0)
    ec.process_near(np.zeros(160, np.float32), capture_time=10.0)
    # Frames playing up to 10.04 s went in: 10.00, 10.01, ..., 10.04.
    assert ec.far_frames == 5
    assert ec.stats()["far_queued"] == 95
    ec.process_near(np.zeros(1600, np.float32), capture_time=10.01)
    assert ec.far_frames == 15
    # A near-end frame long after the queued far end (e.g. after a mute): the stale far
    # end is dropped, not fed in a burst, and the reference counts as late.
    ec.process_near(np.zeros(160, np.float32), capture_time=20.0)
    assert ec.far_frames == 15 and ec.far_dropped == 85 and ec.far_late == 1


def test_far_queue_is_bounded() -> None:
    ec = EchoCanceller(16000, 16000, EchoOptions(max_far_ms=500.0))
    ec.push_far(np.zeros(16000, np.float32), play_time=0.0)
    assert ec.stats()["far_queued"] == 50 and ec.far_dropped == 50


def test_reference_reader_stamps_play_times_from_the_tap() -> None:
    rate = 48000
    tap = ReferenceTap(rate, seconds=1.0)
    ec = EchoCanceller(16000, rate)
    blk = np.full(480, 0.1, np.float32)
    tap.push(blk, 99.0, 0.0, -1)  # before the reader exists: skipped
    reader = ReferenceReader(tap, ec, output_latency=0.05)
    for k in range(10):
        tap.push(blk, 100.0 + k * 0.01, 0.0, -1)
    assert reader.drain() == 4800
    assert reader.drain() == 0
    times = ec.queued_far_times()
    assert len(times) == 10  # 10 ms at 16 kHz each
    assert times[0] == pytest.approx(100.05, abs=1e-6)
    assert times[-1] == pytest.approx(100.14, abs=1e-6)
    # The ring overflowing (the consumer stalled) resynchronises instead of misaligning.
    for k in range(150):
        tap.push(blk, 200.0 + k * 0.01, 0.0, -1)
    reader.drain()
    tap.push(blk, 300.0, 0.0, -1)
    assert reader.drain() == 480
    assert ec.queued_far_times()[-1] == pytest.approx(300.05, abs=0.011)


def test_mic_processor_follows_the_speaker_tap() -> None:
    """The capture hook drains the playback tap; a reopened speaker (new tap, new rate)
    is picked up and cancellation goes on."""
    taps: list[tuple[ReferenceTap, float]] = []
    proc = MicProcessor(lambda: taps[-1] if taps else None)
    assert proc.rate == 16000
    silence = np.zeros(160, np.float32)
    assert proc.process(silence, 0.0).shape == (160,)  # no speaker yet: still processes
    outs: list[np.ndarray] = []
    refs: list[np.ndarray] = []
    t = 1.0
    for far_rate in (48000, 44100):
        tap = ReferenceTap(far_rate, seconds=2.0)
        taps.append((tap, 0.02))
        far = _speech(FAR, far_rate, 5.0)
        mic = StreamResampler(far_rate, 16000, "HQ").process(_echo(far, far_rate, 30.0))
        fb = far_rate // 100
        for k in range(500):
            # The speaker callback runs 20 ms (its latency) ahead of the microphone.
            tap.push(far[k * fb : (k + 1) * fb], t + k * 0.01 - 0.02, 0.0, -1)
            outs.append(proc.process(mic[k * 160 : (k + 1) * 160], t + k * 0.01))
            refs.append(mic[k * 160 : (k + 1) * 160])
        t += 10.0
        tail_out = np.concatenate(outs[-150:])
        tail_ref = np.concatenate(refs[-150:])
        assert _energy_db(tail_ref) - _energy_db(tail_out) > 20.0, far_rate
    assert proc.canceller.far_rate == 44100
    assert proc.stats()["far_frames"] > 900


def test_residual_echo_gate() -> None:
    """While the speaker plays, output far below the echo the microphone must be hearing
    is taken for residual echo and attenuated; with the speaker silent nothing is gated."""
    rate = 16000
    far = _speech(FAR, rate, 8.0)
    far[6 * rate :] = 0.0  # the model stops at 6 s
    echo = _echo(far, rate, 30.0)
    # A faint near-end signal, 25 dB below the echo (what a leak looks like).
    faint = _speech(NEAR, rate, 8.0) * 0.5 * 10 ** (-25 / 20)
    outs = {}
    for gate in (False, True):
        ec = EchoCanceller(rate, rate, EchoOptions(echo_gate=gate))
        outs[gate] = _run(ec, far, echo + faint, rate, rate)
        assert (ec.gated_frames > 0) is gate
    # 10 ms frames after convergence where the far end plays (above -40 dBFS).
    frames = np.arange(400, 600)
    talking = frames[[_energy_db(far[i * 160 : (i + 1) * 160]) > -40.0 for i in frames]]
    assert talking.size > 50
    sel = (talking[:, None] * 160 + np.arange(160)).ravel()
    assert _energy_db(outs[False][sel]) - _energy_db(outs[True][sel]) > 20.0
    silent = slice(int(6.5 * rate), int(7.9 * rate))
    assert abs(_energy_db(outs[True][silent]) - _energy_db(outs[False][silent])) < 0.5


def test_resting_between_answers_costs_no_click_no_level_jump_and_no_echo() -> None:
    """While the far end is silent the module rests (audio/echo_idle.py); the user's
    voice (with a DC offset, as cheap microphones have) keeps its level through both
    switches, with no step at either, and the next answer's echo is cancelled as well
    as with the module running all along."""
    rate = 16000
    far = np.zeros(10 * rate, np.float32)
    answer = _speech(FAR, rate, 2.0)
    far[1 * rate : 3 * rate] = answer
    far[6 * rate : 8 * rate] = answer
    echo = _echo(far, rate, 30.0)
    user = np.zeros_like(far)
    user[int(3.2 * rate) : int(5.8 * rate)] = _speech(NEAR, rate, 2.6) * 0.3  # over 2 switches
    mic = echo + user + np.float32(0.02)
    outs = {}
    for rest in (True, False):
        # Resting once the echo's tail (0.5 s) is over, so this short signal has two
        # rests (the app waits for a pause in the conversation: EchoOptions).
        ec = EchoCanceller(rate, rate, EchoOptions(idle_bypass=rest, rest_after_s=0.5))
        outs[rest] = _run(ec, far, mic, rate, rate)
        assert (ec.bypassed_frames > 0) is rest and (ec.resumes == 2) is rest
    rested, running = outs[True], outs[False]
    talk = slice(int(3.8 * rate), int(5.5 * rate))  # the user alone, module resting
    assert abs(_energy_db(rested[talk]) - _energy_db(running[talk])) < 1.0
    # No step: the largest sample-to-sample change is the voice's own.
    for t in (3.5, 6.0):  # the suspend after the first answer's tail, the second resume
        around = slice(int((t - 0.05) * rate), int((t + 0.05) * rate))
        assert (
            np.abs(np.diff(rested[around])).max() <= np.abs(np.diff(running[around])).max() + 0.02
        )
    second = slice(int(6.5 * rate), int(8.0 * rate))  # the second answer's echo alone
    # Running all along leaves ~-120 dBFS here; resting, ~-95: both inaudible.
    assert _energy_db(rested[second]) < _energy_db(echo[second]) - 50.0


def test_the_module_keeps_running_through_turn_taking_and_rests_in_a_pause() -> None:
    """With idle_bypass the canceller rests only once the far end has been silent for
    ``rest_after_s`` (a pause in the conversation), not in the gaps between turns."""
    rate = 16000
    answer = _speech(FAR, rate, 1.0)
    far = np.zeros(16 * rate, np.float32)
    far[0:rate] = answer
    far[4 * rate : 5 * rate] = answer  # 3 s later: the user's turn in between
    far[15 * rate : 16 * rate] = answer  # after a 10 s pause
    ec = EchoCanceller(rate, rate, EchoOptions(idle_bypass=True))
    _run(ec, far, _echo(far, rate, 30.0), rate, rate)
    # Woken for the first answer (it starts at rest) and after the pause; not for the
    # second answer, 3 s after the first.
    assert ec.resumes == 2
    assert ec.bypassed_frames > 0


def _lag(a: np.ndarray, b: np.ndarray, most: int) -> int:
    """The shift (samples, |shift| <= most) at which ``b`` best matches ``a``."""
    scores = [
        float(np.dot(a[most:-most], b[most + d : b.shape[0] - most + d]))
        for d in range(-most, most + 1)
    ]
    return int(np.argmax(scores)) - most


@pytest.mark.parametrize("rate", [8000, 16000, 32000, 48000])
def test_resting_keeps_the_voice_on_the_module_s_timeline(rate: int) -> None:
    """The module hands back each frame a little late (AEC3 works in blocks: 8 ms at
    16 kHz); the resting path delays the voice by as much, so a switch neither repeats
    nor skips a piece of what the user says (the words stay whole for the model)."""
    far = np.zeros(8 * rate, np.float32)
    far[1 * rate : 2 * rate] = _speech(FAR, rate, 1.0)
    far[5 * rate : 6 * rate] = _speech(FAR, rate, 1.0)
    # The near end: noise (one clear lag, where a voice's pitch makes several), no echo.
    near = np.random.default_rng(3).standard_normal(far.shape[0]).astype(np.float32) * 0.03
    delay = module_delay(rate)
    most = rate // 40  # 25 ms either way
    for rest in (True, False):
        ec = EchoCanceller(rate, rate, EchoOptions(idle_bypass=rest, rest_after_s=0.5))
        out = _run(ec, far, near, rate, rate)
        assert (ec.resumes == 2) is rest
        lags = set()
        for k in range(3, 78):  # 100 ms windows, the far end silent (resting, or its tail)
            at = slice(k * rate // 10, (k + 1) * rate // 10)
            if np.any(far[at.start - rate // 5 : at.stop]):
                continue
            window = slice(at.start - most, at.stop + most)
            lags.add(_lag(near[window], out[window], most))
        # Within a sample at 8/16 kHz; at 32/48 kHz the module splits bands (not quite
        # a pure delay: its best lag moves by a few samples).
        assert all(abs(lag - delay) <= rate // 8000 for lag in lags), f"{rest}: {lags} late"
