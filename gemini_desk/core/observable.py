"""A value that tells its observers when it changes (pure: no Qt, no threads)."""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["Observable", "Observer", "Unsubscribe"]

T = TypeVar("T")
Observer = Callable[[T, T], None]  # called with (old, new)
Unsubscribe = Callable[[], None]


class Observable(Generic[T]):
    """Holds one value; :meth:`set` tells every observer ``(old, new)`` when it changes.

    Setting an equal value tells nobody. A change made by an observer while others are
    still being told waits until they have been, so every observer sees every change,
    in order. Runs on one thread (the event loop's).
    """

    def __init__(self, value: T) -> None:
        self._value = value
        self._observers: list[Observer[T]] = []
        self._pending: deque[tuple[T, T]] = deque()
        self._notifying = False

    @property
    def value(self) -> T:
        return self._value

    def set(self, value: T) -> bool:
        """Make ``value`` current; True if it differed (and the observers were told)."""
        if value == self._value:
            return False
        old, self._value = self._value, value
        self._pending.append((old, value))
        if not self._notifying:
            self._notify()
        return True

    def subscribe(self, observer: Observer[T], *, now: bool = False) -> Unsubscribe:
        """Call ``observer(old, new)`` on every change (and once at once with
        ``(value, value)`` if ``now``); returns the function that stops it."""
        self._observers.append(observer)
        if now:
            observer(self._value, self._value)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._observers.remove(observer)

        return unsubscribe

    def _notify(self) -> None:
        self._notifying = True
        try:
            while self._pending:
                old, new = self._pending.popleft()
                for observer in list(self._observers):
                    observer(old, new)
        finally:
            self._notifying = False
            self._pending.clear()  # an observer raised: later changes are not replayed

    def __repr__(self) -> str:
        return f"Observable({self._value!r})"
