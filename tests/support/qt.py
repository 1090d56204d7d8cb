"""Qt test support: one offscreen QApplication, Qt warnings as test failures."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator

# Must happen before any QGuiApplication exists: tests never need a display.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
if not os.environ.get("XDG_RUNTIME_DIR"):
    # Qt warns "XDG_RUNTIME_DIR not set" otherwise; give it a private directory.
    os.environ["XDG_RUNTIME_DIR"] = tempfile.mkdtemp(prefix="gd-xdg-")
    os.chmod(os.environ["XDG_RUNTIME_DIR"], 0o700)

import pytest
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QEventLoop,
    QMessageLogContext,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication

_FATAL_TYPES = (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)

# The one allowed message. The offscreen platform plugin does not implement
# QPlatformWindow::propagateSizeHints(), and the base class warns every time a shown
# top-level window's minimum/maximum size changes, which any layout does when its
# content changes (a label shown, text rewrapped). It says nothing about our code and
# does not occur on xcb, Wayland, Windows or macOS. Matched exactly, nothing broader.
_OFFSCREEN_NOISE = frozenset({"This plugin does not support propagateSizeHints()"})


@pytest.fixture(scope="session")
def qapp() -> QApplication:
    """The one QApplication of the test session."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(["gemini-desk-tests"])
    assert isinstance(app, QApplication)
    return app


@pytest.fixture(autouse=True)
def qt_warnings_fatal(qapp: QApplication) -> Iterator[list[str]]:
    """Fail the test if Qt logs a warning, critical or fatal message while it runs.

    Messages are collected rather than raised: an exception thrown inside the message
    handler would surface inside Qt's C++ frames, far from the cause. Only the
    offscreen plugin's ``propagateSizeHints`` notice is allowed (see ``_OFFSCREEN_NOISE``).
    """
    messages: list[str] = []

    def handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if mode in _FATAL_TYPES and message not in _OFFSCREEN_NOISE:
            category = context.category or "default"
            messages.append(f"{mode.name} [{category}]: {message}")

    previous = qInstallMessageHandler(handler)
    try:
        yield messages
        process_events(0)  # flush deferred work (deleteLater, layouts) of this test
    finally:
        qInstallMessageHandler(previous)
    if messages:
        pytest.fail("Qt logged:\n" + "\n".join(messages), pytrace=False)


def process_events(ms: int = 0) -> None:
    """Run the Qt event loop for about ``ms`` milliseconds (at least one pass)."""
    app = QCoreApplication.instance()
    assert app is not None
    deadline = time.monotonic() + ms / 1000
    while True:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
        # DeferredDelete is only delivered when asked for by name: make deleteLater() land.
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
        if time.monotonic() >= deadline:
            break
        time.sleep(0.002)
