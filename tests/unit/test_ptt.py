"""The push-to-talk state machine: every transition, and no way to stay stuck talking."""

from __future__ import annotations

import itertools
import random

import pytest

from gemini_desk.core.preroll import PreRoll
from gemini_desk.core.ptt import (
    EndReason,
    KeySource,
    PttMode,
    PttOutput,
    PushToTalk,
    Refusal,
)

G, W, B, C = KeySource.GLOBAL, KeySource.WINDOW, KeySource.BUTTON, KeySource.COMMAND
START = PttOutput(start=True)
NOTHING = PttOutput()


def end(reason: EndReason) -> PttOutput:
    return PttOutput(end=reason)


def ready(mode: PttMode = PttMode.HOLD, max_hold_s: float = 10.0) -> PushToTalk:
    ptt = PushToTalk(mode, max_hold_s)
    assert ptt.set_connected(True) == NOTHING
    return ptt


# --- hold mode ------------------------------------------------------------------------
def test_hold_press_starts_release_ends() -> None:
    ptt = ready()
    assert ptt.press(G, 0.0) == START and ptt.talking
    assert ptt.deadline == 10.0
    assert ptt.release(G, 1.0) == end(EndReason.RELEASED)
    assert not ptt.talking and ptt.deadline is None


def test_hold_key_repeat_is_ignored() -> None:
    ptt = ready()
    assert ptt.press(G, 0.0) == START
    assert [ptt.press(G, t / 10) for t in range(1, 5)] == [NOTHING] * 4
    assert ptt.release(G, 1.0) == end(EndReason.RELEASED)


def test_hold_two_sources_end_when_the_last_lets_go() -> None:
    ptt = ready()
    assert ptt.press(G, 0.0) == START
    assert ptt.press(B, 0.1) == NOTHING
    assert ptt.release(G, 0.2) == NOTHING and ptt.talking
    assert ptt.release(B, 0.3) == end(EndReason.RELEASED)


def test_release_without_press_does_nothing() -> None:
    ptt = ready()
    assert ptt.release(G, 0.0) == NOTHING
    assert ptt.release(W, 0.0) == NOTHING
    assert not ptt.talking


def test_max_hold_ends_and_the_held_key_cannot_restart_until_released() -> None:
    ptt = ready(max_hold_s=5.0)
    assert ptt.press(G, 100.0) == START
    assert ptt.tick(104.9) == NOTHING and ptt.talking
    assert ptt.tick(105.0) == end(EndReason.MAX_HOLD)
    assert ptt.tick(200.0) == NOTHING
    assert ptt.press(G, 105.1) == NOTHING, "auto-repeat of the stuck key must not restart"
    assert ptt.key_down(G)
    assert ptt.release(G, 106.0) == NOTHING, "already ended: no second activityEnd"
    assert ptt.press(G, 107.0) == START, "a fresh press works again"


def test_listener_loss_ends_a_global_hold() -> None:
    ptt = ready()
    ptt.press(G, 0.0)
    assert ptt.listener_lost() == end(EndReason.LISTENER_LOST)
    assert not ptt.key_down(G)
    assert ptt.press(G, 1.0) == START, "a restarted listener's first press is a new edge"


def test_listener_loss_while_idle_is_harmless() -> None:
    ptt = ready()
    assert ptt.listener_lost() == NOTHING and not ptt.talking


def test_listener_loss_ends_even_when_another_source_started_it() -> None:
    ptt = ready(PttMode.TOGGLE)
    ptt.press(G, 0.0)
    ptt.release(G, 0.1)
    assert ptt.listener_lost() == end(EndReason.LISTENER_LOST)


def test_focus_loss_ends_a_window_key_hold_only() -> None:
    ptt = ready()
    ptt.press(W, 0.0)
    assert ptt.focus_lost() == end(EndReason.FOCUS_LOST)
    ptt.press(G, 1.0)
    assert ptt.focus_lost() == NOTHING and ptt.talking, "the global key works unfocused"
    assert ptt.release(G, 2.0) == end(EndReason.RELEASED)


