"""Screen and camera sharing: picks a source, runs the frame pump, shows frame/badge/preview."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QInputDialog, QWidget

from gemini_desk.core.desk_state import Shared, ShareKind
from gemini_desk.core.messages import Message, message
from gemini_desk.core.messages import MessageId as M
from gemini_desk.core.observable import Observable
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.ui.message_text import message_text
from gemini_desk.ui.region_selector import RegionSelector
from gemini_desk.ui.share_bar import ShareBar
from gemini_desk.ui.share_frame import ShareFrame
from gemini_desk.vision import platform
from gemini_desk.vision.encode import EncodedFrame
from gemini_desk.vision.geometry import Rect, parse_region, to_physical
from gemini_desk.vision.pump import FramePump, FrameSource, PumpSettings
from gemini_desk.vision.screens import all_screens
from gemini_desk.vision.x11_windows import ClientWindow, X11Windows, to_logical

if TYPE_CHECKING:
    from gemini_desk.desktop.portal_sharing import FrameSelection

log = logging.getLogger("gemini_desk.vision")
# Called as translate("ScreenSharing", "...") so that pyside6-lupdate finds the strings.
translate = QCoreApplication.translate
# The settings the frame pump works with.
PUMP_FIELDS = (
    "share_fps",
    "share_keepalive_s",
    "share_max_side",
    "share_sharp_text",
    "share_jpeg_quality",
)


class ShareView(Protocol):
    share_bar: ShareBar

    def show_error(self, message: Message | str, action: str | None = None) -> None: ...


class ScreenSharing:
    """Owns what is shared now (at most one source) and the pump that sends it.

    Nothing is grabbed before the user starts sharing, and nothing while disconnected:
    the pump switches a camera, window or portal capture on only once frames can be
    sent (``connection_changed()`` makes it look at once). ``stop()`` ends capture,
    hides the frame and the badge. :attr:`shared` says what is
    shared now (None: nothing); the badge and the tray follow it. The remembered region
    and camera and "Sharp text" are written through ``settings``, and the pump follows
    its settings there whoever changes them.
    """

    def __init__(
        self,
        view: ShareView,
        parent: QWidget | None,
        settings: SettingsModel,
        send_video: Callable[[bytes], bool],
        is_connected: Callable[[], bool],
    ) -> None:
        self._view = view
        self._parent = parent
        self._settings = settings
        self._send_video = send_video
        self._is_connected = is_connected
        self.bar = view.share_bar
        self.support = platform.detect(QGuiApplication.platformName())
        self.selector = RegionSelector()
        self.selector.regionSelected.connect(self.share_region)
        self.selector.windowRequested.connect(self.pick_window)
        self.frame = ShareFrame()
        self.pump: FramePump | None = None
        self.source: FrameSource | None = None
        self.shared: Observable[Shared | None] = Observable(None)
        self.shared.subscribe(lambda _old, what: self.bar.set_sharing(what))
        self._dialog: QInputDialog | None = None
        self._selection: FrameSelection | None = None  # Wayland: the selector on a frame
        self._x11: X11Windows | None = None
        self._waiting_note = False  # "Nothing is captured until you connect." is shown
        self.bar.regionRequested.connect(self.pick_region)
        self.bar.screenRequested.connect(self.share_screen)
        self.bar.windowRequested.connect(self.pick_window)
        self.bar.cameraRequested.connect(self.pick_camera)
        self.bar.stopRequested.connect(self.stop)
        self.bar.sharpToggled.connect(self.set_sharp)
        self.bar.set_sharp(settings.current.share_sharp_text)
        self.bar.set_available(self.support.screens, self.support.windows)
        self._unsubscribe = settings.subscribe(PUMP_FIELDS, self._on_pump_settings)

    @property
    def sharing(self) -> bool:
        return self.pump is not None

    @property
    def what(self) -> Shared | None:
        """What is shared now, None when nothing is."""
        return self.shared.value

    # --- choosing what to share -----------------------------------------------------
    def last_region(self) -> Rect | None:
        try:
            return parse_region(self._settings.current.share_last_region)
        except ValueError:
            return None

    def pick_region(self) -> None:
        if not self.support.direct_grab and not self.support.portal:
            self._view.show_error(self.support.note or "")
            return
        if self.support.portal:
            self.share_portal_region()
            return
        self.selector.start(self.last_region())

    def share_screen(self) -> None:
        window = self._parent.window() if self._parent is not None else None
        screen = (window.screen() if window is not None else None) or (
            QGuiApplication.primaryScreen()
        )
        g = screen.geometry()
        self.share_region(Rect(g.x(), g.y(), g.width(), g.height()), ShareKind.SCREEN)

    def share_region(self, region: Rect, kind: ShareKind = ShareKind.REGION) -> None:
        """Share ``region`` (logical pixels): mss where it works, else the desktop portal."""
        screens = all_screens()
        physical = to_physical(region, screens)
        if physical is None:
            self._view.show_error(
                translate("ScreenSharing", "That region is not on any screen. Pick it again.")
            )
            return
        self._settings.update(share_last_region=region.as_text())
        what = Shared(kind, physical.w, physical.h)
        source: Any
        if self.support.direct_grab:
            from gemini_desk.vision.screen_source import ScreenRegionSource

            source = ScreenRegionSource(physical)
        elif self.support.portal:
            source = self._portal_source(region, region.as_text())
        else:
            self._view.show_error(self.support.note or "")
            return
        # On Wayland apps cannot place windows: no frame there (the note says so).
        self.share_source(source, what, region if self.support.direct_grab else None)

    def _portal_source(self, region: Rect | None, description: str, select: bool = False) -> Any:
        """The desktop's ScreenCast picker chooses (desktop/portal_sharing.py)."""
        from gemini_desk.desktop.portal_sharing import portal_source

        return portal_source(self._settings, region, description, self._on_source_failed, select)

    def share_portal_region(self) -> None:
        """Wayland: the desktop's picker first, then the region on its stream's frame."""
        from gemini_desk.desktop.portal_sharing import FrameSelection

        source = self._portal_source(None, "a region chosen on the stream", True)

        def chosen(rect: Rect) -> None:
            if self.source is source:
                self.shared.set(Shared(ShareKind.REGION, rect.w, rect.h))

        def cancelled() -> None:
            if self.source is source:
                self.stop()

        self._selection = FrameSelection(source, self._settings, chosen, cancelled)
        self.share_source(source, Shared(ShareKind.REGION))

    def pick_window(self) -> None:
        from gemini_desk.vision.qt_capture import WindowCaptureSource, capturable_windows

        if self.support.portal:  # the desktop's own picker lists its windows
            name = translate("ScreenSharing", "a window")
            self.share_source(self._portal_source(None, name), Shared(ShareKind.WINDOW, name=name))
            return
        windows = capturable_windows()  # also says whether Qt can capture windows here
        if not windows:
            self._view.show_error(
                translate(
                    "ScreenSharing",
                    "This desktop does not list windows for capture. Select a region around "
                    "the window instead (Share ▸ Share a region…).",
                )
            )
            return
        untitled = translate("ScreenSharing", "(untitled)")
        x11 = self._x11_windows()
        clients = x11.clients() if x11 is not None else []
        if x11 is not None and clients:  # the same list, with ids: the frame follows
            self._choose(
                translate("ScreenSharing", "Share a window"),
                translate("ScreenSharing", "Window:"),
                [c.title or untitled for c in clients],
                lambda i: self.share_x11_window(x11, clients[i]),
            )
            return

        def chosen(index: int) -> None:
            source = WindowCaptureSource(windows[index])
            source.failed.connect(self._on_source_failed)
            what = Shared(ShareKind.WINDOW, name=windows[index].description())
            self.share_source(source, what)  # no frame: Qt does not say where it is

        self._choose(
            translate("ScreenSharing", "Share a window"),
            translate("ScreenSharing", "Window:"),
            [w.description() or untitled for w in windows],
            chosen,
        )

    def share_x11_window(self, x11: X11Windows, window: ClientWindow) -> None:
        """Share one X11 window, with the frame following it (moved, resized, hidden)."""
        from gemini_desk.vision.qt_capture import WindowCaptureSource, capturable_window

        capturable = capturable_window(window.id)
        if not capturable.isValid():
            self._view.show_error(message(M.WINDOW_NOT_CAPTURABLE, message(M.UNKNOWN_ERROR)))
            return
        source = WindowCaptureSource(capturable)
        source.failed.connect(self._on_source_failed)
        self.share_source(source, Shared(ShareKind.WINDOW, name=window.title))

        def locate() -> Rect | None:
            physical = x11.frame_rect(window.id)
            return None if physical is None else to_logical(physical, all_screens())

        self.frame.follow(locate)

    def _x11_windows(self) -> X11Windows | None:
        """The X11 window list (opened once, on X11 only)."""
        if self._x11 is None and self.support.display == "x11":
            self._x11 = X11Windows.open()
        return self._x11

    def pick_camera(self) -> None:
        from gemini_desk.vision.camera import NO_CAMERA, list_cameras

        cameras = list_cameras()
        if not cameras:
            self._view.show_error(NO_CAMERA)
            return
        remembered = self._settings.current.share_camera
        names = [c.name for c in cameras]
        ids = [c.id.hex() for c in cameras]
        if len(cameras) == 1:
            self.share_camera(cameras[0].id)
            return
        first = ids.index(remembered) if remembered in ids else 0
        self._choose(
            translate("ScreenSharing", "Share the camera"),
            translate("ScreenSharing", "Camera:"),
            names,
            lambda i: self.share_camera(cameras[i].id),
            first,
        )

    def share_camera(self, camera_id: bytes | None = None) -> bool:
        from gemini_desk.vision.camera import NO_CAMERA, CameraSource

        try:
            source = CameraSource(camera_id)
        except LookupError:
            self._view.show_error(NO_CAMERA)
            return False
        if camera_id:
            self._settings.update(share_camera=camera_id.hex())
        source.failed.connect(self._on_source_failed)
        self.share_source(source, Shared(ShareKind.CAMERA, name=source.description))
        return True

    def _choose(
        self,
        title: str,
        label: str,
        items: list[str],
        on_chosen: Callable[[int], object],
        current: int = 0,
    ) -> None:
        """A non-modal picker (open(), never exec() inside the loop)."""
        dialog = QInputDialog(self._parent)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        dialog.setComboBoxItems(items)
        dialog.setTextValue(items[current])
        dialog.textValueSelected.connect(lambda text: on_chosen(items.index(text)))
        dialog.finished.connect(dialog.deleteLater)
        self._dialog = dialog
        dialog.open()

    # --- running ----------------------------------------------------------------------
    def pump_settings(self) -> PumpSettings:
        s = self._settings.current
        return PumpSettings(
            fps=s.share_fps,
            keepalive_s=s.share_keepalive_s,
            max_side=s.share_max_side,
            sharp=s.share_sharp_text,
            quality=s.share_jpeg_quality,
        )

    def share_source(
        self, source: FrameSource, what: Shared, frame_region: Rect | None = None
    ) -> None:
        """Share ``source`` (described by ``what``) instead of whatever was shared; the
        frame goes around ``frame_region`` (logical pixels) when one is given."""
        self._stop_now()
        self.source = source
        self.pump = FramePump(
            source, self.pump_settings(), self._send, self._on_sent, self._is_connected
        )
        self.pump.start()
        if frame_region is not None:
            self.frame.show_around(frame_region)
        self._waiting_note = not self._is_connected()
        self.shared.set(what)  # the badge and the tray follow
        self.bar.set_note(self._note())
        log.info("sharing %s", what)

    async def look_now(self) -> bool:
        """Send one fresh frame of what is shared now (the model asked to look); False
        when nothing is shared or it could not be sent."""
        pump = self.pump
        return pump is not None and await pump.send_fresh()

    def _send(self, jpeg: bytes) -> bool:
        return self._send_video(jpeg)

    def _on_sent(self, frame: EncodedFrame) -> None:
        self.bar.preview.show_frame(frame)
        if self._waiting_note:
            self._waiting_note = False
            self.bar.set_note(self._note())

    def _note(self) -> str:
        """Under the badge: waiting for a connection, and what this platform allows."""
        parts = []
        if self._waiting_note:
            parts.append(translate("ScreenSharing", "Nothing is captured until you connect."))
        if self.support.note is not None:
            parts.append(message_text(self.support.note))
        return " ".join(parts)

    def set_sharp(self, sharp: bool) -> None:
        self._settings.update(share_sharp_text=sharp)

    def _on_pump_settings(self, old: Settings, new: Settings) -> None:
        self.bar.set_sharp(new.share_sharp_text)
        if self.pump is not None:
            self.pump.settings = self.pump_settings()
            if old.share_sharp_text != new.share_sharp_text:
                self.pump.force_next()  # the next frame shows the new size at once

    def _on_source_failed(self, message: Message) -> None:
        self._view.show_error(message)
        self.stop()

    def stop(self) -> None:
        """Stop sharing now (one click); the worker winds down in the background."""
        pump = self._stop_now()
        if pump is not None:
            asyncio.get_running_loop().create_task(pump.stop())

    def connection_changed(self, *_args: object) -> None:
        """The connection came or went: start (or stop) capture now, not at the next tick."""
        if self.pump is not None:
            self.pump.wake()

    def _stop_now(self) -> FramePump | None:
        pump = self.pump
        self.pump = self.source = None
        self.frame.hide()
        self.shared.set(None)  # the badge and the tray follow
        if pump is not None:
            pump.cancel()  # cameras and captures are switched off now, on the GUI thread
            log.info("sharing stopped (%d frames sent)", pump.frames_sent)
        return pump

    async def shutdown(self) -> None:
        self._unsubscribe()
        pump = self._stop_now()
        if pump is not None:
            await pump.stop()
        self.selector.close()
        self.frame.close()
        if self._x11 is not None:
            self._x11.close()
            self._x11 = None
