"""The loop-lag probe runs only while Audio diagnostics is open or a turn is live."""

from __future__ import annotations

import asyncio

import pytest

from gemini_desk.core.desk_state import DeskState, TalkState
from gemini_desk.core.loop_lag import LoopLag, probe_wanted
from gemini_desk.core.observable import Observable
from gemini_desk.desktop.loop_probe_wiring import follow_turns
from gemini_desk.platform.loop_probe import LoopProbe


@pytest.mark.parametrize(
    ("talk", "thinking", "diagnostics", "wanted"),
    [
        (TalkState.HANDS_FREE, False, False, False),  # connected, silent: no probe
        (TalkState.IDLE, False, False, False),
        (TalkState.OFFLINE, False, False, False),
        (TalkState.MUTED, False, False, False),
        (TalkState.LISTENING, False, False, True),  # the talk key is held
        (TalkState.SPEAKING, False, False, True),  # the answer plays
        (TalkState.HANDS_FREE, True, False, True),  # an answer is awaited
        (TalkState.OFFLINE, False, True, True),  # the dialog shows the lag
        (TalkState.HANDS_FREE, False, True, True),
    ],
)
def test_probe_wanted(talk: TalkState, thinking: bool, diagnostics: bool, wanted: bool) -> None:
    assert probe_wanted(talk, thinking, diagnostics) is wanted


async def _until(cond: object, timeout: float = 2.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not cond():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "condition not met in time"
        await asyncio.sleep(0.005)


def test_probe_follows_turns_and_the_dialog() -> None:
    lag = LoopLag()
    state = DeskState()
    dialog = Observable(False)

    async def main() -> None:
        probe = LoopProbe(lag, interval=0.005)
        stop = follow_turns(probe, state, dialog)
        state.talk.set(TalkState.HANDS_FREE)
        assert not probe.running
        await asyncio.sleep(0.05)
        assert lag.total == 0  # nothing measured while idle

        state.talk.set(TalkState.SPEAKING)
        assert probe.running
        await _until(lambda: lag.total >= 3)
        state.talk.set(TalkState.HANDS_FREE)
        assert not probe.running
        await asyncio.sleep(0)  # the cancelled task ends
        seen = lag.total
        await asyncio.sleep(0.05)
        assert lag.total == seen  # stopped: no more wake-ups recorded

        state.thinking.set(True)
        assert probe.running
        state.thinking.set(False)
        dialog.set(True)
        assert probe.running
        await _until(lambda: lag.total > seen)
        stop()
        assert not probe.running
        dialog.set(False)
        state.talk.set(TalkState.SPEAKING)  # no longer followed
        assert not probe.running

    asyncio.run(main())


def test_wanting_twice_keeps_one_task() -> None:
    async def main() -> None:
        probe = LoopProbe(LoopLag(), interval=0.01)
        probe.want(True)
        first = probe._task
        probe.want(True)
        assert probe._task is first
        probe.want(False)
        probe.want(False)
        assert not probe.running
        await asyncio.sleep(0)
        assert first is not None and first.cancelled()

    asyncio.run(main())
