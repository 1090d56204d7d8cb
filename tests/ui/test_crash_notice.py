"""An error raised in a Qt slot shows one plain message in the window, and nothing on stderr."""

from __future__ import annotations

import logging

import pytest
from PySide6.QtCore import QTimer

from gemini_desk.platform.crash_hook import CrashHook
from gemini_desk.ui.crash_notice import connect_crash_notices, crash_notice
from gemini_desk.ui.main_window import MainWindow
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


def test_a_failing_slot_shows_one_message_in_the_window(
    capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    window = MainWindow(lambda: (-90.0, -90.0, False), lambda: (-90.0, -90.0, False))
    window.show()
    hook = CrashHook()
    disconnect = connect_crash_notices(window, hook, lambda job: QTimer.singleShot(0, job))
    shown: list[str] = []
    window.notices.changed.connect(lambda: shown.extend(window.notices.texts()[:1]))

    def failing_slot() -> None:
        raise RuntimeError("a bug")

    uninstall = hook.install()
    try:
        with caplog.at_level(logging.ERROR, logger="gemini_desk.crash"):
            for _ in range(5):
                QTimer.singleShot(0, failing_slot)
            process_events(50)
            process_events(50)
    finally:
        uninstall()
        disconnect()
    assert shown == [crash_notice("RuntimeError")], "one plain message, not five"
    assert window.notices.message == crash_notice("RuntimeError")
    assert len([r for r in caplog.records if r.name == "gemini_desk.crash"]) == 3
    assert capfd.readouterr().err == ""
    window.close_now()
    window.deleteLater()
