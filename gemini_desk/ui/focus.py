"""Keyboard focus: Tab follows what the eye reads, top to bottom; where the focus goes
as a connection is made; and a window kept on its screen."""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFormLayout, QLayout, QLayoutItem, QWidget

from gemini_desk.core.events import SessionState

__all__ = ["ConnectFocus", "chain", "fit_on_screen", "form_fields"]

_LIVE = (SessionState.CONNECTED, SessionState.RECONNECTING)


def _focusable(widget: QWidget) -> list[QWidget]:
    """``widget`` itself if Tab stops there, else its focusable children in layout order."""
    if widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.focusProxy() is None:
        return [widget]
    layout = widget.layout()
    if layout is not None:
        return _layout_widgets(layout)
    return [
        w
        for w in widget.findChildren(QWidget)
        if w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.focusProxy() is None
    ]


def _layout_widgets(layout: QLayout) -> list[QWidget]:
    out: list[QWidget] = []
    for i in range(layout.count()):
        out += _item_widgets(layout.itemAt(i))
    return out


def _item_widgets(item: QLayoutItem | None) -> list[QWidget]:
    """The focusable widgets of one layout item (a widget or a nested layout)."""
    if item is None:
        return []
    widget, inner = item.widget(), item.layout()
    if widget is not None:
        return _focusable(widget)
    return _layout_widgets(inner) if inner is not None else []


def form_fields(form: QFormLayout) -> list[QWidget]:
    """The focusable fields of ``form`` in row order (labels are skipped)."""
    out: list[QWidget] = []
    for row in range(form.rowCount()):
        for role in (QFormLayout.ItemRole.FieldRole, QFormLayout.ItemRole.SpanningRole):
            out += _item_widgets(form.itemAt(row, role))
    return out


def chain(widgets: list[QWidget]) -> None:
    """Make Tab visit ``widgets`` in this order (duplicates are ignored)."""
    seen: list[QWidget] = []
    for widget in widgets:
        if widget not in seen:
            seen.append(widget)
    for first, second in itertools.pairwise(seen):
        QWidget.setTabOrder(first, second)


class ConnectFocus:
    """While connecting, the focus waits where Space does nothing: not on the status
    pill (whose Space mutes), nor where Qt moved it off the disabled Connect button
    (it is cleared). Once connected it goes to the text box, unless the user put it
    somewhere meanwhile. A reconnect leaves it alone."""

    def __init__(self, area: QWidget, text_box: QWidget, button: QWidget, pill: QWidget) -> None:
        self._area, self._text_box, self._button, self._pill = area, text_box, button, pill
        self._parked: QWidget | None = None  # where the focus waited while connecting
        self._due = False  # connecting: the text box gets the cursor once connected

    def follow(self, state: SessionState, button_had_it: bool) -> None:
        """The connection's new ``state``; ``button_had_it``: Connect had the focus."""
        focused = QApplication.focusWidget()
        if state is SessionState.CONNECTING:
            stray = button_had_it or focused is self._pill
            if focused is not None and (stray or not self._area.isAncestorOf(focused)):
                focused.clearFocus()
            self._parked, self._due = QApplication.focusWidget(), True
            return
        if state in _LIVE:
            waited = self._due and focused in (None, self._parked)
            if waited or focused in (None, self._button):
                self._text_box.setFocus(Qt.FocusReason.OtherFocusReason)
        self._parked, self._due = None, False


def fit_on_screen(window: QWidget, min_width: int, min_height: int) -> None:
    """Keep ``window`` on the screen it opens on, and no larger than it (200 %...)."""
    screen = window.screen()
    if screen is None:
        return
    room = screen.availableGeometry()
    window.setMinimumSize(min(min_width, room.width()), min(min_height, room.height()))
    frame = window.frameGeometry()
    extra_w = frame.width() - window.width()
    extra_h = frame.height() - window.height()
    width = min(window.width(), room.width() - extra_w)
    height = min(window.height(), room.height() - extra_h)
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)
    x = min(max(frame.x(), room.left()), room.right() + 1 - width - extra_w)
    y = min(max(frame.y(), room.top()), room.bottom() + 1 - height - extra_h)
    if (x, y) != (frame.x(), frame.y()):
        window.move(x, y)
