"""Uncaught exceptions (Qt slots, threads) go to the redacting log, and are shown once per kind."""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from gemini_desk.platform.crash_hook import CrashHook

ROOT = Path(__file__).resolve().parents[2]
KEY = "AIza" + "x" * 35  # shaped like a key, as the redactor expects; not a real one
CHILD = f"""
import sys, threading
from pathlib import Path
from gemini_desk.platform.logs import setup_logging
from gemini_desk.platform.crash_hook import install_crash_hook
setup_logging(Path(sys.argv[1]))
install_crash_hook()
from PySide6.QtCore import QCoreApplication, QTimer
app = QCoreApplication([])
def slot():
    raise RuntimeError("the key {KEY} leaked into a message")
def worker():
    raise OSError("x-goog-api-key: {KEY}")
QTimer.singleShot(0, slot)
QTimer.singleShot(0, lambda: threading.Thread(target=worker, name="gd-worker").start())
QTimer.singleShot(300, app.quit)
app.exec()
"""


def test_an_exception_in_a_qt_slot_is_logged_redacted_not_printed(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    log = (tmp_path / "gemini-desk.log").read_text()
    assert "uncaught RuntimeError in the main thread" in log
    assert "uncaught OSError in thread gd-worker" in log
    assert "[REDACTED] leaked into a message" in log and KEY not in log
    assert KEY not in run.stderr
    assert run.stderr == log, "stderr holds the log's own redacted records and nothing else"


def _raise(
    kind: type[BaseException], text: str
) -> tuple[type[BaseException], BaseException, object]:
    try:
        raise kind(text)
    except BaseException as exc:
        return kind, exc, exc.__traceback__


def test_each_kind_is_shown_once_and_a_storm_is_not_logged_in_full(
    caplog: pytest.LogCaptureFixture,
) -> None:
    hook = CrashHook()
    shown: list[str] = []
    posted: list[object] = []

    def post(job: object) -> None:
        posted.append(job)
        job()  # type: ignore[operator]

    hook.set_notifier(shown.append, post)
    with caplog.at_level(logging.ERROR, logger="gemini_desk.crash"):
        for i in range(250):
            hook.excepthook(*_raise(ValueError, f"bad {i}"))  # type: ignore[arg-type]
        hook.excepthook(*_raise(KeyError, "k"))  # type: ignore[arg-type]
    assert shown == ["ValueError", "KeyError"], "one message per kind, not a storm"
    assert len(posted) == 2
    full = [r for r in caplog.records if r.exc_info or r.exc_text]
    assert len(full) == 3 + 1, "the first three of a kind in full (and the new kind)"
    summaries = [r.getMessage() for r in caplog.records if "times" in r.getMessage()]
    assert summaries == [
        "uncaught ValueError in the main thread: 100 times so far",
        "uncaught ValueError in the main thread: 200 times so far",
    ]


def test_threads_go_through_the_hook_and_it_can_be_removed() -> None:
    hook = CrashHook()
    shown: list[str] = []
    hook.set_notifier(shown.append, lambda job: job())
    before = (sys.excepthook, threading.excepthook)
    uninstall = hook.install()
    try:
        worker = threading.Thread(target=lambda: 1 / 0, name="gd-test")
        worker.start()
        worker.join(10)
    finally:
        uninstall()
    assert shown == ["ZeroDivisionError"]
    assert (sys.excepthook, threading.excepthook) == before
