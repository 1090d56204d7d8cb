"""The app's windows natively on a real Wayland session (headless sway), driven by the
seat's keyboard (``wtype``, the virtual-keyboard protocol; the headless seat has no
pointer that reaches clients: tests/support/sway.py). Screenshots (grim) go to
artifacts/issue20/.

The dialogs (Settings, History, About), the single-instance hand-over, and Share ▸
Region chosen on the stream's frame: the ScreenCast portal there is the double of
tests/support/screencast_double.py (xdg-desktop-portal-wlr casts nothing without a
GPU), on a session bus of the test's own, casting a pattern published in the session's
PipeWire; the frames at the local server are that pattern's crop.
"""

from __future__ import annotations

import io
import json
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from gemini_desk.sim import SimThread
from tests.e2e.conftest import PULSE_DEVICES, assert_clean_log
from tests.e2e.test_wayland_e2e import WaylandApp, launch
from tests.support.needs import need_tool
from tests.support.sim_fixtures import sim
from tests.support.sway import WaylandSession, sway_session

__all__ = ["launch", "sim", "sway_session"]

pytestmark = pytest.mark.e2e

W, H = 1280, 800  # the cast monitor: the output's size, so the selector shows it 1:1
TILE = 80
CHOSEN = (200, 160, 480, 320)  # chosen on the selector (stream pixels)
LAST = "190,150,480,320"  # the remembered region: preselected, then nudged to CHOSEN
MAX_MAD = 3.0  # as tests/integration/test_portal_region.py (measured there: 2.2)
SELECTOR = "Select a region to share"


