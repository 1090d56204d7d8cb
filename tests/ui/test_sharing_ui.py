"""Region selector, sharing frame, preview, badge and camera sink (offscreen Qt)."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import ClassVar

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QLoggingCategory, QObject, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtTest import QSignalSpy, QTest
from PySide6.QtWidgets import QInputDialog

from gemini_desk.core.desk_state import Shared, ShareKind
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.ui.main_window import MainWindow
from gemini_desk.ui.message_text import message_text
from gemini_desk.ui.region_selector import RegionSelector
from gemini_desk.ui.share_frame import ShareFrame
from gemini_desk.ui.share_preview import SharePreview
from gemini_desk.vision.encode import from_pil, make_frame, to_pil
from gemini_desk.vision.geometry import Rect
from gemini_desk.vision.pump import FramePump, PumpSettings
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


@pytest.fixture
def quiet_multimedia() -> Iterator[None]:
    """With no camera and no sound server QtMultimedia logs qt.multimedia.* warnings."""
    QLoggingCategory.setFilterRules("qt.multimedia.*=false\nqt.rhi.*=false")
    yield
    QLoggingCategory.setFilterRules("")


def screen_rect() -> QRect:
    return QGuiApplication.primaryScreen().geometry()


def test_drag_shows_size_and_enter_confirms(qapp) -> None:  # noqa: F811
    selector = RegionSelector()
    spy = QSignalSpy(selector.regionSelected)
    selector.start(snapshot=False)
    overlay = selector.overlays[0]
    assert overlay.isVisible() and len(selector.overlays) == len(QGuiApplication.screens())
    QTest.mousePress(overlay, Qt.MouseButton.LeftButton, pos=QPoint(100, 120))
    QTest.mouseMove(overlay, QPoint(250, 200))
    QTest.mouseMove(overlay, QPoint(400, 320))
    QTest.mouseRelease(overlay, Qt.MouseButton.LeftButton, pos=QPoint(400, 320))
    assert overlay.size_label.text() == "300 \u00d7 200 px"
    # Move it by dragging inside, then nudge it with the keyboard.
    QTest.mousePress(overlay, Qt.MouseButton.LeftButton, pos=QPoint(200, 200))
    QTest.mouseMove(overlay, QPoint(210, 230))
    QTest.mouseRelease(overlay, Qt.MouseButton.LeftButton, pos=QPoint(210, 230))
    QTest.keyClick(overlay, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(overlay, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(overlay, Qt.Key.Key_Return)
    assert spy.count() == 1
    g = screen_rect()
    assert spy.at(0)[0] == Rect(g.x() + 120, g.y() + 150, 300, 201)
    assert not selector.overlays


def test_the_keyboard_alone_can_choose_a_region(qapp) -> None:  # noqa: F811
    # No region remembered, no mouse: an arrow key starts a selection in the middle of
    # the screen (half its size), the next ones move and resize it, Enter shares it.
    selector = RegionSelector()
    spy = QSignalSpy(selector.regionSelected)
    selector.start(snapshot=False)
    overlay = selector.overlays[0]
    QTest.keyClick(overlay, Qt.Key.Key_Return)
    assert spy.count() == 0  # nothing chosen yet
    QTest.keyClick(overlay, Qt.Key.Key_Right)
    g = screen_rect()
    w, h = g.width() // 2, g.height() // 2
    x, y = g.x() + (g.width() - w) // 2, g.y() + (g.height() - h) // 2
    assert selector.selected_rect() == Rect(x, y, w, h)
    QTest.keyClick(overlay, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(overlay, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(overlay, Qt.Key.Key_Return)
    assert spy.count() == 1
    assert spy.at(0)[0] == Rect(x + 10, y, w - 1, h)


def test_resize_by_corner_and_escape_cancels(qapp) -> None:  # noqa: F811
    selector = RegionSelector()
    cancelled = QSignalSpy(selector.cancelled)
    g = screen_rect()
    selector.start(Rect(g.x() + 50, g.y() + 50, 200, 100), snapshot=False)  # the last region
    overlay = selector.overlays[0]
    assert selector.selected_rect() == Rect(g.x() + 50, g.y() + 50, 200, 100)
    QTest.mousePress(overlay, Qt.MouseButton.LeftButton, pos=QPoint(249, 149))  # bottom-right
    QTest.mouseMove(overlay, QPoint(299, 179))
    QTest.mouseRelease(overlay, Qt.MouseButton.LeftButton, pos=QPoint(299, 179))
    assert selector.selected_rect() == Rect(g.x() + 50, g.y() + 50, 250, 130)
    QTest.keyClick(overlay, Qt.Key.Key_Escape)
    assert cancelled.count() == 1 and not selector.overlays


def test_whole_screen_button(qapp) -> None:  # noqa: F811
    selector = RegionSelector()
    spy = QSignalSpy(selector.regionSelected)
    selector.start(snapshot=False)
    selector.overlays[0].screen_button.click()
    g = screen_rect()
    assert spy.at(0)[0] == Rect(g.x(), g.y(), g.width(), g.height())


@pytest.mark.parametrize("width", [1200, 520, 380])
def test_the_region_toolbar_wraps_instead_of_cutting_its_text(
    qapp,  # noqa: F811
    width: int,
) -> None:
    """On a narrow screen (or at 200 %) the toolbar wraps: it stays on the overlay, no
    button is squeezed below what its text needs, and the help text keeps every line."""
    selector = RegionSelector()
    selector.start(snapshot=False)
    overlay = selector.overlays[0]
    try:
        overlay.resize(width, 600)
        overlay.update_readout()
        process_events()
        bar = overlay.bar
        assert bar.x() >= 0 and bar.geometry().right() < overlay.width()
        inside = bar.rect()
        labels = (overlay.help, overlay.size_label)
        buttons = (
            overlay.screen_button,
            overlay.window_button,
            overlay.share_button,
            overlay.cancel_button,
        )
        for part in (*labels, *buttons):
            assert inside.contains(part.geometry()), (part.objectName(), part.geometry())
        for button in buttons:
            assert button.width() >= button.sizeHint().width(), button.text()
        for label in labels:
            needs = label.heightForWidth(label.width()) if label.wordWrap() else 0
            assert label.height() >= needs, (label.objectName(), label.height(), needs)
            one_line = label.fontMetrics().horizontalAdvance(label.text())
            assert label.wordWrap() or label.width() >= one_line, label.objectName()
    finally:
        selector.close()
        process_events()


def test_share_frame_is_outside_the_region(qapp) -> None:  # noqa: F811
    region = Rect(100, 80, 300, 200)
    frame = ShareFrame(thickness=4)
    frame.show_around(region)
    inner = QRect(region.x, region.y, region.w, region.h)
    around = inner.adjusted(-4, -4, 4, 4)
    covered = 0
    for strip in frame.strips:
        assert strip.isVisible()
        assert not strip.geometry().intersects(inner)
        assert around.contains(strip.geometry())
        covered += strip.width() * strip.height()
    assert covered == around.width() * around.height() - inner.width() * inner.height()
    assert strip.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    frame.close()


def test_preview_shows_exactly_the_sent_jpeg(qapp) -> None:  # noqa: F811
    image = Image.new("RGB", (1600, 900), (20, 120, 220))
    image.paste((250, 250, 0), (0, 0, 800, 900))
    frame = make_frame(from_pil(image), 1024, False, 80)
    preview = SharePreview()
    preview.show_frame(frame)
    assert "1024 \u00d7 576" in preview.caption.text() and "KB" in preview.caption.text()
    shown = preview.image.pixmap().toImage()
    decoded = Image.open(io.BytesIO(frame.jpeg)).convert("RGB")
    # Left half yellow, right half blue, in the preview as in the JPEG.
    left = QColor(shown.pixel(shown.width() // 4, shown.height() // 2))
    right = QColor(shown.pixel(3 * shown.width() // 4, shown.height() // 2))
    assert np.abs(np.array(left.getRgb()[:3]) - decoded.getpixel((256, 288))).max() < 12
    assert np.abs(np.array(right.getRgb()[:3]) - decoded.getpixel((768, 288))).max() < 12


class _Still:
    description = "test pattern"

    def grab(self) -> QImage:
        image = QImage(640, 480, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        return image

    def close(self) -> None:
        pass


def test_badge_and_one_click_stop(qapp) -> None:  # noqa: F811
    from gemini_desk.desktop.sharing import ScreenSharing

    window = MainWindow(lambda: (-90.0, -90.0, False), lambda: (-90.0, -90.0, False))
    window.show()
    sent: list[bytes] = []
    sharing = ScreenSharing(
        window, window, SettingsModel(Settings()), lambda j: sent.append(j) or True, lambda: True
    )
    bar = window.share_bar
    assert not bar.isVisible() and not bar.stop_action.isEnabled()
    shared: list[Shared | None] = []
    sharing.shared.subscribe(lambda _old, what: shared.append(what))
    region = Shared(ShareKind.REGION, 200, 100)

    async def scenario() -> None:
        sharing.share_source(_Still(), region, Rect(50, 50, 200, 100))
        assert shared == [region]
        assert bar.isVisible() and "Sharing a 200 \u00d7 100 region" in bar.badge.text()
        assert sharing.frame.visible
        for _ in range(100):
            await asyncio.sleep(0.02)
            process_events()
            if bar.preview.frame is not None:
                break
        assert sent and bar.preview.frame is not None and bar.preview.frame.jpeg == sent[-1]
        QTest.mouseClick(bar.stop_button, Qt.MouseButton.LeftButton)
        assert not sharing.sharing and not bar.isVisible() and not sharing.frame.visible
        assert shared == [region, None]
        count = len(sent)
        await asyncio.sleep(0.3)
        assert len(sent) == count, "frames went out after Stop"
        await sharing.shutdown()

    asyncio.run(scenario())
    window.close_now()
    window.deleteLater()


def test_camera_frames_through_the_video_sink(qapp, quiet_multimedia) -> None:  # noqa: F811
    from PySide6.QtMultimedia import QVideoFrame

    from gemini_desk.vision.sink_source import SinkSource

    source = SinkSource(description="camera")
    assert source.grab() is None  # no frame yet: nothing to send
    image = QImage(640, 480, QImage.Format.Format_RGB32)
    image.fill(QColor(200, 30, 40))
    image.setPixelColor(10, 10, QColor(0, 255, 0))
    source.sink.setVideoFrame(QVideoFrame(image))
    grabbed = source.grab()
    assert grabbed is not None
    got = to_pil(grabbed)
    assert got.size == (640, 480)
    assert got.getpixel((300, 300)) == (200, 30, 40) and got.getpixel((10, 10)) == (0, 255, 0)

    sent: list[bytes] = []

    async def pump_it() -> None:
        pump = FramePump(source, PumpSettings(fps=20), lambda j: sent.append(j) or True)
        pump.start()
        await asyncio.sleep(0.3)
        await pump.stop()

    asyncio.run(pump_it())
    assert len(sent) == 1  # one still camera frame: sent once
    decoded = Image.open(io.BytesIO(sent[0])).convert("RGB")
    assert decoded.size == (640, 480)
    assert np.abs(np.array(decoded.getpixel((300, 300))) - (200, 30, 40)).max() < 10


def test_no_camera_is_a_message_not_a_dialog(qapp, quiet_multimedia) -> None:  # noqa: F811
    from gemini_desk.desktop.sharing import ScreenSharing
    from gemini_desk.vision.camera import NO_CAMERA, CameraSource, list_cameras

    if list_cameras():
        pytest.skip("this machine has a camera")
    with pytest.raises(LookupError, match="no camera"):
        CameraSource()
    window = MainWindow(lambda: (-90.0, -90.0, False), lambda: (-90.0, -90.0, False))
    window.show()
    sharing = ScreenSharing(window, window, SettingsModel(Settings()), lambda j: True, lambda: True)
    for _ in range(3):  # asking again does not stack up dialogs
        window.share_bar.camera_action.trigger()
    process_events()
    assert window.notices.isVisible()
    assert window.notices.message == message_text(NO_CAMERA)
    assert not window.findChildren(QInputDialog) and not sharing.sharing, "no picker opened"
    assert not [w for w in QGuiApplication.topLevelWindows() if w.isVisible() and w.isModal()]
    window.close_now()
    window.deleteLater()


def test_sharing_settings_go_through_the_settings_owner(qapp) -> None:  # noqa: F811
    """Sharp text, the remembered region: written through the owner (and saved); the
    Share menu's tick and the running pump follow the settings whoever changes them."""
    from gemini_desk.desktop.sharing import ScreenSharing

    window = MainWindow(lambda: (-90.0, -90.0, False), lambda: (-90.0, -90.0, False))
    saved: list[Settings] = []
    model = SettingsModel(Settings(), save=saved.append)
    sharing = ScreenSharing(window, window, model, lambda j: True, lambda: False)
    bar = window.share_bar

    async def scenario() -> None:
        bar.sharp_action.trigger()  # the user ticks "Sharp text"
        assert model.current.share_sharp_text and [s.share_sharp_text for s in saved] == [True]
        g = screen_rect()
        sharing.share_region(Rect(g.x() + 10, g.y() + 20, 300, 200))  # (no grabs offscreen)
        assert model.current.share_last_region == f"{g.x() + 10},{g.y() + 20},300,200"
        assert sharing.last_region() == Rect(g.x() + 10, g.y() + 20, 300, 200)
        sharing.share_source(_Still(), Shared(ShareKind.SCREEN))
        assert sharing.pump is not None and sharing.pump.settings.sharp
        model.update(share_sharp_text=False, share_max_side=512)  # e.g. the settings file
        assert not bar.sharp_action.isChecked()
        assert not sharing.pump.settings.sharp and sharing.pump.settings.max_side == 512
        assert len(saved) == 3
        await sharing.shutdown()
        model.update(share_sharp_text=True)
        assert not bar.sharp_action.isChecked(), "shut down: no longer follows"

    asyncio.run(scenario())
    window.close_now()
    window.deleteLater()


