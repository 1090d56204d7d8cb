"""Single instance, with two real app processes: a second launch hands over its options."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import assert_clean_log
from tests.support.pulse import PulseServer

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def _env(home: Path, pulse: PulseServer) -> dict[str, str]:
    """Offscreen, no key, and the private sound server (the app's devices open there)."""
    runtime = tempfile.mkdtemp(prefix="gd-xdg-")
    os.chmod(runtime, 0o700)
    env = {k: v for k, v in os.environ.items() if k not in ("GEMINI_API_KEY", "GOOGLE_API_KEY")}
    env.update({k: pulse.env[k] for k in ("PULSE_SERVER", "PULSE_STATE_PATH")})
    env.update(
        GEMINI_DESK_HOME=str(home),
        QT_QPA_PLATFORM="offscreen",
        XDG_RUNTIME_DIR=runtime,
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        QT_LOGGING_RULES="qt.multimedia.*=false",
    )
    env.pop("DISPLAY", None)
    return env


def _wait(
    predicate: Callable[[], bool], what: str, proc: subprocess.Popen[bytes], timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert proc.poll() is None, f"the first instance exited while waiting for {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_second_launch_raises_and_forwards_connect(tmp_path: Path, pulse: PulseServer) -> None:
    env = _env(tmp_path, pulse)
    log = tmp_path / "logs" / "gemini-desk.log"
    first = subprocess.Popen(
        [sys.executable, "-m", "gemini_desk", "--demo"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        text = lambda: log.read_text(errors="replace") if log.exists() else ""  # noqa: E731
        _wait(lambda: "listening for commands on" in text(), "the command socket", first)
        assert "connecting to" not in text()

        second = subprocess.run(
            [sys.executable, "-m", "gemini_desk", "--demo", "--connect"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert second.returncode == 0, second.stderr
        assert "connecting" in second.stdout
        _wait(lambda: "connecting to https://127.0.0.1" in text(), "the first to connect", first)
        assert "gemini-desk is already running" in text()
        assert text().count("listening for commands on") == 1, "the second never served"

        third = subprocess.run(
            [sys.executable, "-m", "gemini_desk", "--connect"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert third.returncode == 0 and "already connected" in third.stdout
        assert first.poll() is None, "the first instance keeps running"
    finally:
        first.send_signal(signal.SIGTERM)
        try:
            code = first.wait(timeout=30)
        except subprocess.TimeoutExpired:
            first.kill()
            pytest.fail("the first instance did not quit on SIGTERM")
    assert code == 0
    assert_clean_log(log)
