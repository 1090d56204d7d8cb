"""The frame pump: grab at a steady rate, send when changed, encode off the GUI thread."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from PySide6.QtGui import QImage

from gemini_desk.vision.change import ChangeDetector, thumbnail
from gemini_desk.vision.encode import EncodedFrame, make_frame

log = logging.getLogger("gemini_desk.vision")


# How long capture goes on while frames cannot be sent (a reconnect under way) before
# it is switched off: a hand-over does not blink the camera light or re-ask the portal.
CAPTURE_GRACE_S = 5.0


class FrameSource(Protocol):
    description: str

    def grab(self) -> QImage | None: ...
    def close(self) -> None: ...


@runtime_checkable
class Capture(Protocol):
    """A source that captures on its own once started (camera, window, portal screen).

    The pump alone starts and stops it: only while frames can be sent."""

    def start(self) -> None: ...
    def stop(self) -> None: ...


@dataclass(slots=True)
class PumpSettings:
    fps: float = 1.0
    keepalive_s: float = 5.0  # send at least this often even when nothing changed
    max_side: int = 1024
    sharp: bool = False
    quality: int = 80
    change_threshold: int = 3


class FramePump:
    """Runs on the event loop; every grab, comparison and encode runs in one worker thread.

    ``send(jpeg)`` is called on the loop thread for each frame that should go out and
    returns False when nothing can be sent now (not connected): the frame then does not
    count as sent. ``on_sent(frame)`` follows each frame that did go out.

    A :class:`Capture` source (camera, window, portal) is started only once
    ``can_send()`` says frames can go out, and stopped when they have not been able to
    for ``capture_grace_s``, and by ``cancel()``/``stop()``. ``wake()`` makes the pump
    look again at once (the connection changed) instead of at its next tick.
    """

    def __init__(
        self,
        source: FrameSource,
        settings: PumpSettings,
        send: Callable[[bytes], bool],
        on_sent: Callable[[EncodedFrame], None] | None = None,
        can_send: Callable[[], bool] = lambda: True,
        capture_grace_s: float = CAPTURE_GRACE_S,
    ) -> None:
        self.source = source
        self.settings = settings
        self._send = send
        self._on_sent = on_sent
        self._can_send = can_send
        self._detector = ChangeDetector(settings.change_threshold)
        self._executor = ThreadPoolExecutor(1, thread_name_prefix="gd-vision")
        self._task: asyncio.Task[None] | None = None
        self._last_sent_mono: float | None = None
        self.frames_sent = 0
        self.frames_unchanged = 0
        self.grab_failures = 0
        self.last_frame: EncodedFrame | None = None
        self.capture_grace_s = capture_grace_s
        self.capturing = False  # a Capture source is started
        self._unsendable_since: float | None = None
        self._wake = asyncio.Event()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if not self.running:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="frame-pump")

    def cancel(self) -> None:
        """Stop capturing and sending at once (a frame being encoded is dropped);
        ``stop()`` cleans up."""
        self._stop_capture()
        if self._task is not None:
            self._task.cancel()

    def wake(self) -> None:
        """Look at ``can_send()`` now rather than at the next tick."""
        self._wake.set()

    async def stop(self) -> None:
        self._stop_capture()
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        loop = asyncio.get_running_loop()
        # Close in the worker: grabbers hold per-thread display connections.
        await loop.run_in_executor(self._executor, self.source.close)
        self._executor.shutdown(wait=False)

    def force_next(self) -> None:
        """Send the next grab even if it looks the same (e.g. after settings change)."""
        self._detector.reset()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_at = time.monotonic()
        while True:
            period = 1.0 / max(0.05, self.settings.fps)
            now = time.monotonic()
            if next_at > now and not self._wake.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), next_at - now)
            self._wake.clear()
            next_at = max(next_at + period, time.monotonic())  # skip ticks when behind
            if not self._can_send():
                self._detector.reset()  # whatever was sent before is gone with the session
                self._idle_capture()
                continue
            self._start_capture()
            try:
                frame = await loop.run_in_executor(self._executor, self._process)
            except Exception as exc:
                self.grab_failures += 1
                if self.grab_failures in (1, 10) or self.grab_failures % 100 == 0:
                    log.warning("frame grab failed (%d times): %r", self.grab_failures, exc)
                continue
            if frame is None:
                continue
            self._deliver(frame)

    async def send_fresh(self) -> bool:
        """Grab, encode and send one frame now, changed or not (the model asked to look);
        False when nothing could be grabbed or sent."""
        if not self._can_send():
            return False
        self._start_capture()
        loop = asyncio.get_running_loop()
        try:
            frame = await loop.run_in_executor(self._executor, self._process_now)
        except Exception as exc:
            log.warning("frame grab on request failed: %r", exc)
            return False
        return frame is not None and self._deliver(frame)

    # --- capture: only while frames can be sent (loop thread) -----------------------
    def _start_capture(self) -> None:
        self._unsendable_since = None
        if not self.capturing and isinstance(self.source, Capture):
            self.capturing = True
            log.info("capture of %s started", self.source.description)
            self.source.start()

    def _idle_capture(self) -> None:
        """Frames cannot go out: stop capturing once that has lasted the grace period."""
        now = time.monotonic()
        if self._unsendable_since is None:
            self._unsendable_since = now
        if self.capturing and now - self._unsendable_since >= self.capture_grace_s:
            self._stop_capture()

    def _stop_capture(self) -> None:
        if self.capturing and isinstance(self.source, Capture):
            self.capturing = False
            log.info("capture of %s stopped", self.source.description)
            self.source.stop()

    def _deliver(self, frame: EncodedFrame) -> bool:
        if not self._send(frame.jpeg):
            return False
        self.frames_sent += 1
        self.last_frame = frame
        self._last_sent_mono = time.monotonic()
        if self._on_sent is not None:
            self._on_sent(frame)
        return True

    def _process_now(self) -> EncodedFrame | None:
        """Worker thread: grab and encode whatever is there now."""
        image = self.source.grab()
        if image is None:
            return None
        s = self.settings
        frame = make_frame(image, s.max_side, s.sharp, s.quality)
        self._detector.mark_sent(thumbnail(image))
        return frame

    def _process(self) -> EncodedFrame | None:
        """Worker thread: grab, compare, and (when due) scale + encode."""
        image = self.source.grab()
        if image is None:
            return None
        thumb = thumbnail(image)
        due = (
            self._last_sent_mono is None
            or time.monotonic() - self._last_sent_mono >= self.settings.keepalive_s
        )
        if not due and not self._detector.changed(thumb):
            self.frames_unchanged += 1
            return None
        s = self.settings
        frame = make_frame(image, s.max_side, s.sharp, s.quality)
        self._detector.mark_sent(thumb)
        return frame
