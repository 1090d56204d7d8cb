"""Change detection, encoding and the frame pump, with fake frame sources (our interface)."""

from __future__ import annotations

import asyncio
import io
import threading
import time
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw
from PySide6.QtGui import QImage

from gemini_desk.vision.change import ChangeDetector, thumbnail
from gemini_desk.vision.encode import from_pil, make_frame
from gemini_desk.vision.pump import FramePump, PumpSettings
from tests.support.qt import qapp, qt_warnings_fatal  # noqa: F401


def page(text: str = "", noise: int = 0, seed: int = 0) -> QImage:
    """A white 1920x1080 'screen' with a line of small text."""
    image = Image.new("RGB", (1920, 1080), "white")
    ImageDraw.Draw(image).text((600, 500), text, fill="black")
    if noise:
        arr = np.asarray(image).astype(np.int16)
        arr += np.random.default_rng(seed).integers(-noise, noise + 1, arr.shape, dtype=np.int16)
        image = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return from_pil(image)


def test_one_typed_letter_is_a_change_but_noise_is_not() -> None:
    detector = ChangeDetector()
    base = thumbnail(page("hello"))
    assert detector.changed(base)  # nothing sent yet
    detector.mark_sent(base)
    assert not detector.changed(thumbnail(page("hello")))
    assert not detector.changed(thumbnail(page("hello", noise=3)))
    assert detector.changed(thumbnail(page("hello!")))


def test_make_frame_scales_encodes_and_previews_the_jpeg() -> None:
    image = page("size check")
    frame = make_frame(image, max_side=1024, sharp=False, quality=80)
    assert frame.jpeg[:3] == b"\xff\xd8\xff"
    decoded = Image.open(io.BytesIO(frame.jpeg))
    assert decoded.size == (frame.width, frame.height) == (1024, 576)
    assert (frame.source_width, frame.source_height) == (1920, 1080)
    assert max(frame.preview_width, frame.preview_height) <= 320
    assert len(frame.preview_rgb) == 3 * frame.preview_width * frame.preview_height
    sharp = make_frame(image, max_side=1024, sharp=True, quality=80)
    assert (sharp.width, sharp.height) == (1920, 1080)


class FakeSource:
    """A frame source that returns ``images`` in turn (the last one forever)."""

    description = "fake"

    def __init__(self, images: list[QImage]) -> None:
        self.images = images
        self.grabs = 0
        self.threads: set[str] = set()
        self.closed = False

    def grab(self) -> QImage | None:
        self.threads.add(threading.current_thread().name)
        image = self.images[min(self.grabs, len(self.images) - 1)]
        self.grabs += 1
        return image

    def close(self) -> None:
        self.closed = True


def run_pump(
    source: FakeSource, seconds: float, connected: bool = True, **settings: float
) -> FramePump:
    sent: list[bytes] = []

    async def main() -> FramePump:
        pump = FramePump(
            source,
            PumpSettings(**settings),  # type: ignore[arg-type]
            lambda j: sent.append(j) or True,
            can_send=lambda: connected,
        )
        pump.start()
        await asyncio.sleep(seconds)
        await pump.stop()
        return pump

    pump = asyncio.run(main())
    assert pump.frames_sent == len(sent)
    return pump


def test_static_content_sends_once_changing_content_every_tick() -> None:
    still = FakeSource([page("same")])
    pump = run_pump(still, 0.6, fps=20, keepalive_s=30)
    assert pump.frames_sent == 1 and still.grabs >= 8
    assert still.closed
    moving = FakeSource([page(f"count {i}") for i in range(100)])
    pump = run_pump(moving, 0.6, fps=20, keepalive_s=30)
    assert pump.frames_sent >= 8


def test_keepalive_resends_still_content() -> None:
    pump = run_pump(FakeSource([page("same")]), 1.0, fps=20, keepalive_s=0.25)
    assert 3 <= pump.frames_sent <= 5


def test_nothing_is_grabbed_while_not_connected() -> None:
    source = FakeSource([page("secret")])
    pump = run_pump(source, 0.3, connected=False, fps=20)
    assert source.grabs == 0 and pump.frames_sent == 0


def test_grab_and_encode_run_in_the_worker_thread() -> None:
    source = FakeSource([page("x")])
    run_pump(source, 0.2, fps=20)
    assert source.threads and all(t.startswith("gd-vision") for t in source.threads)


def test_send_fresh_sends_an_unchanged_frame_now_on_the_worker_thread() -> None:
    source = FakeSource([page("same")])
    sent: list[bytes] = []
    connected = [True]

    async def main() -> tuple[bool, bool, bool]:
        pump = FramePump(
            source,
            PumpSettings(fps=1.0, keepalive_s=60.0),
            lambda jpeg: sent.append(jpeg) is None,
            can_send=lambda: connected[0],
        )
        first = await pump.send_fresh()
        again = await pump.send_fresh()  # unchanged, and still sent: the model asked
        connected[0] = False
        offline = await pump.send_fresh()
        await pump.stop()
        return first, again, offline

    first, again, offline = asyncio.run(main())
    assert (first, again, offline) == (True, True, False)
    assert len(sent) == 2 and all(j[:3] == b"\xff\xd8\xff" for j in sent)
    assert source.grabs == 2
    assert "MainThread" not in source.threads


class FakeCapture(FakeSource):
    """A source that captures on its own once started (like a camera)."""

    def __init__(self, images: list[QImage]) -> None:
        super().__init__(images)
        self.on = False
        self.switches: list[bool] = []

    def start(self) -> None:
        self.on = True
        self.switches.append(True)

    def stop(self) -> None:
        self.on = False
        self.switches.append(False)

    def grab(self) -> QImage | None:
        assert self.on, "grabbed while not capturing"
        return super().grab()


async def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.005)


def test_capture_runs_only_while_frames_can_be_sent() -> None:
    """Issue 18 #13: switched on once frames can go out, kept through a short gap (a
    reconnect), off after the grace period, on again when connected, off at stop."""
    source = FakeCapture([page("camera")])
    connected = [False]
    asked = [0]

    def can_send() -> bool:
        asked[0] += 1
        return connected[0]

    async def main() -> None:
        pump = FramePump(
            source,
            PumpSettings(fps=20, keepalive_s=30),
            lambda j: True,
            can_send=can_send,
            capture_grace_s=0.3,
        )
        pump.start()
        await wait_for(lambda: asked[0] >= 5)
        assert source.switches == [] and source.grabs == 0, "capture before connecting"
        connected[0] = True
        pump.wake()
        await wait_for(lambda: pump.frames_sent == 1)
        assert source.switches == [True]
        connected[0] = False  # a reconnect: capture goes on for the grace period...
        seen = asked[0]
        await wait_for(lambda: asked[0] >= seen + 2)
        assert source.switches == [True]
        await wait_for(lambda: not source.on)  # ...then it is switched off
        connected[0] = True
        pump.wake()
        await wait_for(lambda: source.on)
        await pump.stop()
        assert source.switches == [True, False, True, False] and source.closed

    asyncio.run(asyncio.wait_for(main(), 20))
