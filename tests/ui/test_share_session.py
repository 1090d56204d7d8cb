"""Sharing through a real conversation: frames reach the local server, stop on disconnect."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from PySide6.QtGui import QColor, QImage

from gemini_desk.core.desk_state import Shared, ShareKind
from gemini_desk.core.events import SessionState
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.desktop.sharing import ScreenSharing
from gemini_desk.live.config import Endpoint
from gemini_desk.session.conversation import Conversation
from gemini_desk.sim import SimThread
from gemini_desk.ui.main_window import MainWindow
from gemini_desk.vision.geometry import Rect
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401
from tests.support.sim_fixtures import sim

__all__ = ["sim"]


class Changing:
    """A 1600x900 'screen' whose colour changes on every grab."""

    description = "changing test screen"

    def __init__(self) -> None:
        self.n = 0

    def grab(self) -> QImage:
        self.n += 1
        image = QImage(1600, 900, QImage.Format.Format_RGB32)
        image.fill(QColor((self.n * 40) % 256, 90, 160))
        return image

    def close(self) -> None:
        pass


class Camera(Changing):
    """Changing, switched on and off like a camera: records the conversation's state
    each time it is switched on or off."""

    def __init__(self, state: Callable[[], SessionState]) -> None:
        super().__init__()
        self.state = state
        self.switches: list[tuple[bool, SessionState]] = []

    def start(self) -> None:
        self.switches.append((True, self.state()))

    def stop(self) -> None:
        self.switches.append((False, self.state()))


async def until(predicate: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        process_events()
        await asyncio.sleep(0.01)


def test_frames_reach_the_server_and_sharing_stops_on_disconnect(
    sim: SimThread,
    tmp_path: Path,
    qapp,  # noqa: F811
) -> None:
    window = MainWindow(lambda: (-90.0, -90.0, False), lambda: (-90.0, -90.0, False))
    settings = SettingsModel(Settings(share_fps=10.0))
    conv = Conversation(window, settings, tmp_path / "conversations", None, None)
    conv.endpoint = Endpoint(api_key="demo-key", base_url=sim.base_url, ca_file=sim.ca_file)
    asked: list[bool] = []  # every answer to the pump's "may I send?", once per tick

    def video_ready() -> bool:
        asked.append(conv.video_ready())
        return asked[-1]

    sharing = ScreenSharing(window, window, settings, conv.send_video, video_ready)
    conv.on_disconnected.append(sharing.stop)
    conv.status.subscribe(sharing.connection_changed)
    screen = Camera(lambda: conv.state)

    async def main() -> None:
        sharing.share_source(screen, Shared(ShareKind.SCREEN), Rect(10, 10, 100, 100))
        waiting = "Nothing is captured until you connect."
        assert window.share_bar.note.text().startswith(waiting)
        await until(lambda: len(asked) >= 3)  # three ticks while not connected...
        assert not any(asked) and screen.n == 0, "grabbed while not connected"
        assert screen.switches == [], "the camera is on before connecting"
        assert sharing.pump is not None and sharing.pump.frames_sent == 0
        conv.connect()
        await until(lambda: conv.state is SessionState.CONNECTED)
        session = sim.server.sessions[0]
        await until(lambda: len(session.video_frames) >= 3)
        frame = session.video_frames[-1]
        assert frame.mime_type == "image/jpeg"
        assert Image.open(io.BytesIO(frame.data)).size == (1024, 576)
        conv.send_text("What do you see?")
        await until(lambda: any(t.completed for t in session.turns))
        assert "video frame" in (session.turns[0].output_text or "")
        assert "1024\u00d7576" in (session.turns[0].output_text or "")
        assert window.share_bar.preview.frame is not None
        assert waiting not in window.share_bar.note.text(), "frames go out: no longer waiting"

        await conv.disconnect()
        await until(lambda: conv.state is SessionState.DISCONNECTED)
        assert not sharing.sharing and window.share_bar.isHidden()
        assert sharing.pump is None or not sharing.pump.running, "the pump outlived the session"
        grabs = screen.n
        await until(lambda: session.closed)  # the server is done: nothing more can arrive
        assert screen.n == grabs, "grabbing went on after the disconnect"
        on, off = screen.switches  # on once connected, off when the conversation ended
        assert on == (True, SessionState.CONNECTED) and off[0] is False
        await sharing.shutdown()

    asyncio.run(asyncio.wait_for(main(), 60))
    window.close_now()
    window.deleteLater()
