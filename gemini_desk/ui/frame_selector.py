"""Pick a region of a still picture: the ScreenCast stream's first frame (Wayland).

Wayland lets no app put an overlay at chosen screen coordinates, and the app sees no
pixels before the desktop's picker has chosen a monitor or window. So the selector is a
full-screen window of its own that shows the stream's frozen first frame, one stream
pixel to one device pixel when it fits (scaled down to fit otherwise), and the region
is chosen in the stream's pixels. Mouse and keys as on X11's overlay: drag, move or
resize; arrows nudge (Shift: 10 px, Ctrl: resize); Enter shares; Esc cancels.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
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
from gemini_desk.vision.geometry import Rect
from gemini_desk.vision.region_flow import MIN_SIDE

ACCENT = colour("overlay.accent", dark=False)  # the same in both variants
translate = QCoreApplication.translate  # the overlay's strings, with their contexts


class FrameSelector(QWidget):
    """The frozen frame, full screen, with a selection in the frame's pixels.

    Signals:
        regionSelected(object): a ``Rect`` in the frame's pixels (Enter, "Share this
            region", a double click, or "Whole screen").
        cancelled(): Esc, "Cancel", or the window closed by the desktop.
    """

    regionSelected = Signal(object)
    cancelled = Signal()

    def __init__(self, image: QImage, initial: Rect | None = None) -> None:
        super().__init__(None)
        self.image = image
        self.selection: QRect | None = None
        self._finished = False
        self._drag: str | None = None  # "new" | "move" | edge letters such as "tl", "r"
        self._press = QPointF()
        self._start = QRect()
        self.setObjectName("frameSelector")
        self.setWindowTitle(translate("_Overlay", "Select a region to share"))
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.bar = RegionBar(self)
        self.size_label, self.share_button = self.bar.size_label, self.bar.share_button
        self.bar.window_button.hide()  # the desktop's picker has chosen already
        self.bar.items = tuple(w for w in self.bar.items if w is not self.bar.window_button)
        self.bar.screen_button.clicked.connect(self.choose_all)
        self.share_button.clicked.connect(self.confirm)
        self.bar.cancel_button.clicked.connect(self.cancel)
        if initial is not None:
            self.set_selection(QRect(initial.x, initial.y, initial.w, initial.h))
        self.update_readout()

    # --- public -------------------------------------------------------------------
    def start(self) -> None:
        """Show it full screen with the keyboard focus."""
        self.showFullScreen()
        self.activateWindow()
        self.setFocus()

    def selected_rect(self) -> Rect | None:
        sel = self.selection
        if sel is None or sel.width() < MIN_SIDE or sel.height() < MIN_SIDE:
            return None
        return Rect(sel.x(), sel.y(), sel.width(), sel.height())

    def readout(self) -> str:
        rect = self.selected_rect()
        if rect is None:
            return translate("RegionSelector", "Drag to select")
        return f"{rect.w} \u00d7 {rect.h} px"

    def set_selection(self, rect: QRect) -> None:
        """``rect`` in the frame's pixels, kept inside the frame."""
        self.selection = rect.normalized().intersected(self.image.rect())
        self.update_readout()
        self.update()

    def nudge(self, dx: int, dy: int, resize: bool) -> None:
        if self.selection is None:  # the first arrow key starts one
            self.set_selection(keyboard_start(self.image.rect()))
            return
        self.set_selection(nudged(self.selection, dx, dy, resize, self.image.rect()))

    def choose_all(self) -> None:
        self.set_selection(self.image.rect())
        self.confirm()

    def confirm(self) -> None:
        rect = self.selected_rect()
        if rect is None:
            return
        self._finish()
        self.regionSelected.emit(rect)

    def cancel(self) -> None:
        self._finish()
        self.cancelled.emit()

    def _finish(self) -> None:
        self._finished = True
        self.hide()
        self.deleteLater()

    # --- where the frame is drawn -------------------------------------------------
    def scale(self) -> float:
        """Logical widget px per frame px: one frame px per device px when it fits."""
        w, h = self.image.width(), self.image.height()
        if w <= 0 or h <= 0:
            return 1.0
        return min(self.width() / w, self.height() / h, 1.0 / self.devicePixelRatioF())

    def target(self) -> QRectF:
        s = self.scale()
        w, h = self.image.width() * s, self.image.height() * s
        return QRectF((self.width() - w) / 2, (self.height() - h) / 2, w, h)

    def to_frame(self, pos: QPointF) -> QPointF:
        t, s = self.target(), self.scale()
        return QPointF((pos.x() - t.x()) / s, (pos.y() - t.y()) / s)

    def to_widget(self, rect: QRect) -> QRect:
        t, s = self.target(), self.scale()
        return QRectF(
            t.x() + rect.x() * s, t.y() + rect.y() * s, rect.width() * s, rect.height() * s
        ).toRect()

    def update_readout(self) -> None:
        self.size_label.setText(self.readout())
        self.share_button.setEnabled(self.selected_rect() is not None)
        self.bar.place(max(200, self.width() - 20))
        y = 16
        if self.selection is not None and self.to_widget(self.selection).top() < 80 + y:
            y = self.height() - self.bar.height() - 16  # keep clear of the selection
        self.bar.move((self.width() - self.bar.width()) // 2, y)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.update_readout()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), colour("overlay.bar.bg"))
        target = self.target()
        p.drawImage(target, self.image)
        p.fillRect(target, QColor(0, 0, 0, 110))
        if self.selection is not None and not self.selection.isEmpty():
            sel = self.to_widget(self.selection)
            p.drawImage(QRectF(sel), self.image, QRectF(self.selection))
            p.setPen(QPen(ACCENT, 2))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(sel.adjusted(-1, -1, 0, 0))
            p.setBrush(ACCENT)
            for handle in handles(sel):
                p.drawRect(handle)
        p.end()

    # --- mouse and keys -----------------------------------------------------------
    def _frame_point(self, event: QMouseEvent) -> QPoint:
        pt = self.to_frame(event.position())
        return QPoint(round(pt.x()), round(pt.y()))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        self._press = event.position()
        sel = self.selection
        self._start = QRect(sel) if sel is not None else QRect()
        self._drag = hit(self.to_widget(sel), event.position().toPoint()) if sel else None
        if self._drag is None:
            self._drag = "new"
            here = self._frame_point(event)
            self.set_selection(span(here, here))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._drag is None:
            sel = self.selection
            self.setCursor(cursor_for(hit(self.to_widget(sel), pos.toPoint()) if sel else None))
            return
        s = self.scale()
        dx, dy = round((pos.x() - self._press.x()) / s), round((pos.y() - self._press.y()) / s)
        if self._drag == "new":
            a = self.to_frame(self._press)
            rect = span(QPoint(round(a.x()), round(a.y())), self._frame_point(event))
        elif self._drag == "move":
            rect = self._start.translated(dx, dy)
            keep_inside(rect, self.image.rect())
        else:
            rect = QRect(self._start)
            if "l" in self._drag:
                rect.setLeft(rect.left() + dx)
            if "r" in self._drag:
                rect.setRight(rect.right() + dx)
            if "t" in self._drag:
                rect.setTop(rect.top() + dy)
            if "b" in self._drag:
                rect.setBottom(rect.bottom() + dy)
        self.set_selection(rect)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._drag = None

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.confirm()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.confirm()
        elif key == Qt.Key.Key_Escape:
            self.cancel()
        elif key in ARROWS:
            step = 10 if event.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1
            dx, dy = ARROWS[Qt.Key(key)]
            resize = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            self.nudge(dx * step, dy * step, resize)
        else:
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._finished:  # closed by the desktop (sway's kill, Alt+F4)
            self._finished = True
            self.cancelled.emit()
        super().closeEvent(event)
