"""How many microphone chunks go in one wake-up and one send: more while the room is quiet.

Sans-I/O: ``MicBatcher.block(level_db, now)`` is told each captured block's level (on
the PortAudio thread, no allocation) and answers how many chunks the capture pump should
wait for before waking the loop; ``batch`` is how many chunks it then sends as one.
"""

from __future__ import annotations

__all__ = ["MicBatcher"]


class MicBatcher:
    """Chunks one at a time while there is sound; ``quiet_batch`` at a time once every
    block has been below ``onset_db`` for ``quiet_after_s`` (Google's guidance is 20-40
    ms chunks; 2 x 20 ms halves the loop's wake-ups and the sends of a silent room).
    After ``still_after_s`` of quiet the loop is woken once per ``still_wake`` chunks
    (still sent ``quiet_batch`` at a time; hands-free the stream is paused by then:
    core/quiet_pause.py). A louder block goes back to single chunks at once, so what is
    pending is sent on the wake-up it causes: speech starts no later than before.
    ``batch`` (chunks per send) is 1 until the first quiet stretch (``quiet_batch`` 1:
    never batch); ``wake`` is chunks per wake-up."""

    def __init__(
        self,
        quiet_after_s: float = 2.0,
        onset_db: float = -50.0,
        quiet_batch: int = 2,
        still_after_s: float = 5.0,
        still_wake: int = 5,
    ) -> None:
        self.quiet_after_s = quiet_after_s
        self.onset_db = onset_db
        self.quiet_batch = max(1, quiet_batch)
        self.still_after_s = still_after_s
        self.still_wake = max(self.quiet_batch, still_wake)
        self.batch = 1
        self.wake = 1
        self._loud_at: float | None = None  # when a block was last at or above onset_db

    def block(self, level_db: float, now: float) -> int:
        """One captured block: returns ``wake`` (chunks per wake-up from now on)."""
        if self._loud_at is None:  # the first block: quiet is counted from here
            self._loud_at = now
        if level_db >= self.onset_db:
            self._loud_at = now
            self.batch = self.wake = 1
        elif now - self._loud_at >= self.still_after_s:
            self.batch, self.wake = self.quiet_batch, self.still_wake
        elif now - self._loud_at >= self.quiet_after_s:
            self.batch = self.wake = self.quiet_batch
        return self.wake

    def reset(self) -> None:
        """The stream (re)starts or is unmuted: single chunks until it has been quiet."""
        self.batch = self.wake = 1
        self._loud_at = None
