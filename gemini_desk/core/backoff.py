"""Exponential backoff with jitter and a cap, for reconnecting after failures."""

from __future__ import annotations

import random
from collections.abc import Callable


class Backoff:
    """Delays that double after each failure, up to ``cap``, each with random jitter.

    The n-th delay (from 0) is drawn uniformly from ``[d * (1 - jitter), d]`` where
    ``d = min(cap, base * factor**n)``: clients that failed together do not all come
    back at the same instant, and no delay ever exceeds ``cap``. ``reset()`` after a
    success starts again from ``base``.
    """

    def __init__(
        self,
        base: float = 0.25,
        factor: float = 2.0,
        cap: float = 30.0,
        jitter: float = 0.5,
        rng: Callable[[], float] = random.random,
    ) -> None:
        if base <= 0 or factor < 1 or cap < base or not 0 <= jitter <= 1:
            raise ValueError("need base > 0, factor >= 1, cap >= base and 0 <= jitter <= 1")
        self.base = base
        self.factor = factor
        self.cap = cap
        self.jitter = jitter
        self._rng = rng
        self.attempts = 0

    def ceiling(self) -> float:
        """The largest delay the next call to :meth:`next_delay` can return."""
        return min(self.cap, self.base * self.factor ** min(self.attempts, 64))

    def next_delay(self, at_least: float = 0.0) -> float:
        """The delay before the next attempt (never below ``at_least``, e.g. a quota wait)."""
        ceiling = self.ceiling()
        self.attempts += 1
        delay = ceiling * (1.0 - self.jitter * self._rng())
        return max(at_least, delay)

    def reset(self) -> None:
        self.attempts = 0
