"""One hook for every uncaught exception: Qt slots, the main thread, other threads.

PySide hands an exception raised in a slot to ``sys.excepthook``; threads end in
``threading.excepthook``. Both come here, so each one is written to the app's log,
through its key redaction, and not printed raw to stderr. The first few of a kind are
logged with their traceback, then one line every hundred (a slot failing at 60 Hz does
not drown the log). The window registers a notifier (:meth:`CrashHook.set_notifier`)
that shows a plain message, once per kind; it is run on the GUI thread through ``post``.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from types import TracebackType

__all__ = ["HOOK", "CrashHook", "install_crash_hook"]

log = logging.getLogger("gemini_desk.crash")

FULL_PER_KIND = 3  # tracebacks logged in full per kind of exception
SUMMARY_EVERY = 100  # then one line every this many
Notify = Callable[[str], None]
Post = Callable[[Callable[[], None]], object]


class CrashHook:
    """Logs uncaught exceptions (redacted by the log's filters) and tells the user once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._shown: set[str] = set()
        self._notify: Notify | None = None
        self._post: Post | None = None

    def set_notifier(self, notify: Notify | None, post: Post | None = None) -> None:
        """``notify(kind)`` shows a message; ``post(job)`` runs ``job`` on the GUI thread
        (e.g. ``loop.call_soon_threadsafe``). None: nobody to tell (before the window, at quit)."""
        with self._lock:
            self._notify, self._post = notify, post

    def install(self) -> Callable[[], None]:
        """Become ``sys.excepthook`` and ``threading.excepthook``; returns the undo."""
        before = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

        def uninstall() -> None:
            sys.excepthook, threading.excepthook = before

        return uninstall

    def excepthook(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        self.handle(kind, exc, tb, "the main thread")

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit or args.exc_value is None:
            return
        name = args.thread.name if args.thread is not None else "?"
        self.handle(args.exc_type, args.exc_value, args.exc_traceback, f"thread {name}")

    def handle(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None, where: str
    ) -> None:
        name = kind.__qualname__
        with self._lock:
            count = self._counts[name] = self._counts.get(name, 0) + 1
            first = name not in self._shown
            self._shown.add(name)
            notify, post = self._notify, self._post
        if count <= FULL_PER_KIND:
            log.error("uncaught %s in %s", name, where, exc_info=(kind, exc, tb))
        elif count % SUMMARY_EVERY == 0:
            log.error("uncaught %s in %s: %d times so far", name, where, count)
        if first and notify is not None:
            self._tell(notify, post, name)

    @staticmethod
    def _tell(notify: Notify, post: Post | None, name: str) -> None:
        try:
            if post is None:
                notify(name)
            else:
                post(lambda: notify(name))
        except Exception:  # the loop is gone (quitting): the log has it
            log.debug("could not show the error %s", name, exc_info=True)


HOOK = CrashHook()


def install_crash_hook() -> CrashHook:
    """Install the app's hook (once, early in main); returns it for the window's notifier."""
    HOOK.install()
    return HOOK
