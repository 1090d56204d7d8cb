"""Drives the "thinking" tracker on the loop: one timer at its deadline, no polling."""

from __future__ import annotations

import asyncio

from gemini_desk.core.observable import Observable
from gemini_desk.core.status import ThinkingTracker

__all__ = ["ThinkingWatch"]


class ThinkingWatch:
    """:attr:`thinking` is True while an answer is awaited (see ThinkingTracker)."""

    def __init__(self, tracker: ThinkingTracker | None = None) -> None:
        self.tracker = tracker if tracker is not None else ThinkingTracker()
        self.thinking: Observable[bool] = Observable(False)
        self._timer: asyncio.TimerHandle | None = None

    def turn_ended(self) -> None:
        self._publish(self.tracker.turn_ended(_now()))

    def user_speaking(self) -> None:
        self._publish(self.tracker.user_speaking())

    def answer_started(self) -> None:
        if self.tracker.thinking:
            self._publish(self.tracker.answer_started())

    def answer_ended(self) -> None:
        self._publish(self.tracker.answer_ended())

    def reset(self) -> None:
        self._publish(self.tracker.reset())

    def _publish(self, thinking: bool) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        deadline = self.tracker.deadline
        if deadline is not None:
            self._timer = asyncio.get_running_loop().call_at(deadline, self._on_timer)
        self.thinking.set(thinking)

    def _on_timer(self) -> None:
        self._timer = None
        self._publish(self.tracker.tick(_now()))


def _now() -> float:
    return asyncio.get_running_loop().time()
