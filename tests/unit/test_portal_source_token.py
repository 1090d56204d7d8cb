"""The region source keeps the ScreenCast restore token: reused when the capture starts
again, replaced by each new one, dropped when it restores the wrong monitor.

The portal is replaced at open_cast (the D-Bus side is tested against the real portal in
tests/e2e/test_wayland_e2e.py); what comes back is what the portal would hand over."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from gemini_desk.core.messages import Message, MessageId
from gemini_desk.vision import portal_source
from gemini_desk.vision.geometry import Rect
from gemini_desk.vision.portal_cast import PortalError
from gemini_desk.vision.screencast_flow import MONITOR, CastStream, Outcome, ScreenCastFlow

LEFT = CastStream(41, (0, 0), (1280, 800), MONITOR)
RIGHT = CastStream(42, (1280, 0), (1280, 800), MONITOR)


class Portal:
    """What open_cast is asked, and the casts it gives in turn."""

    def __init__(self, *answers: tuple[CastStream, str | None, bool] | Exception) -> None:
        self.answers = list(answers)
        self.asked: list[tuple[int, str | None]] = []
        self.closed = 0

    async def open_cast(
        self, types: int, on_closed: Any, persist_mode: int, restore_token: str | None
    ) -> tuple[Outcome, Any, str]:
        self.asked.append((persist_mode, restore_token))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        stream, token, restored = answer
        flow = ScreenCastFlow(":1.1", restore_token=token, restoring=restored)
        portal = self

        class Cast(portal_source.PortalCast):
            async def close(self) -> None:
                portal.closed += 1

        return Outcome.STARTED, Cast([stream], -1, None, flow), ""


def run(source: portal_source.PortalRegionSource, restart: bool = False) -> list[Message]:
    """Start capturing (after stopping, with ``restart``) until the portal's part ends."""
    failed: list[Message] = []
    source.failed.connect(failed.append)

    async def main() -> None:
        if restart:
            source.stop()  # as the pump does when frames could not go out for 5 s
            await asyncio.sleep(0)  # the close task runs
        source.start()
        task = source._task
        assert task is not None
        await task

    asyncio.run(main())
    return failed


@pytest.fixture
def no_gstreamer_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """The frames are not read here: the source stops right after the portal's part."""

    def start(self: object) -> None:
        raise OSError("not read in this test")

    monkeypatch.setattr(portal_source.PipeWireFrames, "available", staticmethod(lambda: True))
    monkeypatch.setattr(portal_source.PipeWireFrames, "start", start)


def source(token: str, kept: list[str], region: Rect | None = None) -> Any:
    return portal_source.PortalRegionSource(
        region or Rect(40, 100, 400, 300), "r", lambda _x, _y: 1.0, 5, 2, token, kept.append
    )


@pytest.mark.usefixtures("no_gstreamer_check")
def test_the_token_is_offered_replaced_and_offered_again_on_the_next_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    portal = Portal((LEFT, "t-2", True), (LEFT, "t-3", True))
    monkeypatch.setattr(portal_source, "open_cast", portal.open_cast)
    kept: list[str] = []
    src = source("t-1", kept)
    run(src)
    assert portal.asked == [(2, "t-1")]
    assert kept == ["t-2"] and src.restore_token == "t-2"
    run(src, restart=True)  # the connection came back after the grace: capture again
    assert portal.closed == 1, "stopping closed the first cast"
    assert portal.asked == [(2, "t-1"), (2, "t-2")], "no picker: the latest token"
    assert kept == ["t-2", "t-3"]


@pytest.mark.usefixtures("no_gstreamer_check")
def test_a_restored_monitor_without_the_region_asks_the_picker_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    portal = Portal((RIGHT, "t-2", True), (LEFT, "t-3", False))
    monkeypatch.setattr(portal_source, "open_cast", portal.open_cast)
    kept: list[str] = []
    failed = run(source("t-1", kept))
    assert portal.asked == [(2, "t-1"), (2, None)]
    assert portal.closed == 1, "the wrong monitor's cast was closed"
    assert kept == ["t-2", "", "t-3"]
    assert [m.id for m in failed] == [MessageId.CAPTURE_UNAVAILABLE], "(frames not read)"
    # Picked by the user and still the wrong monitor: said, not asked again.
    portal = Portal((RIGHT, "t-9", False))
    monkeypatch.setattr(portal_source, "open_cast", portal.open_cast)
    failed = run(source("", kept))
    assert portal.asked == [(2, None)]
    assert [m.id for m in failed] == [MessageId.PORTAL_WRONG_SCREEN]


@pytest.mark.usefixtures("no_gstreamer_check")
def test_a_portal_that_cannot_be_asked_leaves_the_token(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    portal = Portal(PortalError("no session bus"))
    monkeypatch.setattr(portal_source, "open_cast", portal.open_cast)
    kept: list[str] = []
    src = source("t-1", kept)
    failed = run(src)
    assert kept == [] and src.restore_token == "t-1"
    assert [m.id for m in failed] == [MessageId.CAPTURE_UNAVAILABLE]
