"""Pick a screen region: a dimmed overlay on every monitor, drag, move, resize, Enter."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QScreen,
)
from PySide6.QtWidgets import QWidget

from gemini_desk.ui.colours import colour
from gemini_desk.ui.region_bar import RegionBar
from gemini_desk.ui.region_handles import (
    ARROWS,
    cursor_for,
    handles,
    hit,
    keep_inside,
    keyboard_start,
    nudged,
    span,
)
from gemini_desk.ui.share_frame import tool_window_flag
from gemini_desk.vision.geometry import Rect, to_physical
from gemini_desk.vision.region_flow import MIN_SIDE
from gemini_desk.vision.screens import all_screens

log = logging.getLogger("gemini_desk.ui")

ACCENT = colour("overlay.accent", dark=False)  # the same in both variants


class RegionSelector(QObject):
    """One translucent overlay per monitor; the selection lives in logical desktop pixels.

    A rectangle stays on the monitor where it was started (mixed-DPI monitors map
    differently, so a region never spans two). The live readout shows the size in
    device pixels, which is what gets captured.

    Signals:
        regionSelected(object): a ``Rect`` in logical pixels (Enter, or "Share this").
        windowRequested(): the user chose "A window…".
        cancelled(): Esc or "Cancel".
    """

    regionSelected = Signal(object)
    windowRequested = Signal()
    cancelled = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.overlays: list[_Overlay] = []
        self.selection: QRect | None = None
        self.screen_rect: QRect | None = None  # the monitor the selection is bound to

    # --- public -------------------------------------------------------------------
    def start(self, initial: Rect | None = None, snapshot: bool = True) -> None:
        """Show the overlays; ``initial`` (e.g. the last region) is preselected if visible.

        ``snapshot`` paints a dimmed still of each screen under the overlay, which looks
        right even without a compositor (plain X11); it never leaves this process.
        """
        self.close()
        for screen in QGuiApplication.screens():
            overlay = _Overlay(self, screen, snapshot)
            self.overlays.append(overlay)
        if initial is not None:
            rect = QRect(initial.x, initial.y, initial.w, initial.h)
            for overlay in self.overlays:
                if overlay.geometry().contains(rect.center()):
                    self.screen_rect = overlay.geometry()
                    self.selection = rect.intersected(self.screen_rect)
        for overlay in self.overlays:
            overlay.show()
            overlay.setGeometry(overlay.screen_geometry)
        target = self._overlay_under_cursor()
        if target is not None:
            target.activateWindow()
            if QGuiApplication.platformName() != "offscreen":  # it cannot stack windows
                target.raise_()
            target.setFocus()
        self._refresh()

    def close(self) -> None:
        for overlay in self.overlays:
            overlay.hide()
            overlay.deleteLater()
        self.overlays = []

    def selected_rect(self) -> Rect | None:
        sel = self.selection
        if sel is None or sel.width() < MIN_SIDE or sel.height() < MIN_SIDE:
            return None
        return Rect(sel.x(), sel.y(), sel.width(), sel.height())

    def readout(self) -> str:
        """E.g. ``1200 x 600 px`` (device pixels), with the scale when it is not 100 %."""
        rect = self.selected_rect()
        if rect is None:
            return self.tr("Drag to select")
        phys = to_physical(rect, all_screens())
        if phys is None:
            return self.tr("Off screen")
        text = f"{phys.w} \u00d7 {phys.h} px"
        if (phys.w, phys.h) != (rect.w, rect.h):
            text += f"  ({rect.w} \u00d7 {rect.h} at {phys.w / rect.w:.0%})"
        return text

    def confirm(self) -> None:
        rect = self.selected_rect()
        if rect is None:
            return
        self.close()
        self.regionSelected.emit(rect)

    def choose_screen(self, overlay: _Overlay) -> None:
        g = overlay.screen_geometry
        self.screen_rect = QRect(g)
        self.selection = QRect(g)
        self.confirm()

    def cancel(self) -> None:
        self.close()
        self.cancelled.emit()

    # --- editing (called by overlays with global logical points) ------------------
    def set_selection(self, rect: QRect, screen_rect: QRect) -> None:
        self.screen_rect = QRect(screen_rect)
        self.selection = rect.normalized().intersected(screen_rect)
        self._refresh()

    def nudge(self, dx: int, dy: int, resize: bool) -> None:
        if self.selection is None or self.screen_rect is None:
            return
        sel = nudged(self.selection, dx, dy, resize, self.screen_rect)
        self.set_selection(sel, self.screen_rect)

    def _refresh(self) -> None:
        for overlay in self.overlays:
            overlay.update_readout()
            overlay.update()

    def _overlay_under_cursor(self) -> _Overlay | None:
        from PySide6.QtGui import QCursor

        pos = QCursor.pos()
        for overlay in self.overlays:
            if overlay.screen_geometry.contains(pos):
                return overlay
        return self.overlays[0] if self.overlays else None


class _Overlay(QWidget):
    """The overlay on one monitor: paints the dimmed screen and the selection."""

    def __init__(self, owner: RegionSelector, screen: QScreen, snapshot: bool) -> None:
        super().__init__(None)
        self.owner = owner
        self.screen_geometry = QRect(screen.geometry())
        self.setObjectName("regionOverlay")
        self.setWindowTitle(self.tr("Select a region to share"))
        self.setWindowFlags(
            Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | tool_window_flag()
        )
        self.setAttribute(Qt.WidgetAttribute.WA_TranslucentBackground)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setScreen(screen)
        self.setGeometry(self.screen_geometry)
        self._background = QPixmap()
        if snapshot and QGuiApplication.platformName() == "xcb":
            self._background = screen.grabWindow(0)
        self._drag: str | None = None  # "new" | "move" | edge letters such as "tl", "r"
        self._press = QPoint()
        self._start = QRect()

        self.bar = RegionBar(self)
        self.help, self.size_label = self.bar.help, self.bar.size_label
        self.screen_button = self.bar.screen_button
        self.screen_button.clicked.connect(lambda: owner.choose_screen(self))
        self.window_button = self.bar.window_button
        self.window_button.clicked.connect(self._on_window)
        self.share_button = self.bar.share_button
        self.share_button.clicked.connect(owner.confirm)
        self.cancel_button = self.bar.cancel_button
        self.cancel_button.clicked.connect(owner.cancel)
        self.update_readout()

    def _on_window(self) -> None:
        self.owner.close()
        self.owner.windowRequested.emit()

    def update_readout(self) -> None:
        self.size_label.setText(self.owner.readout())
        sel = self.owner.selection
        self.share_button.setEnabled(self.owner.selected_rect() is not None)
        self.bar.place(self.width() - 20)  # wraps rather than cutting its text
        x = (self.width() - self.bar.width()) // 2
        y = 16
        if sel is not None and self.mapFromGlobal(sel.topLeft()).y() < 80:
            y = self.height() - self.bar.height() - 16  # keep clear of the selection
        self.bar.move(x, y)

    # --- painting -------------------------------------------------------------------
    def local_selection(self) -> QRect | None:
        """The selection in this overlay's coordinates; None when it is on another screen."""
        sel, screen = self.owner.selection, self.owner.screen_rect
        if sel is None or screen != self.screen_geometry:
            return None
        return sel.translated(-self.screen_geometry.topLeft())

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        if not self._background.isNull():
            p.drawPixmap(self.rect(), self._background)
        p.fillRect(self.rect(), QColor(0, 0, 0, 110))
        sel = self.local_selection()
        if sel is not None:
            if not self._background.isNull():
                source = QRect(
                    sel.topLeft() * self._background.devicePixelRatio(),
                    sel.size() * self._background.devicePixelRatio(),
                )
                p.drawPixmap(sel, self._background, source)
            else:
                p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
                p.fillRect(sel, Qt.GlobalColor.transparent)
                p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
            p.setPen(QPen(ACCENT, 2))
            p.drawRect(sel.adjusted(-1, -1, 0, 0))
            p.setBrush(ACCENT)
            for handle in handles(sel):
                p.drawRect(handle)
        p.end()

    # --- mouse ------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        pos = event.globalPosition().toPoint()
        sel = self.owner.selection if self.local_selection() is not None else None
        self._press = pos
        self._start = QRect(sel) if sel is not None else QRect()
        self._drag = hit(sel, pos) if sel is not None else None
        if self._drag is None:
            self._drag = "new"
            self.owner.set_selection(span(pos, pos), self.screen_geometry)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.globalPosition().toPoint()
        if self._drag is None:
            sel = self.owner.selection if self.local_selection() is not None else None
            self.setCursor(cursor_for(hit(sel, pos) if sel is not None else None))
            return
        delta = pos - self._press
        if self._drag == "new":
            rect = span(self._press, pos)
        elif self._drag == "move":
            rect = self._start.translated(delta)
            g = self.screen_geometry
            keep_inside(rect, g)
        else:
            rect = QRect(self._start)
            if "l" in self._drag:
                rect.setLeft(rect.left() + delta.x())
            if "r" in self._drag:
                rect.setRight(rect.right() + delta.x())
            if "t" in self._drag:
                rect.setTop(rect.top() + delta.y())
            if "b" in self._drag:
                rect.setBottom(rect.bottom() + delta.y())
        self.owner.set_selection(rect, self.screen_geometry)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drag = None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.owner.confirm()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.owner.confirm()
        elif key == Qt.Key.Key_Escape:
            self.owner.cancel()
        elif key in ARROWS:
            step = 10 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1
            dx, dy = ARROWS[Qt.Key(key)]
            resize = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            if self.owner.selection is None:  # the first arrow key starts one
                g = self.screen_geometry
                self.owner.set_selection(keyboard_start(g), g)
            else:
                self.owner.nudge(dx * step, dy * step, resize)
        else:
            super().keyPressEvent(event)
