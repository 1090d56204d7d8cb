"""Keeps the status element (the window's, and mini mode's) showing the desk's status."""

from __future__ import annotations

from collections.abc import Callable

from gemini_desk.core.desk_state import DeskState
from gemini_desk.core.observable import Observable
from gemini_desk.core.status import Status, StatusInputs, status_of

__all__ = ["StatusWiring"]


class StatusWiring:
    """Observes the desk's state and publishes one :class:`Status` (:attr:`status`).

    Nothing polls: each change of the session, talk state, mute, sharing or the
    awaited answer recomputes the status; views subscribe to :attr:`status`.
    """

    def __init__(self, state: DeskState) -> None:
        self._state = state
        self.status: Observable[Status] = Observable(self.compute())
        self._unsubscribe = [
            state.session.subscribe(self._changed),
            state.talk.subscribe(self._changed),
            state.muted.subscribe(self._changed),
            state.sharing.subscribe(self._changed),
            state.thinking.subscribe(self._changed),
        ]

    def compute(self) -> Status:
        s = self._state
        return status_of(
            StatusInputs(
                session=s.session.value.state,
                talk=s.talk.value,
                muted=s.muted.value,
                sharing=s.sharing.value is not None,
                thinking=s.thinking.value,
            )
        )

    def follow(self, show: Callable[[Status], None]) -> Callable[[], None]:
        """Call ``show`` with the status now and on every change; returns unsubscribe."""
        return self.status.subscribe(lambda _old, new: show(new), now=True)

    def stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()

    def _changed(self, _old: object, _new: object) -> None:
        self.status.set(self.compute())
