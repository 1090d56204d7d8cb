"""End-to-end fixtures: the real gemini-desk process on Xvfb with PulseAudio devices.

Every app a test launches has its log checked when the test ends (:func:`assert_clean_log`:
no key, no traceback, no warning or error from the app's own loggers); tests call it
themselves too, where the log is complete.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gemini_desk.sim import SimThread
from tests.support.pulse import PulseServer, pulse
from tests.support.sim_fixtures import sim
from tests.support.xvfb import XDisplay, xvfb

__all__ = ["RunningApp", "assert_clean_log", "pulse", "sim", "xvfb"]

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
# The sim's well-known test key (the app's own demo server makes a random one per run,
# which its log redactor knows): kept out of the log like any key.
DEMO_KEY = "demo-key"

# A record of the log file (gemini_desk.platform.logs: "date time LEVEL name: message")
# at WARNING or above from the app's own loggers: gemini_desk and its children, including
# gemini_desk.qt (Qt's own warnings).
_APP_PROBLEM = re.compile(
    r"^\S+ \S+ (?:WARNING|ERROR|CRITICAL) +gemini_desk(?:\.[\w.]+)?: .*$", re.MULTILINE
)


# Where an app launched with ``--base-url`` talks: the microphone and speaker of the
# private PulseAudio server.
PULSE_DEVICES = ("--mic", "pulse", "--speaker", "pulse")


def sim_env(sim: SimThread, key: str, **extra: str) -> dict[str, str]:
    """The environment that gives the app ``key`` and makes it trust ``sim``'s CA."""
    return {"GEMINI_API_KEY": key, "SSL_CERT_FILE": str(sim.ca_file), **extra}


def assert_clean_log(app: RunningApp | Path, *secrets: str) -> None:
    """The app's log holds no key, no traceback, and no WARNING, ERROR or CRITICAL record
    from its own loggers. ``app`` is a launched app (its console output is checked too,
    and the key it was launched with) or the path of a log file. The demo key always is."""
    secrets = (*secrets, DEMO_KEY)
    if isinstance(app, RunningApp):
        texts = {"log file": app.log_text(), "console output": app.output_text()}
        secrets = (*secrets, *app.secrets)
    else:
        texts = {"log file": app.read_text(errors="replace") if app.exists() else ""}
    for where, text in texts.items():
        for secret in secrets:
            assert secret not in text, f"an API key reached the {where}"
        assert "Traceback" not in text, f"a traceback in the {where}:\n{text[-3000:]}"
    problems = _APP_PROBLEM.findall(texts["log file"])
    assert not problems, "the app logged warnings or errors:\n" + "\n".join(problems)


@dataclass
class RunningApp:
    proc: subprocess.Popen[bytes]
    home: Path
    display: XDisplay
    pulse: PulseServer
    output: Path
    secrets: tuple[str, ...] = field(default=(), repr=False)  # keys it was launched with

    def output_text(self) -> str:
        """What the process wrote to stdout and stderr."""
        return self.output.read_text(errors="replace") if self.output.exists() else ""

    @property
    def log_file(self) -> Path:
        return self.home / "logs" / "gemini-desk.log"

    def log_text(self) -> str:
        return self.log_file.read_text(errors="replace") if self.log_file.exists() else ""

    def conversations(self) -> list[Path]:
        return sorted((self.home / "data" / "conversations").glob("*.jsonl"))

    def wait_for(
        self, predicate: Callable[[], bool], timeout: float, what: str, poll: float = 0.05
    ) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if self.proc.poll() is not None:
                pytest.fail(
                    f"the app exited ({self.proc.returncode}) while waiting for {what}:\n"
                    + self.output_text()[-3000:]
                )
            if time.monotonic() > deadline:
                pytest.fail(f"timed out waiting for {what}; log tail:\n{self.log_text()[-3000:]}")
            time.sleep(poll)

    def started(self) -> bool:
        """Start-up is over: the log's last start-up line (the tray, after the key dialog
        was or was not opened and the window shown) is written, and the window is mapped."""
        return "tray icon " in self.log_text() and bool(self.windows("^Gemini Desk$"))

    def streams_open(self) -> bool:
        """The app's own capture and playback streams are connected to the sound server
        (the rig's remapped microphone is a source output of its own, always there)."""
        pid = self.proc.pid
        mic = self.pulse.streams_of(pid, "source-outputs")
        return mic > 0 and self.pulse.streams_of(pid, "sink-inputs") > 0

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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the test, for fixtures to see how the test went."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def launch_app(
    request: pytest.FixtureRequest, xvfb: XDisplay, pulse: PulseServer, tmp_path: Path
) -> Iterator[Callable[..., RunningApp]]:
    """Launches the app; when the test ends, kills what still runs and checks each log."""
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
        keys = tuple(full_env[v] for v in ("GEMINI_API_KEY", "GOOGLE_API_KEY") if v in full_env)
        app = RunningApp(proc, home, xvfb, pulse, output, keys)
        apps.append(app)
        return app

    yield launch
    for app in apps:
        if app.proc.poll() is None:
            app.proc.kill()
            app.proc.wait()
    call = getattr(request.node, "report_call", None)
    if call is not None and call.passed:  # a failed test has said what went wrong
        for app in apps:
            assert_clean_log(app)


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
