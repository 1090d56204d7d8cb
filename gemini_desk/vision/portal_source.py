"""A region of what the desktop's ScreenCast picker chose (Wayland), as a frame source.

``start()`` (called by the frame pump only once frames can be sent) asks the portal: the
desktop shows its picker (a monitor or a window); the chosen stream is read through
PipeWire (vision/pipewire_frames.py) and the region is cut from it. ``stop()`` ends the
portal session, so the desktop's own "sharing" indicator goes off.

With a ``persist_mode`` the choice is kept as a restore token: starting again (after a
disconnection stopped the capture, or with a token from an earlier run) does not show
the picker again. A token the desktop cannot use, or that restores a monitor the region
is not on, is dropped and the picker asked once more.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from gemini_desk.core.messages import Message, message
from gemini_desk.core.messages import MessageId as M
from gemini_desk.vision.geometry import Rect
from gemini_desk.vision.pipewire_frames import PipeWireFrames
from gemini_desk.vision.portal_cast import PortalCast, PortalError, open_cast
from gemini_desk.vision.screencast_flow import MONITOR, WINDOW, CastStream, Outcome

log = logging.getLogger("gemini_desk.vision")


def crop_in_stream(region: Rect | None, stream: CastStream, scale: float) -> Rect | str | None:
    """Where ``region`` (logical, desktop coordinates) lies in the stream's pixels.

    None: share the whole stream (no region, or a window). "outside": the region is not
    on the monitor that was chosen."""
    if region is None or stream.source_type == WINDOW or stream.position is None:
        return None
    if stream.size is None:
        return None
    x, y = stream.position
    inside = region.intersected(Rect(x, y, *stream.size))
    if inside is None or inside != region:
        return "outside"
    return Rect(
        round((region.x - x) * scale),
        round((region.y - y) * scale),
        round(region.w * scale),
        round(region.h * scale),
    )


class PortalRegionSource(QObject):
    """What the user picks in the desktop's ScreenCast dialog, cut to ``region``.

    Signals:
        failed(Message): the picker was refused, the portal or the stream failed; the
            message is plain words for the window (sharing then stops).
    """

    failed = Signal(object)
    kind = "portal"

    def __init__(
        self,
        region: Rect | None,
        description: str,
        scale_at: Callable[[int, int], float],
        fps: int = 5,
        persist_mode: int = 0,
        restore_token: str = "",
        on_token: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__()
        self.region = region
        self.description = description
        self._scale_at = scale_at  # the device pixel ratio of the monitor at a point
        self._fps = fps
        self._persist_mode = persist_mode
        self.restore_token = restore_token  # "" none; never logged
        self._on_token = on_token  # told each new token ("": none any more)
        self.crop: Rect | None = None
        self.stream: CastStream | None = None
        self.cast: PortalCast | None = None
        self.frames: PipeWireFrames | None = None
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # --- Capture (the pump calls these on the loop thread) ---------------------------
    def start(self) -> None:
        if self._task is None:
            self._loop = asyncio.get_running_loop()
            self._task = self._loop.create_task(self._open(), name="screencast")

    def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
        frames, self.frames = self.frames, None
        if frames is not None:
            frames.stop()
        cast, self.cast = self.cast, None
        if cast is not None:
            asyncio.get_running_loop().create_task(cast.close(), name="screencast-close")

    # --- FrameSource (the pump's worker thread) ---------------------------------------
    def grab(self) -> QImage | None:
        frames = self.frames
        image = frames.latest() if frames is not None else None
        if image is None:
            return None
        c = self.crop
        return image.copy(c.x, c.y, c.w, c.h) if c is not None else image.copy()

    def close(self) -> None:
        frames, self.frames = self.frames, None
        if frames is not None:
            frames.stop()

    # --- the portal ------------------------------------------------------------------
    async def _open(self) -> None:
        if not PipeWireFrames.available():
            self._fail(message(M.PORTAL_NEEDS_GSTREAMER), "gst-launch-1.0 is not installed")
            return
        types = MONITOR if self.region is not None else MONITOR | WINDOW
        for _ in range(2):  # a restored monitor without the region: once with the picker
            try:
                outcome, cast, detail = await open_cast(
                    types, self._on_desktop_closed, self._persist_mode, self.restore_token or None
                )
            except PortalError as exc:
                self._fail(message(M.CAPTURE_UNAVAILABLE, str(exc)), str(exc))
                return
            self._keep_token(cast.restore_token if cast is not None else None)
            if outcome is Outcome.REFUSED:
                self._fail(message(M.PORTAL_REFUSED), "the picker was cancelled")
                return
            if cast is None:
                self._fail(message(M.PORTAL_FAILED), f"the portal ended the request ({detail})")
                return
            self.cast = cast
            stream = cast.streams[0]
            self.stream = stream
            scale = self._scale_at(*(stream.position or (0, 0)))
            crop = crop_in_stream(self.region, stream, scale)
            if crop != "outside" or not cast.restored:
                break
            log.info("the restored monitor does not hold the region: asking again")
            self.cast = None
            self._keep_token(None)
            await cast.close()
        if crop == "outside" or cast is None:
            self._fail(message(M.PORTAL_WRONG_SCREEN), "the region is not on that monitor")
            return
        self.crop = crop if isinstance(crop, Rect) else None
        w, h = stream.size or (0, 0)
        if w <= 0 or h <= 0:
            self._fail(message(M.PORTAL_FAILED), "the stream has no size")
            return
        frames = PipeWireFrames(
            stream.node_id,
            cast.fd,
            round(w * scale),
            round(h * scale),
            self._fps,
            on_end=self._on_stream_end,
        )
        try:
            frames.start()
        except OSError as exc:
            self._fail(message(M.CAPTURE_UNAVAILABLE, str(exc)), str(exc))
            return
        self.frames = frames
        log.info("screen cast of node %d (%s) started", stream.node_id, self.description)

    def _keep_token(self, token: str | None) -> None:
        if self._persist_mode and (token or "") != self.restore_token:
            self.restore_token = token or ""
            if self._on_token is not None:
                self._on_token(self.restore_token)

    def _fail(self, why: Message, detail: str) -> None:
        log.info("screen cast not started: %s", detail)
        self._task = None
        self.failed.emit(why)

    def _on_desktop_closed(self) -> None:
        log.info("the desktop ended the screen cast")
        self.failed.emit(message(M.PORTAL_ENDED))

    def _on_stream_end(self, detail: str) -> None:
        """From the reader thread: the signal is emitted on the loop's thread."""
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is closed at quit
                loop.call_soon_threadsafe(self.failed.emit, message(M.CAPTURE_UNAVAILABLE, detail))
