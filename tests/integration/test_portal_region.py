"""Share ▸ Region on Wayland, below the screen: the desktop's picker first, then the
region chosen on the stream's first frame, then JPEG frames of that crop at the server.

Real parts: a private ``dbus-daemon --session`` with the ScreenCast portal double
(tests/support/screencast_double.py) that casts a real PipeWire node (the PipeWire rig,
tests/support/pipewire.py) fed by ``gst-launch-1.0`` with a known pattern; the app's
own portal client (dbus-fast), PipeWire reader (gst-launch), region selector, frame
pump and JPEG path; the real conversation and google-genai talking to the local Live
server. Qt runs offscreen (the capture support is set to Wayland's: Qt's platform here
cannot be Wayland); tests/e2e/test_wayland_ui_e2e.py runs the same on sway.
"""

from __future__ import annotations

import asyncio
import gc
import io
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gemini_desk.core.events import SessionState
from gemini_desk.core.messages import Message, MessageId
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.desktop.sharing import ScreenSharing
from gemini_desk.live.config import Endpoint
from gemini_desk.session.conversation import Conversation
from gemini_desk.sim import SimThread
from gemini_desk.ui.frame_selector import FrameSelector
from gemini_desk.ui.main_window import MainWindow
from gemini_desk.vision.platform import CaptureSupport
from tests.integration.test_conversation import FakeMic, FakeSpeaker
from tests.support.dbus_session import SessionBus, private_bus
from tests.support.needs import need_tool
from tests.support.pipewire import start_pipewire, stop_all, wait_until
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401
from tests.support.screencast_double import CastStream, ScreenCastDouble
from tests.support.sim_fixtures import sim

__all__ = ["private_bus", "sim"]

W, H = 640, 400  # the cast monitor (fits the offscreen screen at one pixel per pixel)
TILE = 40
CHOSEN = (120, 80, 320, 200)  # the region dragged on the frame (stream pixels)
# Mean absolute difference (0-255) between a sent frame and the pattern's crop; measured
# here: 2.2 for the right crop, 3.8 one pixel off, 10.7 four pixels off (asserted above).
MAX_MAD = 3.0