class _FakeCamera(QObject):
    """Stands in for CameraSource (no camera here): records when it is switched on."""

    failed = Signal(object)
    made: ClassVar[list[_FakeCamera]] = []

    def __init__(self, camera_id: bytes | None = None) -> None:
        super().__init__()
        self.description = "fake camera"
        self.active = False
        self.starts = 0
        _FakeCamera.made.append(self)

    def start(self) -> None:
        self.active = True
        self.starts += 1

    def stop(self) -> None:
        self.active = False

    def grab(self) -> QImage:
        return _Still().grab()

    def close(self) -> None:
        pass


async def _until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        process_events()
        await asyncio.sleep(0.01)


@pytest.mark.parametrize("kind", ["camera", "window", "portal screen"])
def test_capture_starts_only_once_frames_can_be_sent(
    qapp,  # noqa: F811
    quiet_multimedia,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
) -> None:
    """Issue 18 #13: a camera, window or portal source is not switched on while
    disconnected ("Nothing is captured until you connect"); it is once connected, and
    off again when sharing stops (the conversation ended)."""
    import gemini_desk.vision.camera as camera
    import gemini_desk.vision.portal_source as portal_source
    import gemini_desk.vision.qt_capture as qt_capture
    from gemini_desk.desktop.sharing import ScreenSharing
    from gemini_desk.vision.platform import CaptureSupport

    window = MainWindow(lambda: (-90.0, -90.0, False), lambda: (-90.0, -90.0, False))
    connected = [False]
    asked: list[bool] = []

    def is_connected() -> bool:
        asked.append(connected[0])
        return connected[0]

    settings = SettingsModel(Settings(share_fps=20.0))
    sharing = ScreenSharing(window, window, settings, lambda j: True, is_connected)

    def active() -> bool:
        source = sharing.source
        if isinstance(source, portal_source.PortalRegionSource):
            return source._task is not None and not source._task.done()  # the picker is up
        return bool(getattr(source, "active", False))

    async def scenario() -> None:
        _FakeCamera.made.clear()
        if kind == "camera":
            monkeypatch.setattr(camera, "CameraSource", _FakeCamera)
            assert sharing.share_camera(b"cam-1")
        elif kind == "window":
            listed = SimpleNamespace(description=lambda: "Editor")  # a QCapturableWindow
            monkeypatch.setattr(qt_capture, "capturable_windows", lambda: [listed])
            monkeypatch.setattr(qt_capture, "WindowCaptureSource", lambda _w: _FakeCamera())
            sharing.pick_window()
            assert sharing._dialog is not None
            sharing._dialog.textValueSelected.emit(sharing._dialog.textValue())
            sharing._dialog.reject()
        else:  # Wayland: the ScreenCast portal, whose picker stays open here
            sharing.support = CaptureSupport("wayland", False, True, None)

            async def picker_open(*_args: object) -> None:
                await asyncio.Event().wait()

            monkeypatch.setattr(portal_source, "open_cast", picker_open)
            monkeypatch.setattr(portal_source.PipeWireFrames, "available", lambda: True)
            g = screen_rect()
            sharing.share_region(Rect(g.x() + 10, g.y() + 10, 200, 100))
            assert isinstance(sharing.source, portal_source.PortalRegionSource)
        assert sharing.sharing
        await _until(lambda: len(asked) >= 4)  # the pump looked several times...
        assert not active(), f"the {kind} is on while disconnected"
        assert "Nothing is captured until you connect." in window.share_bar.note.text()
        connected[0] = True
        assert sharing.pump is not None
        sharing.pump.wake()
        await _until(active)  # connected: capture starts
        sharing.stop()  # the conversation ended (conv.on_disconnected)
        assert not active(), f"the {kind} stayed on after sharing stopped"
        assert all(c.starts <= 1 for c in _FakeCamera.made)
        await sharing.shutdown()

    asyncio.run(asyncio.wait_for(scenario(), 30))
    window.close_now()
    window.deleteLater()


