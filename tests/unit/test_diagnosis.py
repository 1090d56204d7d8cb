"""Diagnostics' verdicts from literal figures (core/diagnosis.py, core/audio_check.py)."""

from __future__ import annotations

import numpy as np
import pytest

from gemini_desk.core.audio_check import chime_pcm, countdown, recording_figures
from gemini_desk.core.diagnosis import (
    Finding,
    MicFigures,
    MicWatch,
    Severity,
    judge_echo,
    judge_mic,
    judge_speaker,
    judge_speaker_test,
    worst,
)
from gemini_desk.core.messages import MessageId as M
from gemini_desk.core.messages import message

OK, INFO, WARN, BAD = Severity.OK, Severity.INFO, Severity.WARNING, Severity.PROBLEM


def said(f: Finding) -> tuple[Severity, M, tuple[object, ...]]:
    return f.severity, f.message.id, f.message.args


# -- the live microphone ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        (None, (INFO, M.DIAG_MIC_NOT_OPEN, ())),
        (MicFigures(2.0, -20.0, -60.0, 0.0), (INFO, M.DIAG_MIC_LISTENING, ())),
        (MicFigures(5.0, -85.0, -90.0, 0.0), (BAD, M.DIAG_MIC_SILENT, ())),
        (MicFigures(5.0, -1.0, -55.0, 0.1), (WARN, M.DIAG_MIC_CLIPPING, ())),
        (MicFigures(5.0, -20.0, -38.4, 0.0), (WARN, M.DIAG_MIC_NOISY, (-38,))),
        (MicFigures(5.0, -20.0, -62.6, 0.01), (OK, M.DIAG_MIC_WORKS, (-63,))),
        # A quiet room alone is no fault while nobody speaks: the live mic is not "quiet".
        (MicFigures(5.0, -55.0, -62.0, 0.0), (OK, M.DIAG_MIC_WORKS, (-62,))),
    ],
)
def test_live_microphone(figures: MicFigures | None, expected: tuple[object, ...]) -> None:
    assert said(judge_mic(figures)) == expected


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        (MicFigures(3.0, -80.0, -90.0, 0.0), (BAD, M.DIAG_MIC_TEST_HEARD_NOTHING, ())),
        (MicFigures(3.0, -48.2, -70.0, 0.0), (WARN, M.DIAG_MIC_QUIET, (-48,))),
        (MicFigures(3.0, 0.0, -50.0, 0.3), (WARN, M.DIAG_MIC_CLIPPING, ())),
        (MicFigures(3.0, -12.0, -30.0, 0.0), (WARN, M.DIAG_MIC_NOISY, (-30,))),
        (MicFigures(3.0, -12.0, -65.0, 0.0), (OK, M.DIAG_MIC_TEST_WORKS, ())),
        # Short is fine for a recording (the test decides its length).
        (MicFigures(1.0, -12.0, -65.0, 0.0), (OK, M.DIAG_MIC_TEST_WORKS, ())),
    ],
)
def test_microphone_test(figures: MicFigures, expected: tuple[object, ...]) -> None:
    assert said(judge_mic(figures, recorded=True)) == expected


def test_mic_watch_keeps_a_window_of_readings() -> None:
    watch = MicWatch(window_s=10.0)
    assert watch.figures() is None
    for k in range(100):  # 10 s at 10 readings a second: quiet room, one loud moment
        watch.add(k * 0.1, -20.0 if k == 50 else -60.0 - (k % 10), k == 50)
    f = watch.figures()
    assert f is not None
    assert f.seconds == pytest.approx(9.9)
    assert f.loudest_db == -20.0 and f.floor_db == -68.0  # the 10th percentile
    assert f.clipped_share == pytest.approx(0.01)
    watch.add(20.0, -30.0, False)  # 10 s later: everything before 10.0 is gone
    f = watch.figures()
    assert f is not None and f.seconds == 0.0 and f.loudest_db == -30.0
    watch.clear()
    assert watch.figures() is None


# -- the speaker ------------------------------------------------------------------------


def test_speaker() -> None:
    assert said(judge_speaker(open=False)) == (INFO, M.DIAG_SPEAKER_NOT_OPEN, ())
    assert said(judge_speaker(open=True)) == (OK, M.DIAG_SPEAKER_WORKS, ())
    assert said(judge_speaker(open=True, underruns=3)) == (WARN, M.DIAG_SPEAKER_GAPS, (3,))
    assert said(judge_speaker(open=False, lost=True)) == (BAD, M.DIAG_SPEAKER_LOST, ())
    assert said(judge_speaker_test(True)) == (OK, M.DIAG_SPEAKER_HEARD, ())
    assert said(judge_speaker_test(False)) == (BAD, M.DIAG_SPEAKER_NOT_HEARD, ())


