"""A region of what the desktop's ScreenCast picker chose (Wayland), as a frame source.

``start()`` (called by the frame pump only once frames can be sent) asks the portal: the
desktop shows its picker (a monitor or a window); the chosen stream is read through
PipeWire (vision/pipewire_frames.py) and the region is cut from it. ``stop()`` ends the
portal session, so the desktop's own "sharing" indicator goes off.

The region is either known up front (logical desktop coordinates: ``--share-region``,
the remembered one) or, with ``select``, chosen on the stream itself: once its first
frame is there the source asks for the selector (``selectOn``) and sends nothing until
``choose()`` gives the region in the stream's pixels (vision/region_flow.py orders it).

With a ``persist_mode`` the choice is kept as a restore token: starting again (after a
disconnection stopped the capture, or with a token from an earlier run) does not show
the picker again, nor the selector when the same stream was restored. A token the
desktop cannot use, or that restores a monitor the region is not on, is dropped and the
picker asked once more.
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
from gemini_desk.vision.region_flow import (
    ClosePortal,
    CloseSelector,
    Command,
    Crop,
    RegionFlow,
    ShowSelector,
    Stop,
)
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
        selectOn(QImage): (``select``) show the selector over this frame.
        selectOff(): take the selector away.
        chosen(object): (``select``) the region chosen, a ``Rect`` in stream pixels.
        cancelled(): the user cancelled the selector (sharing then stops, quietly).
    """

    failed = Signal(object)
    selectOn = Signal(QImage)
    selectOff = Signal()
    chosen = Signal(object)
    cancelled = Signal()
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
        select: bool = False,
    ) -> None:
        super().__init__()
        self.region = region
        self.select = select and region is None
        self.flow = RegionFlow(self.select)
        self._chosen: Rect | None = None  # chosen on the stream (kept for a restore)
        self.description = description
        self._scale_at = scale_at  # the device pixel ratio of the monitor at a point
        self._fps = fps
        self._persist_mode = persist_mode
        self.restore_token = restore_token  # "" none; never logged
        self._on_token = on_token  # told each new token ("": none any more)
        self.crop: Rect | None = None  # in stream pixels; None: the whole picture
        self._cut: tuple[Rect | None] | None = None  # (crop,) once frames may go out
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
        self._apply(self.flow.ended("ended"))
        self._close_portal()

    def _close_portal(self) -> None:
        frames, self.frames = self.frames, None
        if frames is not None:
            frames.stop()
        cast, self.cast = self.cast, None
        if cast is not None:
            asyncio.get_running_loop().create_task(cast.close(), name="screencast-close")

    # --- FrameSource (the pump's worker thread) ---------------------------------------
    def grab(self) -> QImage | None:
        frames, cut = self.frames, self._cut
        if cut is None:
            return None  # nothing goes out before the region is known
        image = frames.latest() if frames is not None else None
        if image is None:
            return None
        c = cut[0]
        return image.copy(c.x, c.y, c.w, c.h) if c is not None else image.copy()

    def close(self) -> None:
        frames, self.frames = self.frames, None
        if frames is not None:
            frames.stop()

    # --- the portal ------------------------------------------------------------------
    async def _open(self) -> None:
        self.flow = RegionFlow(self.select and self._chosen is None, self._chosen)
        self._cut = None
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
                self._fail(message(M.PORTAL_REFUSED), "the picker was cancelled", "refused")
                return
            if cast is None:
                self._fail(message(M.PORTAL_FAILED), f"the portal ended the request ({detail})")
                return
            self.cast = cast
            stream = cast.streams[0]
            self.stream = stream
            scale = self._scale_at(*(stream.position or (0, 0)))
            if self.select or self._chosen is not None:
                crop: Rect | str | None = self._chosen if cast.restored else None
                if crop is None and self._chosen is not None:  # another stream: choose again
                    self._chosen, self.flow = None, RegionFlow(True)
                break
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
        if not self.flow.select:
            self.flow.crop = crop if isinstance(crop, Rect) else None
        w, h = stream.size or (0, 0)
        width, height = round(w * scale), round(h * scale)
        commands = self.flow.picked(width, height)
        if self.flow.done:
            self._fail(message(M.PORTAL_FAILED), "the stream has no size")
            return
        frames = PipeWireFrames(
            stream.node_id,
            cast.fd,
            width,
            height,
            self._fps,
            on_end=self._on_stream_end,
            on_first=self._on_first_frame,
        )
        try:
            frames.start()
        except OSError as exc:
            self._fail(message(M.CAPTURE_UNAVAILABLE, str(exc)), str(exc))
            return
        self.frames = frames
        self._apply(commands)
        log.info("screen cast of node %d (%s) started", stream.node_id, self.description)

    # --- the region on the stream (the loop thread) ---------------------------------
    def choose(self, rect: Rect) -> None:
        """The user chose ``rect`` (stream pixels) on the selector."""
        self._apply(self.flow.selected(rect))

    def cancel_selection(self) -> None:
        """The user cancelled the selector: the portal session ends."""
        self._apply(self.flow.cancelled())

    def _apply(self, commands: list[Command]) -> None:
        for command in commands:
            if isinstance(command, ShowSelector):
                frames = self.frames
                image = frames.latest() if frames is not None else None
                if image is not None:
                    self.selectOn.emit(image.copy())
            elif isinstance(command, CloseSelector):
                self.selectOff.emit()
            elif isinstance(command, Crop):
                self.crop = command.rect
                self._cut = (command.rect,)
                if self.flow.select and command.rect is not None:
                    self._chosen = command.rect
                    self.chosen.emit(command.rect)
            elif isinstance(command, ClosePortal):
                self._close_portal()
            elif isinstance(command, Stop) and command.why == "cancelled":
                log.info("screen cast: the region selector was cancelled")
                self.cancelled.emit()

    def _on_first_frame(self) -> None:
        """From the reader thread: the flow hears of it on the loop's thread."""
        loop = self._loop
        if loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is closed at quit
                loop.call_soon_threadsafe(lambda: self._apply(self.flow.frame()))

    def _keep_token(self, token: str | None) -> None:
        if self._persist_mode and (token or "") != self.restore_token:
            self.restore_token = token or ""
            if self._on_token is not None:
                self._on_token(self.restore_token)

    def _fail(self, why: Message, detail: str, kind: str = "failed") -> None:
        log.info("screen cast not started: %s", detail)
        self._task = None
        self._apply([c for c in self.flow.ended(kind) if isinstance(c, CloseSelector)])
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