def pattern() -> np.ndarray:
    """Seeded random 40-px tiles: every crop offset looks different."""
    rng = np.random.default_rng(20)
    tiles = rng.integers(0, 256, size=(H // TILE, W // TILE, 3), dtype=np.uint8)
    return np.repeat(np.repeat(tiles, TILE, axis=0), TILE, axis=1)


@dataclass
class Cast:
    """The PipeWire rig with the pattern published as a video node."""

    runtime: Path
    env: dict[str, str]
    node: int
    feeder: subprocess.Popen[bytes]


def _node(env: dict[str, str], name: str) -> int | None:
    done = subprocess.run(["pw-dump"], env=env, capture_output=True, text=True, timeout=20)
    for obj in json.loads(done.stdout or "[]"):
        if obj.get("info", {}).get("props", {}).get("node.name") == name:
            return int(obj["id"])
    return None


@pytest.fixture
def cast(tmp_path: Path) -> Iterator[Cast]:
    for tool, package in (
        ("gst-launch-1.0", "gstreamer1.0-tools"),
        ("pw-dump", "pipewire-bin"),
        ("pipewire", "pipewire"),
        ("wireplumber", "wireplumber"),
    ):
        need_tool(tool, package)
    runtime = Path(tempfile.mkdtemp(prefix="gd-pw-"))
    # Only what the daemons need: another rig's PULSE_RUNTIME_PATH (the PulseAudio
    # fixture exports it while it runs) would send pipewire-pulse onto its socket.
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "HOME": str(runtime),
        "XDG_RUNTIME_DIR": str(runtime),
    }
    log = open(tmp_path / "pipewire.log", "wb")  # noqa: SIM115 - closed below
    procs = start_pipewire(runtime, env, log)
    rgb = pattern().tobytes()
    caps = f"video/x-raw,format=BGRx,width={W},height={H},framerate=10/1"
    # The pattern comes raw on stdin, over a live black background: pipewiresink
    # 0.3.65 crashes when its only source is not live ("invalid memory type 4", then
    # SIGSEGV), and the compositor's output is live and in buffers of its own.
    feeder = subprocess.Popen(
        ["gst-launch-1.0", "-q",
         "compositor", "name=mix", "!", caps, "!", "pipewiresink", "mode=provide",
         "stream-properties=props,media.class=Video/Source,node.name=gd-pattern",
         "videotestsrc", "is-live=true", "pattern=black", "!", caps, "!", "mix.sink_0",
         "fdsrc", "fd=0", "!",
         "rawvideoparse", f"width={W}", f"height={H}", "format=rgb", "framerate=10/1", "!",
         "videoconvert", "!", "video/x-raw,format=BGRx", "!", "mix.sink_1"],
        env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=log,
    )  # fmt: skip
    stop = threading.Event()

    def feed() -> None:  # the pipe's back-pressure paces it (the sink keeps the clock)
        assert feeder.stdin is not None
        try:
            while not stop.is_set():
                feeder.stdin.write(rgb)
                feeder.stdin.flush()
        except (BrokenPipeError, ValueError, OSError):
            pass

    writer = threading.Thread(target=feed, name="pattern-feeder", daemon=True)
    writer.start()
    try:
        wait_until(lambda: _node(env, "gd-pattern") is not None, 20, "the pattern node", procs)
        yield Cast(runtime, env, _node(env, "gd-pattern") or 0, feeder)
    finally:
        stop.set()
        feeder.terminate()
        feeder.wait(10)
        writer.join(5)
        if feeder.stdin is not None:
            feeder.stdin.close()
        stop_all(procs)
        log.close()
        shutil.rmtree(runtime, ignore_errors=True)


@pytest.fixture
def portal(
    monkeypatch: pytest.MonkeyPatch,
    private_bus: SessionBus,
    cast: Cast,
    request: pytest.FixtureRequest,
) -> Iterator[ScreenCastDouble]:
    mode = getattr(request, "param", "ok")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", private_bus.address)
    stream = CastStream(cast.node, (0, 0), (W, H))
    double = ScreenCastDouble(private_bus.address, stream, str(cast.runtime / "pipewire-0"), mode)
    double.start()
    yield double
    double.stop()


@dataclass
class App:
    window: MainWindow
    conv: Conversation
    sharing: ScreenSharing
    said: list[Message | str]
    settings: SettingsModel

    async def until(self, predicate: Callable[[], object], timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, "timed out waiting"
            await asyncio.sleep(0.01)

    def selector(self) -> FrameSelector | None:
        selection = self.sharing._selection
        found = getattr(selection, "selector", None)
        return found if isinstance(found, FrameSelector) and found.isVisible() else None


async def pump_qt_events(qapp: QApplication) -> None:  # noqa: F811
    """Qt's events on this asyncio loop: a pump, not a wait for a condition."""
    while True:
        qapp.processEvents()
        await asyncio.sleep(0.002)


def run_app(
    qapp: QApplication,  # noqa: F811
    tmp: Path,
    sim: SimThread,
    scenario: Callable[[App], object],
) -> None:
    """The window, the conversation (connected to ``sim``) and screen sharing with
    Wayland's capture support, on an asyncio loop that also runs Qt's events."""
    window = MainWindow(lambda: (-90.0, -90.0, False), lambda: (-90.0, -90.0, False))
    said: list[Message | str] = []
    show_error = window.show_error

    def record(what: Message | str, action: str | None = None) -> None:
        said.append(what)
        show_error(what, action)

    window.show_error = record  # type: ignore[method-assign]
    settings = SettingsModel(Settings(share_fps=4.0, share_keepalive_s=30.0), save=lambda _s: None)

    async def main() -> None:
        conv = Conversation(window, settings, tmp / "conversations", FakeMic, lambda: FakeSpeaker())
        conv.endpoint = Endpoint(api_key="demo-key", base_url=sim.base_url, ca_file=sim.ca_file)
        sharing = ScreenSharing(window, window, settings, conv.send_video, conv.video_ready)
        sharing.support = CaptureSupport("wayland", False, True, None)
        qt = asyncio.create_task(pump_qt_events(qapp))
        try:
            conv.connect()
            app = App(window, conv, sharing, said, settings)
            await app.until(lambda: conv.state is SessionState.CONNECTED)
            sharing.connection_changed()
            await asyncio.wait_for(scenario(app), 90)  # type: ignore[arg-type]
        finally:
            await sharing.shutdown()
            await conv.shutdown()
            window.close_now()
            window.deleteLater()
            qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
            qt.cancel()

    asyncio.run(main())
    del window.show_error  # the recording wrapper made a cycle through the window
    gc.collect()
    process_events(0)


def jpeg_frames(sim: SimThread) -> list[bytes]:
    sessions = sim.server.sessions
    return [f.data for f in sessions[0].video_frames] if sessions else []


def mad(jpeg: bytes, region: tuple[int, int, int, int]) -> float:
    x, y, w, h = region
    with Image.open(io.BytesIO(jpeg)) as sent:
        assert sent.format == "JPEG" and sent.size == (w, h)
        got = np.asarray(sent.convert("RGB")).astype(np.int16)
    want = pattern()[y : y + h, x : x + w].astype(np.int16)
    return float(np.mean(np.abs(got - want)))


def drag_on(selector: FrameSelector, region: tuple[int, int, int, int]) -> None:
    """Drag ``region`` (frame pixels) with the mouse, where the frame is drawn."""
    x, y, w, h = region
    t, s = selector.target(), selector.scale()
    a = QPoint(round(t.x() + x * s), round(t.y() + y * s))
    b = QPoint(round(t.x() + (x + w) * s), round(t.y() + (y + h) * s))
    QTest.mousePress(selector, Qt.MouseButton.LeftButton, pos=a)
    QTest.mouseMove(selector, (a + b) / 2)
    QTest.mouseMove(selector, b)
    QTest.mouseRelease(selector, Qt.MouseButton.LeftButton, pos=b)


def test_picker_then_the_frame_then_the_crop_reaches_the_server(
    qapp: QApplication,  # noqa: F811
    tmp_path: Path,
    sim: SimThread,
    portal: ScreenCastDouble,
) -> None:
    async def scenario(app: App) -> None:
        app.window.share_bar.regionRequested.emit()  # Share ▸ Region (Ctrl+Shift+S)
        await app.until(lambda: portal.calls_of("Start"))
        assert portal.pickers == 1, "the desktop's picker came first"
        select = portal.calls_of("SelectSources")[0]
        assert select.signature == "oa{sv}" and select.body[1]["persist_mode"] == 2
        assert "restore_token" not in select.body[1], "asked, not restored: the picker shows"
        await app.until(app.selector)
        selector = app.selector()
        assert selector is not None
        assert (selector.image.width(), selector.image.height()) == (W, H)
        shown = selector.image.pixelColor(TILE * 3 + 5, TILE * 2 + 5)
        assert (shown.red(), shown.green(), shown.blue()) == tuple(
            pattern()[TILE * 2 + 5, TILE * 3 + 5]
        )
        # Full screen comes with the window system's next configure (here: Qt's).
        await app.until(lambda: selector.size() == selector.screen().size())
        assert selector.scale() == 1.0, "one stream pixel per pixel"
        await asyncio.sleep(0.5)  # frames keep coming meanwhile; none may go out
        assert jpeg_frames(sim) == [], "nothing is sent before the region is chosen"
        drag_on(selector, CHOSEN)
        QTest.keyClick(selector, Qt.Key.Key_Return)
        await app.until(lambda: jpeg_frames(sim))
        assert app.sharing.what is not None
        assert (app.sharing.what.width, app.sharing.what.height) == CHOSEN[2:]
        # Remembered in desktop coordinates (the monitor at 0,0, scale 1): preselected
        # next time, and what --share-region would name.
        assert app.settings.current.share_last_region == ",".join(map(str, CHOSEN))
        frame = jpeg_frames(sim)[-1]
        right = mad(frame, CHOSEN)
        x, y, w, h = CHOSEN
        shifted = mad(frame, (x + 4, y, w, h))
        assert right < MAX_MAD < shifted, f"MAD {right:.2f} (4 px off: {shifted:.2f})"
        (tmp_path / "sent.jpg").write_bytes(frame)
        assert portal.open_sessions(), "the cast runs"
        app.sharing.stop()
        await app.until(lambda: not portal.open_sessions())
        assert len(portal.closed) == 1, "stopping closed the portal session"
        assert not app.said, f"nothing to say: {app.said}"

    run_app(qapp, tmp_path, sim, scenario)


def test_escape_on_the_selector_closes_the_portal_session_quietly(
    qapp: QApplication,  # noqa: F811
    tmp_path: Path,
    sim: SimThread,
    portal: ScreenCastDouble,
) -> None:
    async def scenario(app: App) -> None:
        app.sharing.pick_region()
        await app.until(app.selector)
        selector = app.selector()
        assert selector is not None
        QTest.keyClick(selector, Qt.Key.Key_Escape)
        await app.until(lambda: portal.closed)
        assert not app.sharing.sharing and app.sharing.what is None
        assert app.selector() is None
        assert jpeg_frames(sim) == []
        assert not app.said, "cancelling is not an error"

    run_app(qapp, tmp_path, sim, scenario)


@pytest.mark.parametrize("portal", ["refuse"], indirect=True)
def test_a_refused_picker_is_a_plain_message_and_no_selector(
    qapp: QApplication,  # noqa: F811
    tmp_path: Path,
    sim: SimThread,
    portal: ScreenCastDouble,
) -> None:
    async def scenario(app: App) -> None:
        app.sharing.pick_region()
        await app.until(lambda: app.said)
        assert [m.id for m in app.said if isinstance(m, Message)] == [MessageId.PORTAL_REFUSED]
        assert not app.sharing.sharing and app.selector() is None
        await app.until(lambda: not portal.open_sessions())  # closed by the app or portal

    run_app(qapp, tmp_path, sim, scenario)
