"""What is sent while no connection is ready, and the utterance a new connection hears again.

Pure bookkeeping (no asyncio, no I/O): an item carries the call that sends it to a
connection, so the outbox works for any connection type (``T``), e.g. ``LiveSession``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

T = TypeVar("T")

# Microphone audio kept while no connection is ready: 30 s of 20 ms chunks. Past that
# the oldest goes (and is counted): a very long outage should not replay minutes of room noise.
MAX_BUFFERED_AUDIO = 1500
MAX_BUFFERED_VIDEO = 1  # only the newest frame is worth sending after a gap
BUFFER_LIMITS = {"audio": MAX_BUFFERED_AUDIO, "video": MAX_BUFFERED_VIDEO}
# At most this much of an unanswered utterance is resent to a new connection (15 s).
REPLAY_MAX_CHUNKS = 750
REPLAY_SOUND_DBFS = -50.0  # quieter than this is silence (voice detection starts near -42)
REPLAY_LEAD_IN_CHUNKS = 15  # 300 ms before the first sound, as voice detection expects


@dataclass(frozen=True, slots=True)
class Outgoing(Generic[T]):
    """One send: ``send(connection)`` does it.

    ``kind`` is "audio", "video", "activity" (push-to-talk's activityStart/End) or
    "other" (text, audioStreamEnd); ``audio`` is the chunk of an "audio" item.
    """

    kind: str
    send: Callable[[T], None]
    audio: bytes | None = None

    @property
    def utterance(self) -> bool:
        """Part of what the user says: microphone audio, and push-to-talk's activity
        signals (an activityStart belongs to the utterance as much as its audio)."""
        return self.audio is not None or self.kind == "activity"


class Outbox(Generic[T]):
    """Sends waiting for a connection, in order.

    Items :meth:`put` here are capped per kind (``limits``, oldest dropped first; dropped
    audio is counted in ``dropped_audio``). Items put back with :meth:`put_front` (what
    an old connection had not sent, or an utterance to replay) go first and are never
    dropped.
    """

    def __init__(self, limits: dict[str, int] | None = None) -> None:
        self._limits = BUFFER_LIMITS if limits is None else limits
        self._items: deque[tuple[bool, Outgoing[T]]] = deque()  # (capped, item)
        self._capped: dict[str, int] = {}  # capped items per kind
        self.dropped_audio = 0

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Outgoing[T]]:
        return (item for _, item in self._items)

    def put(self, item: Outgoing[T]) -> None:
        """Queue ``item`` last; past its kind's limit the oldest of that kind goes."""
        self._items.append((True, item))
        count = self._capped.get(item.kind, 0) + 1
        self._capped[item.kind] = count
        limit = self._limits.get(item.kind)
        if limit is None or count <= limit:
            return
        for index, (capped, old) in enumerate(self._items):
            if capped and old.kind == item.kind:
                del self._items[index]
                break
        self._capped[item.kind] = count - 1
        if item.kind == "audio":
            self.dropped_audio += 1

    def put_front(self, items: Iterable[Outgoing[T]]) -> None:
        """Queue ``items`` (in their order) before everything waiting; never dropped."""
        self._items.extendleft((False, item) for item in reversed(list(items)))

    def drain(self) -> list[Outgoing[T]]:
        """Remove and return everything, in the order it is to be sent."""
        items = [item for _, item in self._items]
        self.clear()
        return items

    def clear(self) -> None:
        self._items.clear()
        self._capped.clear()


class UtteranceLog(Generic[T]):
    """What one connection was sent since the model last answered it: the utterance
    it has not answered yet (the newest ``max_items`` parts of it)."""

    def __init__(self, max_items: int = REPLAY_MAX_CHUNKS) -> None:
        self._items: deque[Outgoing[T]] = deque(maxlen=max_items)

    def __len__(self) -> int:
        return len(self._items)

    def record(self, item: Outgoing[T]) -> None:
        """``item`` went to the connection; kept if it is part of an utterance."""
        if item.utterance:
            self._items.append(item)

    def answered(self) -> None:
        """The model is answering (or finished its turn): nothing is open any more."""
        self._items.clear()

    def forget_newest(self, count: int) -> None:
        """The newest ``count`` parts never left (they are sent elsewhere instead)."""
        for _ in range(min(count, len(self._items))):
            self._items.pop()

    def take_open(self) -> list[Outgoing[T]]:
        """Remove and return the open utterance to send again, from just before its first
        sound: the old connection heard part of it and will never answer it."""
        items = from_first_sound(list(self._items))
        self._items.clear()
        return items


def from_first_sound(items: list[Outgoing[T]]) -> list[Outgoing[T]]:
    """Drop the silence before the utterance (keeping a short lead-in): resending
    seconds of room noise would only delay the new connection."""
    for i, item in enumerate(items):
        if item.audio is None or dbfs(item.audio) > REPLAY_SOUND_DBFS:  # activity counts
            return items[max(0, i - REPLAY_LEAD_IN_CHUNKS) :]
    return []


def dbfs(pcm: bytes) -> float:
    """The level of 16-bit little-endian PCM in dB below full scale (-120 for silence)."""
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float32)
    if samples.size == 0:
        return -120.0
    rms = float(np.sqrt(np.mean(samples * samples))) / 32768.0
    return 20.0 * float(np.log10(rms)) if rms > 0 else -120.0