# -- echo cancellation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"enabled": None, "reduction_db": None}, (INFO, M.DIAG_ECHO_NOT_RUNNING, ())),
        ({"enabled": False, "reduction_db": None}, (INFO, M.DIAG_ECHO_OFF, ())),
        ({"enabled": True, "reduction_db": None}, (INFO, M.DIAG_ECHO_WAITING, ())),
        (
            {"enabled": True, "far_frames": 120, "heard_frames": 0, "reduction_db": None},
            (INFO, M.DIAG_ECHO_WAITING, ()),
        ),
        (
            {"enabled": True, "far_frames": 300, "heard_frames": 0, "reduction_db": None},
            (OK, M.DIAG_ECHO_NONE_HEARD, ()),
        ),
        ({"enabled": True, "reduction_db": 38.4}, (OK, M.DIAG_ECHO_REMOVING, (38,))),
        ({"enabled": True, "reduction_db": 25.0}, (OK, M.DIAG_ECHO_REMOVING, (25,))),
        ({"enabled": True, "reduction_db": 12.6}, (WARN, M.DIAG_ECHO_WEAK, (13,))),
    ],
)
def test_echo(kwargs: dict[str, object], expected: tuple[object, ...]) -> None:
    assert said(judge_echo(**kwargs)) == expected  # type: ignore[arg-type]


def test_worst_takes_the_most_serious_first() -> None:
    a = Finding(OK, message(M.DIAG_SPEAKER_WORKS))
    b = Finding(WARN, message(M.DIAG_MIC_CLIPPING))
    c = Finding(WARN, message(M.DIAG_ECHO_WEAK, 10))
    assert worst(a, b, c) is b and worst(a) is a


# -- a recording's figures, the chime, the countdown ------------------------------------


def test_recording_figures_of_literal_signals() -> None:
    rate = 16000
    silence = np.zeros(3 * rate, np.float32)
    f = recording_figures(silence, rate)
    assert f.seconds == 3.0 and f.loudest_db == -90.0 and f.clipped_share == 0.0
    assert judge_mic(f, recorded=True).message.id is M.DIAG_MIC_TEST_HEARD_NOTHING
    # One second of a -9 dBFS RMS tone in three: loud part and silent background.
    x = silence.copy()
    t = np.arange(rate) / rate
    x[rate : 2 * rate] = 0.5 * np.sqrt(2) * np.sin(2 * np.pi * 500 * t) * 10 ** (-9 / 20) / 0.5
    f = recording_figures(x, rate)
    assert f.loudest_db == pytest.approx(-9.0, abs=0.1) and f.floor_db == -90.0
    assert judge_mic(f, recorded=True).message.id is M.DIAG_MIC_TEST_WORKS
    # Full scale square wave: every frame clips.
    f = recording_figures(np.sign(np.sin(2 * np.pi * 100 * t)).astype(np.float32), rate)
    assert f.clipped_share > 0.9
    assert recording_figures(np.zeros(10, np.float32), rate).seconds == 0.0


def test_chime_is_soft_and_faded() -> None:
    pcm = np.frombuffer(chime_pcm(24000), "<i2").astype(np.float64) / 32768.0
    assert pcm.shape[0] == int(24000 * 1.2)
    rms_db = 10 * np.log10(np.mean(pcm[3000:-3000] ** 2))
    assert rms_db == pytest.approx(-18.0, abs=0.5)
    assert abs(pcm[0]) < 1e-3 and abs(pcm[-1]) < 1e-3  # no click at either end


def test_countdown() -> None:
    assert [countdown(s) for s in (0.0, 0.5, 1.0, 1.01, 2.5, 3.0, 4.0)] == [3, 3, 2, 2, 1, 0, 0]


def test_a_muted_microphone() -> None:
    silent = MicFigures(5.0, -90.0, -90.0, 0.0)
    assert said(judge_mic(silent, muted=True)) == (INFO, M.DIAG_MIC_MUTED, ())
    assert said(judge_mic(None, muted=True)) == (INFO, M.DIAG_MIC_MUTED, ())