def test_whole_screen_frame_is_drawn_inside_the_screen_edges(qapp) -> None:  # noqa: F811
    """Issue 18 #14: where a side cannot go outside the region (a screen edge, with no
    screen beyond), it is drawn just inside it, so the whole frame is always visible."""
    g = screen_rect()
    frame = ShareFrame(thickness=4)
    frame.show_around(Rect(g.x(), g.y(), g.width(), g.height()))
    rects = [s.geometry() for s in frame.strips]
    assert all(s.isVisible() for s in frame.strips)
    assert all(g.contains(r) for r in rects), f"strips off the screen: {rects}"
    top, bottom, left, right = rects
    assert top == QRect(g.x(), g.y(), g.width(), 4)
    assert bottom == QRect(g.x(), g.bottom() - 3, g.width(), 4)
    assert left.x() == g.x() and left.width() == 4 and left.height() >= g.height() - 8
    assert right.right() == g.right() and right.width() == 4
    # A region against the left edge only: that side inside, the others outside.
    frame.show_around(Rect(g.x(), g.y() + 100, 300, 200))
    top, bottom, left, right = (s.geometry() for s in frame.strips)
    assert left == QRect(g.x(), g.y() + 100, 4, 200)
    assert top == QRect(g.x(), g.y() + 96, 304, 4) and bottom == QRect(g.x(), g.y() + 300, 304, 4)
    assert right == QRect(g.x() + 300, g.y() + 100, 4, 200)
    frame.close()