def pattern() -> np.ndarray:
    rng = np.random.default_rng(20)
    tiles = rng.integers(0, 256, size=(H // TILE, W // TILE, 3), dtype=np.uint8)
    return np.repeat(np.repeat(tiles, TILE, axis=0), TILE, axis=1)


@pytest.fixture
def shots(artifacts: Path) -> Path:
    folder = artifacts / "issue20"
    folder.mkdir(exist_ok=True)
    return folder


def titled(session: WaylandSession, title: str) -> dict[str, Any] | None:
    """The window called ``title``; Qt on Wayland adds " — Gemini Desk" to a dialog's."""
    for window in session.windows():
        name = str(window.get("name") or "")
        if name == title or name == f"{title} \u2014 Gemini Desk":
            return window
    return None


def wait_window(app: WaylandApp, session: WaylandSession, title: str) -> dict[str, Any]:
    app.wait_for(lambda: titled(session, title), 30, f"the window {title!r} on sway")
    window = titled(session, title)
    assert window is not None and window["shell"] == "xdg_shell", f"{title!r} is not native"
    return window


def wait_gone(app: WaylandApp, session: WaylandSession, title: str) -> None:
    app.wait_for(lambda: titled(session, title) is None, 20, f"{title!r} to close")


def test_dialogs_and_the_single_instance_hand_over_run_natively(
    launch: Callable[..., WaylandApp],
    sway_session: WaylandSession,
    sim: SimThread,
    shots: Path,
) -> None:
    app = launch("--base-url", sim.base_url, "--connect", *PULSE_DEVICES)
    wait_window(app, sway_session, "Gemini Desk")
    app.wait_for(lambda: sim.server.sessions, 40, "the app to connect")
    for keys, title, shot in (
        (("-M", "ctrl", ",", "-m", "ctrl"), "Settings", "settings.png"),
        (("-M", "ctrl", "h", "-m", "ctrl"), "Conversation history", "history.png"),
        (("-M", "alt", "h", "-m", "alt", "a"), "About Gemini Desk", "about.png"),
    ):
        sway_session.swaymsg('[title="^Gemini Desk$"] focus')
        sway_session.type_keys(*keys)
        wait_window(app, sway_session, title)
        sway_session.screenshot(shots / shot)
        sway_session.type_keys("-k", "Escape")
        wait_gone(app, sway_session, title)
    # A second launch hands its options to the first and exits.
    second = launch("--connect", home=app.home)
    assert second.proc.wait(timeout=60) == 0, second.output.read_text(errors="replace")
    handed = second.output.read_text(errors="replace")
    assert "already connected" in handed, handed
    assert len(sway_session.windows()) == 1, "one window: the first instance's"
    sway_session.screenshot(shots / "single_instance.png")
    assert app.quit() == 0
    assert_clean_log(app.log_file)


@dataclass
class CastRig:
    """A session bus of the test's own with the ScreenCast double on it."""

    bus: str
    double: subprocess.Popen[str]
    closed: list[str]


def _node(session: WaylandSession, name: str) -> int | None:
    done = session.run(["pw-dump"], text=True)
    for obj in json.loads(done.stdout or "[]"):
        if obj.get("info", {}).get("props", {}).get("node.name") == name:
            return int(obj["id"])
    return None


@pytest.fixture
def cast_rig(sway_session: WaylandSession) -> Iterator[CastRig]:
    """The pattern in the session's PipeWire (as its user), a second dbus-daemon and
    the ScreenCast double serving that node (both as its user too)."""
    need_tool("gst-launch-1.0", "gstreamer1.0-tools")
    need_tool("pw-dump", "pipewire-bin")
    session = sway_session
    env = session.client_env()
    caps = f"video/x-raw,format=BGRx,width={W},height={H},framerate=10/1"
    feeder = session.popen(
        ["gst-launch-1.0", "-q",
         "compositor", "name=mix", "!", caps, "!", "pipewiresink", "mode=provide",
         "stream-properties=props,media.class=Video/Source,node.name=gd-pattern",
         "videotestsrc", "is-live=true", "pattern=black", "!", caps, "!", "mix.sink_0",
         "fdsrc", "fd=0", "!",
         "rawvideoparse", f"width={W}", f"height={H}", "format=rgb", "framerate=10/1", "!",
         "videoconvert", "!", "video/x-raw,format=BGRx", "!", "mix.sink_1"],
        env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    rgb = pattern().tobytes()
    stop = threading.Event()

    def feed() -> None:
        assert feeder.stdin is not None
        try:
            while not stop.is_set():
                feeder.stdin.write(rgb)
                feeder.stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            pass

    writer = threading.Thread(target=feed, name="pattern-feeder", daemon=True)
    writer.start()
    procs: list[subprocess.Popen[str]] = []
    try:
        bus_path = session.runtime / "cast-bus"
        bus = session.popen(
            ["dbus-daemon", "--session", "--nofork", "--nopidfile", "--print-address=1",
             f"--address=unix:path={bus_path}"],
            env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        procs.append(bus)
        assert bus.stdout is not None
        address = bus.stdout.readline().strip()
        assert address.startswith("unix:"), "the test's session bus did not start"
        deadline_node = _wait(lambda: _node(session, "gd-pattern"), 20)
        python = session.python()
        double = session.popen(
            [*python.prefix, "-m", "tests.support.screencast_double", address,
             str(deadline_node), str(session.runtime / "pipewire-0"), str(W), str(H)],
            session.client_env(**python.env), cwd=python.project,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        procs.append(double)
        assert double.stdout is not None
        assert double.stdout.readline().strip() == "ready", "the ScreenCast double did not start"
        closed: list[str] = []

        def read_closed() -> None:
            assert double.stdout is not None
            for line in double.stdout:
                if line.startswith("closed "):
                    closed.append(line.split(" ", 1)[1].strip())

        threading.Thread(target=read_closed, name="double-out", daemon=True).start()
        yield CastRig(address, double, closed)
    finally:
        stop.set()
        for proc in [*reversed(procs), feeder]:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        writer.join(5)
        for proc in procs:
            if proc.stdout is not None:
                proc.stdout.close()


def _wait(find: Callable[[], int | None], timeout: float) -> int:
    import time

    deadline = time.monotonic() + timeout
    while (found := find()) is None:
        assert time.monotonic() < deadline, "the pattern never appeared in PipeWire"
        time.sleep(0.1)
    return found


def jpeg_frames(sim: SimThread) -> list[bytes]:
    sessions = sim.server.sessions
    return [f.data for f in sessions[0].video_frames] if sessions else []


def test_share_region_picks_on_the_stream_frame_under_sway(
    launch: Callable[..., WaylandApp],
    sway_session: WaylandSession,
    sim: SimThread,
    cast_rig: CastRig,
    shots: Path,
) -> None:
    """Ctrl+Shift+S: the portal's picker (the double), then the selector full screen
    over the stream's frame with the remembered region; Shift+arrows move it 10 px,
    Enter shares; the frames at the server are the pattern's crop. Stopping sharing
    (Ctrl+Shift+X) closes the portal session, and so does Esc on the selector."""
    app = launch(
        "--base-url", sim.base_url, "--connect", *PULSE_DEVICES,
        settings={"share_fps": 4.0, "share_keepalive_s": 30.0, "share_last_region": LAST},
        env_extra={"DBUS_SESSION_BUS_ADDRESS": cast_rig.bus},
    )  # fmt: skip
    wait_window(app, sway_session, "Gemini Desk")
    app.wait_for(lambda: sim.server.sessions, 40, "the app to connect")
    sway_session.type_keys("-M", "ctrl", "-M", "shift", "-k", "s", "-m", "shift", "-m", "ctrl")
    selector = wait_window(app, sway_session, SELECTOR)
    rect = selector["rect"]
    assert isinstance(rect, dict)
    assert (rect["width"], rect["height"]) == (W, H), "full screen"
    app.wait_for(lambda: (titled(sway_session, SELECTOR) or {}).get("focused"), 10, "focus")
    sway_session.screenshot(shots / "region_selector.png")
    for key in ("Right", "Down"):
        sway_session.type_keys("-M", "shift", "-k", key, "-m", "shift")
    assert jpeg_frames(sim) == [], "nothing is sent before the region is chosen"
    sway_session.type_keys("-k", "Return")
    wait_gone(app, sway_session, SELECTOR)
    x, y, w, h = CHOSEN
    app.wait_for(lambda: jpeg_frames(sim), 30, "a frame of the region")
    frame = jpeg_frames(sim)[-1]
    with Image.open(io.BytesIO(frame)) as sent:
        assert sent.format == "JPEG" and sent.size == (w, h)
        got = np.asarray(sent.convert("RGB")).astype(np.int16)
        sent.save(shots / "region_sent.jpg")
    mad = float(np.mean(np.abs(got - pattern()[y : y + h, x : x + w].astype(np.int16))))
    assert mad < MAX_MAD, f"the sent frame is not the chosen crop: MAD {mad:.2f}"
    sway_session.screenshot(shots / "region_sharing.png")
    sway_session.swaymsg('[title="^Gemini Desk$"] focus')
    sway_session.type_keys("-M", "ctrl", "-M", "shift", "-k", "x", "-m", "shift", "-m", "ctrl")
    app.wait_for(lambda: cast_rig.closed, 20, "the portal session to close")
    sent = len(jpeg_frames(sim))
    # Again, and Esc on the selector: the second portal session closes, nothing is sent.
    sway_session.type_keys("-M", "ctrl", "-M", "shift", "-k", "s", "-m", "shift", "-m", "ctrl")
    wait_window(app, sway_session, SELECTOR)
    app.wait_for(lambda: (titled(sway_session, SELECTOR) or {}).get("focused"), 10, "focus")
    sway_session.type_keys("-k", "Escape")
    wait_gone(app, sway_session, SELECTOR)
    app.wait_for(lambda: len(cast_rig.closed) == 2, 20, "the second session to close")
    assert len(jpeg_frames(sim)) == sent
    assert "sharing stopped (0 frames sent)" in app.log_text()
    assert app.quit() == 0
    assert_clean_log(app.log_file)
    kept = json.loads((app.home / "config" / "settings.json").read_text())
    assert kept["share_last_region"] == ",".join(map(str, CHOSEN)), "remembered"
