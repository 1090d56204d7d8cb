"""One app per user and config folder, decided before anything is built.

The first launch takes a lock file in the config folder (QLockFile) and becomes the
instance. A later launch finds the lock held and hands its actions to the running app
over the command socket, retrying while that app is still starting (its socket not up
yet). A lock left by a crashed run is removed by QLockFile once its process is gone
(same host: the PID no longer runs, or runs another program; another boot). Only
a lock whose holder lives but never answers stops a launch, with the holder named.
"""

from __future__ import annotations

import enum
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QLockFile

__all__ = ["Claim", "Outcome", "claim_instance", "lock_path"]

log = logging.getLogger("gemini_desk.ipc")

HAND_OVER_TIMEOUT_S = 10.0  # how long a running app may take to start answering
RETRY_MS = 100  # each attempt waits this long for the lock to come free


class Outcome(enum.Enum):
    FIRST = "first"  # this process is the instance: it holds the lock
    HANDED_OVER = "handed over"  # the running instance took this launch's actions
    BUSY = "busy"  # an instance holds the lock but did not answer in time
    UNLOCKED = "unlocked"  # no lock could be made (unwritable folder): run unguarded


@dataclass
class Claim:
    outcome: Outcome
    exit_code: int = 0  # for HANDED_OVER and BUSY: what this launch exits with
    holder: str = ""  # who holds the lock, for BUSY
    _lock: QLockFile | None = field(default=None, repr=False)

    def release(self) -> None:
        """Give the lock back (the app is quitting)."""
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None


def lock_path(config_dir: Path) -> Path:
    return config_dir / "instance.lock"


def claim_instance(
    path: Path,
    hand_over: Callable[[int], int | None],
    timeout_s: float = HAND_OVER_TIMEOUT_S,
) -> Claim:
    """Take the lock at ``path``, or hand this launch over to its holder.

    ``hand_over(attempt)`` gives the running app this launch's actions and returns the
    exit code, or None when no app answered (it may still be starting: asked again).
    """
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        log.warning("no single-instance lock (%s): %s", path, exc)
        return Claim(Outcome.UNLOCKED)
    lock = QLockFile(str(path))
    lock.setStaleLockTime(0)  # never stale by age: only when its process is gone
    deadline = time.monotonic() + timeout_s
    attempt = 0
    while True:
        if lock.tryLock(RETRY_MS):  # removes a stale lock of a crashed run itself
            return Claim(Outcome.FIRST, _lock=lock)
        if lock.error() != QLockFile.LockError.LockFailedError:
            log.warning("no single-instance lock (%s): error %s", path, lock.error().name)
            return Claim(Outcome.UNLOCKED)
        code = hand_over(attempt)
        attempt += 1
        if code is not None:
            return Claim(Outcome.HANDED_OVER, exit_code=code)
        if time.monotonic() >= deadline:
            holder = _holder(lock, path)
            log.warning("gemini-desk is already running (%s) but does not answer", holder)
            return Claim(Outcome.BUSY, exit_code=1, holder=holder)


def _holder(lock: QLockFile, path: Path) -> str:
    """``pid N on HOST`` (and the lock file), for the user to end or remove."""
    pid, host, _app = lock.getLockInfo()  # pid 0: the file went or could not be read
    if not pid:
        return f"lock {path}"
    same_host = host in ("", os.uname().nodename) if hasattr(os, "uname") else True
    where = "" if same_host else f" on {host}"
    return f"pid {pid}{where}, lock {path}"
