"""A shared X11 window gets the red frame, and the frame follows it (issue 18 #14).

A real X window (python-xlib) on Xvfb, listed in the root's ``_NET_CLIENT_LIST`` as a
window manager would; the real ScreenSharing in a child process (xcb) picks it from its
window picker. The frame's strips are read back from the X server and from a screenshot.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QRect

from gemini_desk.ui.share_frame import THICKNESS, strip_rects
from gemini_desk.vision.geometry import Rect
from tests.support.xvfb import XDisplay

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
TITLE = "Target \u03a3 window"  # a UTF-8 title (_NET_WM_NAME)
STRIP_TITLE = "Gemini Desk sharing frame"
EXTENTS = (6, 6, 24, 6)  # _NET_FRAME_EXTENTS: left, right, top, bottom (a title bar)
FRAME_RGB = np.array([0xFF, 0x2D, 0x55])


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


class Child:
    """The sharing process, with its stdout lines read into a queue."""

    def __init__(self, display: XDisplay) -> None:
        env = {**os.environ, **display.env, "XDG_SESSION_TYPE": "x11"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.support.window_share_child", TITLE],
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.strip())

    def expect(self, prefix: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"the sharing process did not say {prefix!r}")
            assert not line.startswith("error"), line
            if line.startswith(prefix):
                return line

    def quit(self) -> tuple[int, str]:
        assert self.proc.stdin is not None
        self.proc.stdin.write("quit\n")
        self.proc.stdin.flush()
        _, err = self.proc.communicate(timeout=30)
        return self.proc.returncode, err


@pytest.fixture
def x(xvfb: XDisplay) -> Iterator[Any]:
    from Xlib import display

    d = display.Display(xvfb.name)
    try:
        yield d
    finally:
        d.close()


def make_target(d: Any) -> Any:
    """A white 400x300 window at (200, 150) with a UTF-8 title and frame extents, listed
    in _NET_CLIENT_LIST (there is no window manager to do it)."""
    from Xlib import Xatom

    screen = d.screen()
    window = screen.root.create_window(
        200, 150, 400, 300, 0, screen.root_depth, background_pixel=screen.white_pixel
    )
    window.set_wm_name("Target window")
    utf8 = d.intern_atom("UTF8_STRING")
    window.change_property(d.intern_atom("_NET_WM_NAME"), utf8, 8, TITLE.encode())
    window.change_property(d.intern_atom("_NET_FRAME_EXTENTS"), Xatom.CARDINAL, 32, EXTENTS)
    window.map()
    screen.root.change_property(d.intern_atom("_NET_CLIENT_LIST"), Xatom.WINDOW, 32, [window.id])
    d.sync()
    return window


def strips_on_screen(d: Any) -> set[tuple[int, int, int, int]]:
    """The mapped sharing-frame strips, as (x, y, w, h) on the root window."""
    from Xlib import X

    found = set()
    for child in d.screen().root.query_tree().children:
        try:
            name = child.get_wm_name()
            if name != STRIP_TITLE or child.get_attributes().map_state != X.IsViewable:
                continue
            g = child.get_geometry()
        except Exception:  # a window that went away meanwhile
            continue
        found.add((g.x, g.y, g.width, g.height))
    return found


def expected_strips(x: int, y: int, w: int, h: int, xvfb: XDisplay) -> set[tuple[int, ...]]:
    """Around the window and its frame extents."""
    left, right, top, bottom = EXTENTS
    around = Rect(x - left, y - top, w + left + right, h + top + bottom)
    screens = [QRect(0, 0, xvfb.width, xvfb.height)]
    return {r.getRect() for r in strip_rects(around, THICKNESS, screens)}


def is_frame_red(rgb: np.ndarray, px: int, py: int) -> bool:
    return bool(np.abs(rgb[py, px].astype(int) - FRAME_RGB).max() < 12)


def test_window_share_frame_follows_the_window(
    xvfb: XDisplay,
    x: Any,
    artifacts: Path,  # type: ignore[no-untyped-def]
) -> None:
    target = make_target(x)
    child = Child(xvfb)
    try:
        child.expect("sharing")
        wanted = expected_strips(200, 150, 400, 300, xvfb)
        wait_for(lambda: strips_on_screen(x) == wanted, 10, "the frame around the window")
        # The capture is of that window (Qt's, built from the id we listed).
        assert child.expect("sent") == "sent 400x300"

        with Image.open(xvfb.screenshot(artifacts / "window_frame_e2e_before.png")) as shot:
            rgb = np.asarray(shot.convert("RGB"))
        # Red just outside the window's frame extents on every side, white inside.
        left, right, top, bottom = EXTENTS
        assert is_frame_red(rgb, 400, 150 - top - 2)  # top
        assert is_frame_red(rgb, 400, 150 + 300 + bottom + 1)  # bottom
        assert is_frame_red(rgb, 200 - left - 2, 300)  # left
        assert is_frame_red(rgb, 200 + 400 + right + 1, 300)  # right
        assert not is_frame_red(rgb, 400, 300)

        # Moved and resized: the frame catches up.
        target.configure(x=520, y=330, width=350, height=250)
        x.sync()
        moved = expected_strips(520, 330, 350, 250, xvfb)
        wait_for(lambda: strips_on_screen(x) == moved, 5, "the frame to follow the window")
        xvfb.screenshot(artifacts / "window_frame_e2e_moved.png")

        # Unmapped (minimised): Qt's X11 capture stops with an error, which ends the
        # share, and the frame goes with it.
        target.unmap()
        x.sync()
        wait_for(lambda: not strips_on_screen(x), 5, "the frame to hide with the window")
        ended = child.lines.get(timeout=10)
        assert ended.startswith("error") and "not viewable" in ended, ended
    finally:
        code, err = child.quit()
    assert code == 0, err
    assert "Traceback" not in err and "Warning" not in err and "WARNING" not in err, err


def test_x11_window_list_and_geometry(x: Any) -> None:
    from gemini_desk.vision.x11_windows import X11Windows

    windows = X11Windows(x)
    assert windows.clients() == []  # no _NET_CLIENT_LIST yet: nothing, no error
    target = make_target(x)
    listed = windows.clients()
    assert [(c.id, c.title) for c in listed] == [(target.id, TITLE)]
    left, right, top, bottom = EXTENTS
    assert windows.frame_rect(target.id) == Rect(
        200 - left, 150 - top, 400 + left + right, 300 + top + bottom
    )
    target.unmap()
    x.sync()
    assert windows.frame_rect(target.id) is None  # minimised: no place
    target.destroy()
    x.sync()
    assert windows.frame_rect(target.id) is None  # closed: no place, no error
    assert windows.clients() == []  # still listed in _NET_CLIENT_LIST, but gone
