"""Sound cues mixed into the speaker's output blocks, beside (not inside) the answer."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from gemini_desk.core.cues import Cue, cue_tone

__all__ = ["CueMixer"]


class CueMixer:
    """Adds a short cue to the blocks the speaker emits, on top of whatever the answer
    plays there (usually silence), so the cue takes the answer's output path: the
    echo canceller's far-end reference records it with the rest, and a barge-in's
    ``clear()`` of the answer does not cut it.

    ``play(cue)`` is called on the loop thread (the single producer; the tone for the
    stream's rate is made there once and kept); ``mix_into(out)`` on the output thread
    (the single consumer), once per block: it allocates nothing. A new cue replaces
    one still playing.
    """

    def __init__(self) -> None:
        self._rate = 0
        self._tones: dict[Cue, npt.NDArray[np.float32]] = {}
        # Producer side: the cue asked for and how many were asked for.
        self._next: npt.NDArray[np.float32] | None = None
        self._asked = 0
        # Consumer side.
        self._taken = 0
        self._playing: npt.NDArray[np.float32] | None = None
        self._pos = 0
        self.played = 0  # cues begun on the output thread (a liveness figure for tests)

    def play(self, cue: Cue, rate: int) -> None:
        """Start ``cue`` at the next block of a stream at ``rate`` Hz."""
        if rate != self._rate:
            self._tones.clear()
            self._rate = rate
        tone = self._tones.get(cue)
        if tone is None:
            tone = self._tones[cue] = cue_tone(cue, rate)
        self._next = tone
        self._asked += 1  # after _next: the consumer reads them in the other order

    @property
    def busy(self) -> bool:
        """A cue is asked for or still playing."""
        return self._asked != self._taken or self._playing is not None

    def mix_into(self, out: npt.NDArray[np.float32]) -> None:
        """Output thread: add the playing cue's next samples to ``out``."""
        asked = self._asked
        if asked != self._taken:
            self._taken = asked
            self._playing = self._next
            self._pos = 0
            self.played += 1
        tone = self._playing
        if tone is None:
            return
        pos = self._pos
        n = min(out.shape[0], tone.shape[0] - pos)
        out[:n] += tone[pos : pos + n]
        pos += n
        if pos >= tone.shape[0]:
            self._playing = None
        self._pos = pos

    def reset(self) -> None:
        """The stream stopped: forget a cue in flight (call with no consumer)."""
        self._taken = self._asked
        self._playing = None
        self._pos = 0
