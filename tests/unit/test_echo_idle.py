"""EchoIdle: when the echo canceller may rest, on literal far-end stretches and times."""

from __future__ import annotations

import numpy as np
import pytest

from gemini_desk.audio.echo_idle import EchoIdle, NearBypass, Step


def _steps(idle: EchoIdle, times: list[float]) -> list[str]:
    return [idle.near(t).value for t in times]


def test_rests_until_a_loud_far_end_is_due_then_runs_until_its_tail_has_passed() -> None:
    idle = EchoIdle(tail_s=0.5, lead_s=0.02)
    assert _steps(idle, [0.0, 0.01]) == ["bypass", "bypass"]
    idle.far(1.0, 1.5, loud=False)  # idle silence queued: still resting
    assert _steps(idle, [0.97]) == ["bypass"]
    idle.far(1.0, 2.0, loud=True)  # an answer, heard 1.0 .. 2.0
    assert _steps(idle, [0.97, 0.98, 0.99, 1.5, 2.5]) == [
        "bypass",
        "resume",  # 0.98 + lead 0.02: the first loud frame is due to the module
        "full",
        "full",
        "full",  # the echo's tail: 0.5 s after the last loud sample
    ]
    assert _steps(idle, [2.51, 2.52]) == ["suspend", "bypass"]


def test_a_pause_shorter_than_the_tail_keeps_it_running() -> None:
    idle = EchoIdle(tail_s=0.5, lead_s=0.02)
    idle.far(1.0, 2.0, loud=True)
    idle.far(2.3, 3.0, loud=True)  # the next sentence 0.3 s later
    assert _steps(idle, [0.99, 2.2, 2.6, 3.5, 3.51]) == [
        "resume",
        "full",
        "full",
        "full",
        "suspend",
    ]


def test_a_new_answer_after_the_tail_starts_a_new_stretch() -> None:
    idle = EchoIdle(tail_s=0.5, lead_s=0.02)
    idle.far(1.0, 2.0, loud=True)
    assert _steps(idle, [1.0, 2.6]) == ["resume", "suspend"]
    idle.far(5.0, 6.0, loud=True)
    assert _steps(idle, [4.0, 4.97, 4.98]) == ["bypass", "bypass", "resume"]


def test_a_rewrite_moves_the_start_back() -> None:
    idle = EchoIdle(tail_s=0.5, lead_s=0.02)
    idle.far(1.06, 1.08, loud=True)
    idle.far(1.03, 1.1, loud=True)  # the answer's start rewritten earlier
    assert _steps(idle, [1.0, 1.01]) == ["bypass", "resume"]


def test_disabled_always_runs_and_reset_forgets() -> None:
    assert _steps(EchoIdle(enabled=False), [0.0, 9.0]) == ["full", "full"]
    idle = EchoIdle(tail_s=0.5, lead_s=0.02)
    idle.far(1.0, 2.0, loud=True)
    assert idle.near(1.0) is Step.RESUME
    idle.reset()
    assert _steps(idle, [1.1, 1.2]) == ["suspend", "bypass"]


def test_bypass_removes_dc_and_cross_fades_without_a_step() -> None:
    bp = NearBypass(4, warm_frames=2, dc_alpha=0.5)
    out = np.zeros(4, np.float32)
    bp.pass_through(np.full(4, 0.2, np.float32), out)
    assert np.allclose(out, 0.2) and bp.dc == pytest.approx(0.1)  # DC learnt after
    bp.pass_through(np.full(4, 0.2, np.float32), out)
    assert np.allclose(out, 0.1)
    bp.pass_through(np.full(4, 0.3, np.float32), out)
    assert [float(f[0]) for f in bp.warm_frames()] == pytest.approx(
        [0.2, 0.3]
    )  # the last two, oldest first
    assert bp.warm_frames() == []
    into = np.ones(4, np.float32)
    bp.cross_fade(into, np.zeros(4, np.float32), rising=True)
    assert np.allclose(into, [0.125, 0.375, 0.625, 0.875])
    into = np.ones(4, np.float32)
    bp.cross_fade(into, np.zeros(4, np.float32), rising=False)
    assert np.allclose(into, [0.875, 0.625, 0.375, 0.125])


def test_bypass_is_as_late_as_the_module_on_every_path() -> None:
    """The delay line runs through pass_through, strip and track alike, so switching
    paths neither repeats nor skips samples (dc_alpha 0: no DC to learn here)."""
    bp = NearBypass(4, dc_alpha=0.0, delay=6)
    out = np.zeros(4, np.float32)
    got = []
    for k, step in enumerate(["pass", "strip", "track", "pass", "strip"]):
        frame = np.arange(4 * k + 1, 4 * k + 5, dtype=np.float32)
        if step == "track":
            bp.track(frame)
            got.append([np.nan] * 4)
            continue
        (bp.pass_through if step == "pass" else bp.strip)(frame, out)
        got.append(out.tolist())
    assert got[0] == [0, 0, 0, 0] and got[1] == [0, 0, 1, 2]
    assert got[3] == [7, 8, 9, 10] and got[4] == [11, 12, 13, 14]
