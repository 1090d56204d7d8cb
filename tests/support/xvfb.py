"""A private Xvfb display as a pytest fixture, plus a screenshot helper."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.needs import need_tool

__all__ = ["XDisplay", "xvfb"]


@dataclass
class XDisplay:
    name: str  # ":1"
    width: int
    height: int

    @property
    def env(self) -> dict[str, str]:
        return {"DISPLAY": self.name, "QT_QPA_PLATFORM": "xcb"}

    def screenshot(self, path: Path) -> Path:
        """Save the whole screen as PNG (through Qt in a child process, no ImageMagick)."""
        code = (
            "import sys; from PySide6.QtGui import QGuiApplication; "
            "app = QGuiApplication(sys.argv[:1]); "
            "ok = app.primaryScreen().grabWindow(0).save(sys.argv[1], 'PNG'); "
            "sys.exit(0 if ok else 1)"
        )
        env = {**os.environ, **self.env}
        subprocess.run([sys.executable, "-c", code, str(path)], env=env, check=True, timeout=60)
        return path

    def xdotool(self, *args: str) -> str:
        env = {**os.environ, "DISPLAY": self.name}
        done = subprocess.run(
            ["xdotool", *args], env=env, capture_output=True, text=True, timeout=30
        )
        return done.stdout


def _start_xvfb(xvfb_bin: str, width: int, height: int) -> tuple[subprocess.Popen[bytes], int]:
    """Start Xvfb on a display it picks itself; return once it accepts connections.

    ``-displayfd`` makes the server write its display number to a pipe only once it
    listens: a display whose socket file exists may not accept connections yet (an X
    client started then got "Can't open display"). ``-noreset`` keeps one server
    generation for the whole test, so the last client leaving neither resets the screen
    nor makes the server write to the pipe again.
    """
    read_end, write_end = os.pipe()
    command = [xvfb_bin, "-displayfd", str(write_end), "-noreset", "-nolisten", "tcp"]
    proc = subprocess.Popen(
        [*command, "-screen", "0", f"{width}x{height}x24"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        pass_fds=(write_end,),
    )
    os.close(write_end)
    try:
        text = _read_line(read_end, timeout_s=30)
    finally:
        os.close(read_end)
    if not text.strip().isdigit():
        proc.kill()
        proc.wait(10)
        pytest.fail(f"Xvfb did not start (exit code {proc.returncode})")
    return proc, int(text)


def _read_line(fd: int, timeout_s: float) -> str:
    """Read up to a newline (or EOF, or the timeout) from a pipe.

    Xvfb writes the number and its newline in two writes and dies if the second finds
    the pipe closed, so closing after the first read would kill the server.
    """
    data = b""
    deadline = time.monotonic() + timeout_s
    while not data.endswith(b"\n"):
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        chunk = os.read(fd, 64) if ready else b""
        if not chunk:
            break
        data += chunk
    return data.decode()


@pytest.fixture
def xvfb() -> Iterator[XDisplay]:
    xvfb_bin = need_tool("Xvfb", "xvfb")
    need_tool("xdotool", "xdotool")  # every test on this display drives it with xdotool
    width, height = 1280, 800
    proc, n = _start_xvfb(xvfb_bin, width, height)
    try:
        yield XDisplay(f":{n}", width, height)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
