"""End-to-end fixtures: the real gemini-desk process on Xvfb with PulseAudio devices."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.pulse import PulseServer, pulse
from tests.support.sim_fixtures import sim
from tests.support.xvfb import XDisplay, xvfb

__all__ = ["pulse", "sim", "xvfb"]

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


@dataclass
class RunningApp:
    proc: subprocess.Popen[bytes]
    home: Path
    display: XDisplay
    pulse: PulseServer
    output: Path

    @property
    def log_file(self) -> Path:
        return self.home / "logs" / "gemini-desk.log"

    def log_text(self) -> str:
        return self.log_file.read_text(errors="replace") if self.log_file.exists() else ""

    def conversations(self) -> list[Path]:
        return sorted((self.home / "data" / "conversations").glob("*.jsonl"))

    def wait_for(self, predicate: Callable[[], bool], timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if self.proc.poll() is not None:
                pytest.fail(
                    f"the app exited ({self.proc.returncode}) while waiting for {what}:\n"
                    + self.output.read_text(errors="replace")[-3000:]
                )
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}; log tail:\n{self.log_text()[-3000:]}")
            time.sleep(0.05)

    def streams_open(self) -> bool:
        """The app's capture and playback streams are connected to PulseAudio."""
        outs = self.pulse.pactl("list", "short", "source-outputs").strip().splitlines()
        ins = self.pulse.pactl("list", "short", "sink-inputs").strip().splitlines()
        return bool(outs) and bool(ins)

    def windows(self, title: str) -> list[str]:
        return self.display.xdotool("search", "--onlyvisible", "--name", title).split()

    def keys(self, title: str, *keys: str) -> None:
        """Focus the window called ``title`` and press ``keys`` in it."""
        win = self.windows(title)
        assert win, f"no visible window called {title!r}"
        self.display.xdotool("windowfocus", "--sync", win[-1])
        for key in keys:
            self.display.xdotool("key", "--clearmodifiers", key)

    def quit_with_keyboard(self) -> int:
        """Ctrl+Q in the app's window, as a person would; the app must exit cleanly."""
        win = self.display.xdotool("search", "--onlyvisible", "--name", "Gemini Desk").split()
        assert win, "the app's window is not on the screen"
        self.display.xdotool("windowfocus", "--sync", win[0])
        self.display.xdotool("key", "--window", win[0], "ctrl+q")
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            pytest.fail("the app did not quit within 20 s of Ctrl+Q")


@pytest.fixture
def launch_app(
    xvfb: XDisplay, pulse: PulseServer, tmp_path: Path
) -> Iterator[Callable[..., RunningApp]]:
    apps: list[RunningApp] = []

    def launch(
        *args: str, env: dict[str, str] | None = None, home: Path | None = None
    ) -> RunningApp:
        home = home or tmp_path / f"home{len(apps)}"
        output = tmp_path / f"app{len(apps)}.out"
        full_env = {
            **os.environ,
            **pulse.env,
            **xvfb.env,
            "GEMINI_DESK_HOME": str(home),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            **(env or {}),
        }
        for var in ("GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GEMINI_BASE_URL"):
            if env is None or var not in env:
                full_env.pop(var, None)
        with open(output, "wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "gemini_desk", "--log-level", "DEBUG", *args],
                env=full_env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        app = RunningApp(proc, home, xvfb, pulse, output)
        apps.append(app)
        return app

    yield launch
    for app in apps:
        if app.proc.poll() is None:
            app.proc.kill()
            app.proc.wait()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
