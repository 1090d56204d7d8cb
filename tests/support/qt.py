"""Qt test support: pytest-qt's offscreen QApplication, and Qt warnings that fail tests.

pytest-qt does the work, configured in pyproject.toml: ``qt_log_level_fail = "WARNING"``
fails a test whose setup or body makes Qt log a warning or worse, except the notices
about the test machine listed in ``qt_log_ignore``. pytest-qt stops listening before
teardown; :class:`TeardownQtLog` (installed by tests/conftest.py) holds teardown - fixtures
closing windows, deferred deletes - to the same rules.

Test modules import ``qapp`` and ``qt_warnings_fatal`` from here (and ``process_events``):
the first is pytest-qt's QApplication, checked; the second gives every test of the
module that QApplication.
"""

from __future__ import annotations

import os
import re
import tempfile
import time

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

__all__ = ["APP_NAME", "TeardownQtLog", "process_events", "qapp", "qt_warnings_fatal"]

APP_NAME = "gemini-desk-tests"  # pyproject.toml: qt_qapp_name

# pytest-qt's qt_log_level_fail values -> the message types that fail a test.
_FAILING: dict[str, tuple[QtMsgType, ...]] = {
    "NO": (),
    "CRITICAL": (QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg),
    "WARNING": (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg),
    "INFO": tuple(QtMsgType),
    "DEBUG": (
        QtMsgType.QtDebugMsg,
        QtMsgType.QtWarningMsg,
        QtMsgType.QtCriticalMsg,
        QtMsgType.QtFatalMsg,
    ),
}


@pytest.fixture(scope="session")
def qapp(qapp: QApplication) -> QApplication:
    """pytest-qt's QApplication (the one of the test session), offscreen, named for the
    tests: Qt derives per-app paths and settings from the name."""
    assert qapp.applicationName() == APP_NAME, "pyproject.toml: qt_qapp_name"
    assert qapp.platformName() == "offscreen", "a QApplication was made before tests.support.qt"
    return qapp


@pytest.fixture(autouse=True)
def qt_warnings_fatal(qapp: QApplication) -> None:
    """Every test of a module that imports this gets the QApplication. Qt warnings fail
    every test anyway (pytest-qt, and :class:`TeardownQtLog` for teardown)."""


class TeardownQtLog:
    """Collects what Qt logs during a test's teardown, with pytest-qt's rules.

    pytest-qt's capture ends with the test's body; windows closed and objects deleted by
    fixtures afterwards would log to stderr unnoticed. Messages are collected rather
    than raised: an exception thrown inside the message handler would surface inside
    Qt's C++ frames, far from the cause.
    """

    def __init__(self, item: pytest.Item) -> None:
        config = item.config
        level_mark = item.get_closest_marker("qt_log_level_fail")
        level = level_mark.args[0] if level_mark else config.getini("qt_log_level_fail")
        ignore: list[str] = list(config.getini("qt_log_ignore"))
        ignore_mark = item.get_closest_marker("qt_log_ignore")
        if ignore_mark:
            extend = ignore_mark.kwargs.get("extend", True)
            ignore = [*ignore, *ignore_mark.args] if extend else list(ignore_mark.args)
        self._failing = _FAILING[level]
        self._ignore = [re.compile(pattern) for pattern in ignore]
        self.messages: list[str] = []
        self._previous: object = None

    def _handler(self, mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if mode in self._failing and not any(p.search(message) for p in self._ignore):
            self.messages.append(f"{mode.name} [{context.category or 'default'}]: {message}")

    def __enter__(self) -> TeardownQtLog:
        self._previous = qInstallMessageHandler(self._handler)
        return self

    def __exit__(self, *exc: object) -> None:
        qInstallMessageHandler(self._previous)  # type: ignore[arg-type]

    def fail_if_logged(self) -> None:
        if self.messages:
            pytest.fail("Qt logged during teardown:\n" + "\n".join(self.messages), pytrace=False)


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