def test_focus_loss_with_the_button_also_held_keeps_talking() -> None:
    ptt = ready()
    ptt.press(W, 0.0)
    ptt.press(B, 0.1)
    assert ptt.focus_lost() == NOTHING
    assert ptt.release(B, 0.2) == end(EndReason.RELEASED)


def test_disconnect_ends_and_refuses_until_connected() -> None:
    ptt = ready()
    ptt.press(C, 0.0)
    assert ptt.set_connected(False) == end(EndReason.DISCONNECTED)
    assert ptt.release(C, 0.1) == NOTHING
    assert ptt.press(C, 0.2) == PttOutput(refused=Refusal.NOT_CONNECTED)
    assert ptt.press(C, 0.3) == NOTHING, "a refused key stays refused until released"
    ptt.release(C, 0.4)
    ptt.set_connected(True)
    assert ptt.press(C, 0.5) == START


def test_never_connected_refuses() -> None:
    ptt = PushToTalk()
    assert ptt.press(G, 0.0) == PttOutput(refused=Refusal.NOT_CONNECTED)
    assert ptt.toggle(0.0) == PttOutput(refused=Refusal.NOT_CONNECTED)


def test_mute_wins_over_talking() -> None:
    ptt = ready()
    ptt.press(G, 0.0)
    assert ptt.set_muted(True) == end(EndReason.MUTED)
    assert ptt.press(B, 0.1) == PttOutput(refused=Refusal.MUTED)
    assert ptt.toggle(0.2) == PttOutput(refused=Refusal.MUTED)
    ptt.release(G, 0.3)
    ptt.release(B, 0.3)
    assert ptt.set_muted(False) == NOTHING and not ptt.talking, "unmuting never starts talk"
    assert ptt.press(G, 0.4) == START


# --- toggle mode ------------------------------------------------------------------------
def test_toggle_press_starts_next_press_ends_releases_ignored() -> None:
    ptt = ready(PttMode.TOGGLE)
    assert ptt.press(G, 0.0) == START
    assert ptt.release(G, 0.1) == NOTHING and ptt.talking
    assert ptt.press(B, 0.2) == end(EndReason.TOGGLED), "any source toggles off"


def test_toggle_cycle() -> None:
    ptt = ready(PttMode.TOGGLE)
    out = [ptt.press(G, 0.0), ptt.release(G, 0.1), ptt.press(G, 1.0), ptt.release(G, 1.1)]
    assert out == [START, NOTHING, end(EndReason.TOGGLED), NOTHING]
    assert not ptt.talking


def test_toggle_repeat_while_held_does_not_flip() -> None:
    ptt = ready(PttMode.TOGGLE)
    assert ptt.press(G, 0.0) == START
    assert ptt.press(G, 0.05) == NOTHING and ptt.talking


def test_toggle_max_hold_and_focus_loss() -> None:
    ptt = ready(PttMode.TOGGLE, max_hold_s=3.0)
    ptt.press(W, 0.0)
    ptt.release(W, 0.1)
    assert ptt.focus_lost() == NOTHING and ptt.talking, "a latched talk survives focus loss"
    assert ptt.tick(3.0) == end(EndReason.MAX_HOLD)


def test_toggle_command_works_in_hold_mode_and_a_key_release_ends_it() -> None:
    ptt = ready()
    assert ptt.toggle(0.0) == START
    assert ptt.toggle(0.1) == end(EndReason.TOGGLED)
    assert ptt.toggle(0.2) == START
    ptt.press(G, 0.3)
    assert ptt.release(G, 0.4) == end(EndReason.RELEASED)


def test_mode_change_ends_talking() -> None:
    ptt = ready()
    ptt.press(G, 0.0)
    assert ptt.set_mode(PttMode.HOLD) == NOTHING
    assert ptt.set_mode(PttMode.TOGGLE) == end(EndReason.MODE_CHANGED)
    assert ptt.mode is PttMode.TOGGLE
    assert ptt.release(G, 0.1) == NOTHING


