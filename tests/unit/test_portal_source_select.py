"""A region chosen on the stream (Wayland): the source asks for the selector at the
first frame, sends nothing before the choice, then the crop; a restart that restores
the same stream keeps the region, one that does not asks again.

The portal is replaced at open_cast and the PipeWire reader by a frame of known size
(both run for real in tests/integration/test_portal_region.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from PySide6.QtGui import QColor, QImage

from gemini_desk.vision import portal_source
from gemini_desk.vision.geometry import Rect
from gemini_desk.vision.region_flow import Phase
from gemini_desk.vision.screencast_flow import MONITOR, CastStream
from tests.unit.test_portal_source_token import Portal

MONITOR_STREAM = CastStream(41, (0, 0), (640, 400), MONITOR)


class Frames:
    """Stands in for PipeWireFrames: one frame of the asked size, there at once."""

    made: ClassVar[list[Frames]] = []

    def __init__(self, node: int, fd: int, w: int, h: int, fps: int, **kw: Any) -> None:
        self.size = (w, h)
        self.on_first: Callable[[], None] = kw["on_first"]
        self.stopped = False
        Frames.made.append(self)

    @staticmethod
    def available() -> bool:
        return True

    def start(self) -> None:
        self.on_first()  # (from the reader thread in the app)

    def latest(self) -> QImage:
        image = QImage(*self.size, QImage.Format.Format_RGB32)
        image.fill(QColor("#1e88e5"))
        return image

    def stop(self) -> None:
        self.stopped = True


@pytest.fixture(autouse=True)
def frames(monkeypatch: pytest.MonkeyPatch) -> None:
    Frames.made.clear()
    monkeypatch.setattr(portal_source, "PipeWireFrames", Frames)


def start(src: portal_source.PortalRegionSource, restart: bool = False) -> None:
    async def main() -> None:
        if restart:
            src.stop()
            await asyncio.sleep(0)
        src.start()
        assert src._task is not None
        await src._task
        for _ in range(3):  # the first frame's news comes through the loop
            await asyncio.sleep(0)

    asyncio.run(main())


def selecting_source(kept: list[str]) -> portal_source.PortalRegionSource:
    return portal_source.PortalRegionSource(
        None, "r", lambda _x, _y: 1.0, 5, 2, "", kept.append, select=True
    )


def test_the_selector_comes_with_the_first_frame_and_nothing_goes_out_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    portal = Portal((MONITOR_STREAM, "t-1", False))
    monkeypatch.setattr(portal_source, "open_cast", portal.open_cast)
    src = selecting_source([])
    shown: list[QImage] = []
    chosen: list[Rect] = []
    src.selectOn.connect(shown.append)
    src.chosen.connect(chosen.append)
    start(src)
    assert portal.asked == [(2, None)], "the picker: no token offered"
    assert [(i.width(), i.height()) for i in shown] == [(640, 400)]
    assert src.flow.phase is Phase.SELECTING
    assert src.grab() is None, "nothing before the region is chosen"
    src.choose(Rect(600, 10, 100, 50))  # clipped to the picture
    assert chosen == [Rect(600, 10, 40, 50)]
    grabbed = src.grab()
    assert grabbed is not None and (grabbed.width(), grabbed.height()) == (40, 50)


def test_cancelling_closes_the_cast_and_says_so_once(monkeypatch: pytest.MonkeyPatch) -> None:
    portal = Portal((MONITOR_STREAM, "t-1", False))
    monkeypatch.setattr(portal_source, "open_cast", portal.open_cast)
    src = selecting_source([])
    cancelled: list[bool] = []
    closed_selector: list[bool] = []
    src.cancelled.connect(lambda: cancelled.append(True))
    src.selectOff.connect(lambda: closed_selector.append(True))

    async def main() -> None:
        src.start()
        assert src._task is not None
        await src._task
        await asyncio.sleep(0)
        src.cancel_selection()
        await asyncio.sleep(0)  # the cast's close task runs
        src.stop()  # what sharing does next
        await asyncio.sleep(0)

    asyncio.run(main())
    assert cancelled == [True] and closed_selector == [True]
    assert portal.closed == 1 and Frames.made[0].stopped
    assert src.grab() is None


def test_a_restart_that_restores_the_stream_keeps_the_region(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    portal = Portal(
        (MONITOR_STREAM, "t-1", False),  # the picker
        (MONITOR_STREAM, "t-2", True),  # restored after a disconnection
        (MONITOR_STREAM, "t-3", False),  # the token failed: the picker again
    )
    monkeypatch.setattr(portal_source, "open_cast", portal.open_cast)
    kept: list[str] = []
    src = selecting_source(kept)
    shown: list[QImage] = []
    src.selectOn.connect(shown.append)
    start(src)
    src.choose(Rect(100, 50, 200, 100))
    start(src, restart=True)
    assert portal.asked[1] == (2, "t-1"), "the restart offers the token"
    assert len(shown) == 1, "restored: no selector"
    grabbed = src.grab()
    assert grabbed is not None and (grabbed.width(), grabbed.height()) == (200, 100)
    start(src, restart=True)
    assert len(shown) == 2, "another choice of stream: the region is chosen again"
    assert src.grab() is None
    assert kept == ["t-1", "t-2", "t-3"]
