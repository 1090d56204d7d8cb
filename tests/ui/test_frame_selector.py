"""The Wayland region selector: a region of the stream's frozen frame, in its pixels."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtTest import QSignalSpy, QTest

from gemini_desk.ui.frame_selector import FrameSelector
from gemini_desk.vision.geometry import Rect
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


def frame(w: int, h: int) -> QImage:
    image = QImage(w, h, QImage.Format.Format_RGB32)
    image.fill(QColor("#1e88e5"))
    return image


def shown(selector: FrameSelector, w: int, h: int) -> FrameSelector:
    """At a known size (offscreen's "full screen" is its virtual screen's)."""
    selector.resize(w, h)
    selector.show()
    process_events()
    return selector


def drag(widget: FrameSelector, a: QPoint, b: QPoint) -> None:
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, pos=a)
    QTest.mouseMove(widget, (a + b) / 2)
    QTest.mouseMove(widget, b)
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=b)


def test_one_frame_pixel_per_pixel_drag_move_nudge_and_enter(qapp) -> None:  # noqa: F811
    selector = shown(FrameSelector(frame(640, 400)), 640, 400)
    chosen = QSignalSpy(selector.regionSelected)
    assert selector.scale() == 1.0 and selector.readout() == "Drag to select"
    assert not selector.share_button.isEnabled()
    assert not selector.bar.window_button.isVisible()  # the picker chose already
    drag(selector, QPoint(100, 120), QPoint(400, 320))
    assert selector.size_label.text() == "300 \u00d7 200 px"
    assert selector.share_button.isEnabled()
    drag(selector, QPoint(200, 200), QPoint(210, 230))  # inside: moves it
    QTest.keyClick(selector, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(selector, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(selector, Qt.Key.Key_Return)
    assert chosen.count() == 1
    assert chosen.at(0)[0] == Rect(120, 150, 300, 201)
    assert not selector.isVisible()


def test_a_bigger_frame_is_scaled_to_fit_and_chosen_in_its_own_pixels(qapp) -> None:  # noqa: F811
    selector = shown(FrameSelector(frame(1600, 1000)), 800, 500)
    chosen = QSignalSpy(selector.regionSelected)
    assert selector.scale() == 0.5
    drag(selector, QPoint(100, 100), QPoint(300, 200))
    assert selector.readout() == "400 \u00d7 200 px"  # the stream's pixels
    drag(selector, QPoint(299, 199), QPoint(349, 224))  # the bottom-right corner
    selector.confirm()
    assert chosen.at(0)[0] == Rect(200, 200, 500, 250)


def test_a_selection_stays_inside_the_frame_and_escape_cancels(qapp) -> None:  # noqa: F811
    selector = shown(FrameSelector(frame(640, 400), Rect(500, 300, 100, 80)), 640, 400)
    cancelled = QSignalSpy(selector.cancelled)
    chosen = QSignalSpy(selector.regionSelected)
    drag(selector, QPoint(550, 340), QPoint(700, 500))  # moved past the corner
    assert selector.selected_rect() == Rect(540, 320, 100, 80)
    drag(selector, QPoint(10, 10), QPoint(14, 14))  # a 4-px click-drag is not a region
    QTest.keyClick(selector, Qt.Key.Key_Return)
    assert chosen.count() == 0 and selector.isVisible()
    QTest.keyClick(selector, Qt.Key.Key_Escape)
    assert cancelled.count() == 1 and chosen.count() == 0
    assert not selector.isVisible()


def test_whole_screen_takes_the_whole_frame_and_closing_the_window_cancels(qapp) -> None:  # noqa: F811
    whole = shown(FrameSelector(frame(640, 400)), 640, 400)
    chosen = QSignalSpy(whole.regionSelected)
    whole.bar.screen_button.click()
    assert chosen.at(0)[0] == Rect(0, 0, 640, 400)
    closed = shown(FrameSelector(frame(640, 400)), 640, 400)
    cancelled = QSignalSpy(closed.cancelled)
    closed.close()  # the desktop closed it
    assert cancelled.count() == 1


def test_the_frame_is_painted_dimmed_around_a_clear_selection(qapp) -> None:  # noqa: F811
    selector = shown(FrameSelector(frame(640, 400), Rect(100, 200, 200, 100)), 640, 400)
    picture = selector.grab().toImage()
    inside, outside = picture.pixelColor(200, 250), picture.pixelColor(50, 380)
    assert inside == QColor("#1e88e5")
    assert outside.blue() < inside.blue() - 60  # dimmed
    assert picture.pixelColor(100, 250).red() > 200  # the red border at the left edge
    selector.cancel()


def test_the_keyboard_alone_can_choose_a_region_of_the_frame(qapp) -> None:  # noqa: F811
    # No region remembered, no pointer (a headless seat, or a keyboard user): an arrow
    # key starts a selection in the middle of the frame, half its size.
    selector = shown(FrameSelector(frame(640, 400)), 640, 400)
    chosen = QSignalSpy(selector.regionSelected)
    QTest.keyClick(selector, Qt.Key.Key_Down)
    assert selector.selected_rect() == Rect(160, 100, 320, 200)
    QTest.keyClick(selector, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClick(selector, Qt.Key.Key_Return)
    assert chosen.count() == 1 and chosen.at(0)[0] == Rect(160, 110, 320, 200)
