"""A private Xvfb display as a pytest fixture, plus a screenshot helper."""

from __future__ import annotations

import os
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
    name: str  # ":57"
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


def _free_display() -> int:
    for n in range(57, 200):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    raise RuntimeError("no free X display number")


@pytest.fixture
def xvfb() -> Iterator[XDisplay]:
    xvfb_bin = need_tool("Xvfb", "xvfb")
    need_tool("xdotool", "xdotool")  # every test on this display drives it with xdotool
    n = _free_display()
    width, height = 1280, 800
    proc = subprocess.Popen(
        [xvfb_bin, f":{n}", "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    socket = Path(f"/tmp/.X11-unix/X{n}")
    deadline = time.monotonic() + 20
    while not socket.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("Xvfb did not start")
        time.sleep(0.05)
    try:
        yield XDisplay(f":{n}", width, height)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