def test_bad_max_hold() -> None:
    with pytest.raises(ValueError):
        PushToTalk(max_hold_s=0)


# --- the invariant, over many random input sequences -------------------------------------
def _random_input(ptt: PushToTalk, rng: random.Random, now: float) -> PttOutput:
    source = rng.choice(list(KeySource))
    op = rng.randrange(10)
    if op < 3:
        return ptt.press(source, now)
    if op < 6:
        return ptt.release(source, now)
    return [
        lambda: ptt.toggle(now),
        lambda: ptt.tick(now),
        lambda: rng.choice([ptt.listener_lost, ptt.focus_lost])(),
        lambda: rng.choice(
            [
                lambda: ptt.set_connected(rng.random() < 0.8),
                lambda: ptt.set_muted(rng.random() < 0.2),
                lambda: ptt.set_mode(rng.choice(list(PttMode))),
            ]
        )(),
    ][op - 6]()


@pytest.mark.parametrize("seed", range(20))
def test_starts_and_ends_alternate_and_nothing_outlives_its_deadline(seed: int) -> None:
    rng = random.Random(seed)
    ptt = PushToTalk(rng.choice(list(PttMode)), max_hold_s=2.0)
    open_ = False
    now = 0.0
    for _ in range(2000):
        now += rng.random() * 0.5
        out = _random_input(ptt, rng, now)
        assert not (out.start and out.end), out
        if out.start:
            assert not open_, "activityStart twice without an end"
            assert ptt.connected and not ptt.muted
            open_ = True
        if out.end is not None:
            assert open_, "activityEnd without a start"
            open_ = False
        assert open_ == ptt.talking
        if ptt.talking:
            assert ptt.deadline is not None and ptt.deadline > now - 0.5
            late = ptt.tick(ptt.deadline)
            if late.end is not None:
                open_ = False
    # Whatever happened, releasing everything (or the clock) brings it back to idle.
    finals = [ptt.release(s, now) for s in KeySource] + [ptt.tick(now + 10.0)]
    assert not ptt.talking
    assert sum(o.end is not None for o in finals) == (1 if open_ else 0)


def test_every_source_and_mode_combination_returns_to_idle_on_release() -> None:
    for mode, source in itertools.product(PttMode, KeySource):
        ptt = ready(mode)
        assert ptt.press(source, 0.0) == START
        ptt.release(source, 0.1)
        if mode is PttMode.TOGGLE:
            assert ptt.press(source, 0.2).end is EndReason.TOGGLED
        assert not ptt.talking, (mode, source)


# --- pre-roll ----------------------------------------------------------------------------
def test_preroll_keeps_at_least_the_last_300_ms() -> None:
    pre = PreRoll(ms=300)
    chunks = [bytes([i]) * 640 for i in range(40)]  # 20 ms each
    for c in chunks:
        pre.push(c)
    kept = pre.drain()
    assert kept == chunks[-15:], "15 x 20 ms = 300 ms, oldest first"
    assert pre.drain() == [] and pre.buffered_bytes == 0


def test_preroll_zero_keeps_nothing() -> None:
    pre = PreRoll(ms=0)
    pre.push(b"\0" * 640)
    assert pre.drain() == []


def test_cancel_ends_once() -> None:
    ptt = ready()
    ptt.press(G, 0.0)
    assert ptt.cancel() == end(EndReason.MODE_CHANGED)
    assert ptt.cancel() == NOTHING
    assert ptt.press(G, 0.1) == NOTHING, "the held key is spent"


def test_preroll_drain_takes_the_newest_ms_only() -> None:
    pre = PreRoll(ms=1000)
    chunks = [bytes([i]) * 640 for i in range(60)]
    for c in chunks:
        pre.push(c)
    assert pre.buffered_bytes == 50 * 640
    assert pre.drain(100) == chunks[-5:]
    assert pre.buffered_bytes == 0, "what was not taken is dropped, never sent later"
    pre.push(chunks[0])
    assert pre.drain(300) == [chunks[0]]
