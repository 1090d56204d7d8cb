"""``os.fsync`` held until the test releases it: proves a write leaves the caller's
thread (the caller returns while the fsync waits) and that a flush waits for it."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest

WAIT = 10.0  # seconds: an upper bound for conditions that hold at once when all is well


class BlockedFsync:
    """os.fsync waits until :meth:`release`; ``entered`` is set once one is waiting."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self._release = threading.Event()
        self._real = os.fsync

    def fsync(self, fd: int) -> None:
        self.entered.set()
        if not self._release.wait(WAIT * 3):
            raise AssertionError("fsync was never released")
        self._real(fd)

    def release(self) -> None:
        self._release.set()


@pytest.fixture
def blocked_fsync(monkeypatch: pytest.MonkeyPatch) -> Iterator[BlockedFsync]:
    blocked = BlockedFsync()
    monkeypatch.setattr(os, "fsync", blocked.fsync)
    try:
        yield blocked
    finally:
        blocked.release()
