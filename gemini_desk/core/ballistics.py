"""Display ballistics for level meters (pure Python: the window imports it before numpy)."""

from __future__ import annotations

__all__ = ["Ballistics"]

FLOOR_DB = -90.0  # the same floor as core.level_meter's


class Ballistics:
    """Smooths a dB reading for display: rises at most ``attack_db_per_s``, falls at most
    ``release_db_per_s``. Optional peak hold: ``held_db`` stays at the highest value for
    ``hold_s`` seconds, then falls at the release rate.
    """

    def __init__(
        self,
        attack_db_per_s: float,
        release_db_per_s: float,
        *,
        hold_s: float = 0.0,
        floor_db: float = FLOOR_DB,
    ) -> None:
        if attack_db_per_s <= 0 or release_db_per_s <= 0:
            raise ValueError("attack and release rates must be positive")
        self.attack_db_per_s = attack_db_per_s
        self.release_db_per_s = release_db_per_s
        self.hold_s = hold_s
        self.floor_db = floor_db
        self._db = floor_db
        self._held_db = floor_db
        self._hold_left = 0.0

    @property
    def db(self) -> float:
        return self._db

    @property
    def held_db(self) -> float:
        return self._held_db

    def reset(self) -> None:
        self._db = self._held_db = self.floor_db
        self._hold_left = 0.0

    def step(self, target_db: float, dt: float) -> float:
        """Advance by ``dt`` seconds towards ``target_db``; return the displayed dB."""
        target = max(target_db, self.floor_db)
        dt = max(dt, 0.0)
        if target > self._db:
            self._db = min(target, self._db + self.attack_db_per_s * dt)
        else:
            self._db = max(target, self._db - self.release_db_per_s * dt)
        if self._db >= self._held_db:
            self._held_db = self._db
            self._hold_left = self.hold_s
        elif self._hold_left > 0.0:
            self._hold_left -= dt
        else:
            self._held_db = max(self._db, self._held_db - self.release_db_per_s * dt)
        return self._db
