"""Runs the loop-lag probe while Audio diagnostics is open or a turn is live."""

from __future__ import annotations

from collections.abc import Callable

from gemini_desk.core.desk_state import DeskState
from gemini_desk.core.loop_lag import probe_wanted
from gemini_desk.core.observable import Observable
from gemini_desk.platform.loop_probe import LoopProbe

__all__ = ["follow_turns"]


def follow_turns(
    probe: LoopProbe, state: DeskState, diagnostics_open: Observable[bool]
) -> Callable[[], None]:
    """Start or stop ``probe`` on each change of the talk state, the awaited answer or
    the dialog; returns a function that stops following (and the probe)."""

    def update(_old: object = None, _new: object = None) -> None:
        probe.want(probe_wanted(state.talk.value, state.thinking.value, diagnostics_open.value))

    unsubscribe = [
        state.talk.subscribe(update),
        state.thinking.subscribe(update),
        diagnostics_open.subscribe(update),
    ]
    update()

    def stop() -> None:
        for off in unsubscribe:
            off()
        probe.want(False)

    return stop
