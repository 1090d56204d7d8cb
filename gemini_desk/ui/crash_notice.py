"""The plain message for an uncaught error, shown once per kind in the window's banner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QCoreApplication

from gemini_desk.platform.crash_hook import CrashHook, Post

__all__ = ["connect_crash_notices", "crash_notice"]


class NoticeView(Protocol):
    def show_error(self, message: str, action: str | None = None) -> None: ...


def crash_notice(kind: str) -> str:
    """What the user reads when ``kind`` (an exception's name) went uncaught."""
    return QCoreApplication.translate(
        "CrashNotice",
        "Something went wrong inside Gemini Desk (%1). The details are in the log file;"
        " you can keep working, or restart the app if something stops working.",
    ).replace("%1", kind)


def connect_crash_notices(view: NoticeView, hook: CrashHook, post: Post) -> Callable[[], None]:
    """Show ``hook``'s uncaught errors in ``view`` (run on the GUI thread by ``post``);
    returns the undo, for when the window goes."""
    hook.set_notifier(lambda kind: view.show_error(crash_notice(kind)), post)
    return lambda: hook.set_notifier(None)
