"""Single instance, with two real app processes: a second launch hands over its options."""

from __future__ import annotations

import getpass
import hashlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.conftest import assert_clean_log
from tests.support.other_user import shared_folder, squatter
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


def _old_and_new_digest(config_dir: Path) -> str:
    """The socket's per-user, per-config-folder digest (the same before and after issue 18)."""
    user = getpass.getuser()
    return hashlib.sha256(f"{user}\0{config_dir.resolve()}".encode()).hexdigest()[:16]


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.geteuid() != 0,
    reason="needs Linux and root to act as another user",
)
def test_another_users_socket_cannot_stop_the_app(tmp_path: Path, pulse: PulseServer) -> None:
    """Issue 18, finding 1: a squatter (user nobody) at the old socket path in /tmp and in
    the per-user folder it made first neither stops the app nor hears its commands."""
    home = tmp_path / "home"
    env = _env(home, pulse)
    log = home / "logs" / "gemini-desk.log"
    with shared_folder() as shared:
        env.pop("XDG_RUNTIME_DIR")  # no session folder: the app must find a private one
        env["TMPDIR"] = str(shared)
        digest = _old_and_new_digest(home / "config")
        squatters = [
            squatter(shared / f"gemini-desk-{digest}", serve_s=30),  # the old path
            squatter(shared / f"gemini-desk-{os.geteuid()}" / f"ipc-{digest}", 30, True),
        ]
        for squat in squatters:
            assert squat.read_line(30) == b"ready\n"
        app = subprocess.Popen(
            [sys.executable, "-m", "gemini_desk", "--demo", "--connect"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            text = lambda: log.read_text(errors="replace") if log.exists() else ""  # noqa: E731
            _wait(lambda: "listening for commands on" in text(), "the command socket", app)
            _wait(lambda: "connecting to https://127.0.0.1" in text(), "it to connect", app)
            assert str(shared) not in text().split("listening for commands on")[1].split("\n")[0]
        finally:
            app.send_signal(signal.SIGTERM)
            try:
                code = app.wait(timeout=30)
            except subprocess.TimeoutExpired:
                app.kill()
                pytest.fail("the app did not quit on SIGTERM")
            heard = [squat.finish() for squat in squatters]
    assert code == 0
    assert heard == [b"", b""], f"the squatters heard {heard!r}"
    problems = [
        line
        for line in re.findall(r"^.* (?:WARNING|ERROR|CRITICAL) +gemini_desk.*$", text(), re.M)
        if "QStandardPaths" not in line  # Qt's notice: no XDG_RUNTIME_DIR (this test's setup)
    ]
    assert not problems, problems
    assert "Traceback" not in text()
