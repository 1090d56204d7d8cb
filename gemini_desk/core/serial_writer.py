"""Runs file writes (and their fsyncs) one at a time, in order, off the caller's thread."""

from __future__ import annotations

import atexit
import collections
import logging
import threading
import time
import weakref
from collections.abc import Callable, Hashable

__all__ = ["SerialWriter"]

log = logging.getLogger("gemini_desk.writer")

Job = Callable[[], None]
EXIT_FLUSH_S = 5.0  # at interpreter exit, how long all writers together may take


class _Entry:
    __slots__ = ("job", "key")

    def __init__(self, job: Job, key: Hashable | None) -> None:
        self.job = job
        self.key = key


class SerialWriter:
    """A queue of jobs run in the order submitted on one background thread.

    A job submitted with a ``key`` replaces a job with the same key that has not started
    yet (settings saves: only the newest matters), keeping its place. The thread starts
    when there is work and ends when the queue is empty, so an idle writer holds no
    thread. :meth:`flush` waits (bounded) until everything submitted is done; after
    :meth:`close`, jobs run at once on the caller's thread. Jobs handle their own
    errors; one that raises is logged and the next runs. The thread is a daemon: a
    write stuck in the kernel cannot keep the process alive, and every live writer is
    flushed (bounded) when the interpreter exits.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._queue: collections.deque[_Entry] = collections.deque()
        self._waiting: dict[Hashable, _Entry] = {}
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None  # the one running jobs
        self._last: threading.Thread | None = None  # the newest started (to join)
        self._running = False
        self._closed = False
        _LIVE.add(self)

    def submit(self, job: Job, key: Hashable | None = None) -> None:
        """Queue ``job`` (run it now, here, once closed)."""
        with self._cond:
            if not self._closed:
                waiting = self._waiting.get(key) if key is not None else None
                if waiting is not None:
                    waiting.job = job
                    return
                entry = _Entry(job, key)
                self._queue.append(entry)
                if key is not None:
                    self._waiting[key] = entry
                if self._thread is None:
                    thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                    self._thread = self._last = thread
                    thread.start()
                return
        _run_job(job)

    def flush(self, timeout: float) -> bool:
        """Wait until every job submitted so far is done; False if ``timeout`` (seconds)
        passed first."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue or self._running:
                left = deadline - time.monotonic()
                if left <= 0 or not self._cond.wait(left):
                    return not (self._queue or self._running)
        return True

    def wait_idle(self, timeout: float) -> bool:
        """Wait until the thread has ended (nothing queued); False on timeout."""
        if not self.flush(timeout):
            return False
        with self._cond:
            thread = self._last
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def close(self, timeout: float) -> bool:
        """Flush (bounded); later jobs run at once. True if everything was written."""
        flushed = self.flush(timeout)
        with self._cond:
            self._closed = True
        return flushed

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._queue:
                    self._thread = None
                    self._cond.notify_all()
                    return
                entry = self._queue.popleft()
                if entry.key is not None:
                    self._waiting.pop(entry.key, None)
                self._running = True
            try:
                _run_job(entry.job)
            finally:
                with self._cond:
                    self._running = False
                    self._cond.notify_all()


def _run_job(job: Job) -> None:
    try:
        job()
    except Exception:
        log.exception("a background write failed")


_LIVE: weakref.WeakSet[SerialWriter] = weakref.WeakSet()


@atexit.register
def _flush_all() -> None:
    deadline = time.monotonic() + EXIT_FLUSH_S
    for writer in list(_LIVE):
        if not writer.flush(max(0.0, deadline - time.monotonic())):
            log.warning("writer %s did not finish before exit", writer.name)
