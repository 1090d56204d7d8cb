"""Light/dark palette support: style sheets that follow the system palette as it changes."""

from __future__ import annotations

import weakref
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QWidget

__all__ = ["follow_palette", "is_dark", "pick"]

_KEY_ROLES = (
    QPalette.ColorRole.Window,
    QPalette.ColorRole.WindowText,
    QPalette.ColorRole.Base,
    QPalette.ColorRole.Text,
    QPalette.ColorRole.Button,
    QPalette.ColorRole.Highlight,
)


def is_dark(palette: QPalette | None = None) -> bool:
    """True when the window background is darker than its text (a dark theme)."""
    pal = palette if palette is not None else QGuiApplication.palette()
    return (
        pal.color(QPalette.ColorRole.Window).lightness()
        < pal.color(QPalette.ColorRole.WindowText).lightness()
    )


def pick(light: str, dark: str, palette: QPalette | None = None) -> str:
    """``light`` or ``dark`` for the current palette (for colours that have no role)."""
    return dark if is_dark(palette) else light


def _palette_key() -> tuple[str, ...]:
    pal = QGuiApplication.palette()
    return tuple(pal.color(role).name() for role in _KEY_ROLES)


class _Follower(QObject):
    """Re-applies a widget's style sheet when the application palette changes.

    Qt resolves ``palette(...)`` in a style sheet once, when it is set; re-setting it
    after the palette changed makes those colours (and :func:`pick`) current again.
    """

    def __init__(self, widget: QWidget, style: Callable[[], str]) -> None:
        super().__init__(widget)
        self._widget = widget
        self._style = style
        self._key: tuple[str, ...] = ()
        self._pending = False
        self.apply()
        widget.installEventFilter(self)

    def apply(self) -> None:
        if not shiboken6.isValid(self._widget):  # being destroyed
            return
        key = _palette_key()
        if key == self._key:
            return
        self._key = key
        # Set twice when unchanged text would otherwise be a no-op for Qt.
        text = self._style()
        if text == self._widget.styleSheet():
            self._widget.setStyleSheet("")
        self._widget.setStyleSheet(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kinds = (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange)
        if event.type() in kinds:
            self.changed()
        return False

    def changed(self) -> None:
        if not self._pending and shiboken6.isValid(self._widget) and _palette_key() != self._key:
            # Not inside the palette event itself: re-styling there re-enters Qt's
            # palette propagation (and aborts). Right after it is safe.
            self._pending = True
            QTimer.singleShot(0, self, self._apply_later)

    def _apply_later(self) -> None:
        self._pending = False
        self.apply()


class _Hub(QObject):
    """Tells every follower when the application's palette changed.

    A widget under a style sheet that sets colours gets no palette events of its own
    (the style sheet owns its palette), so the application's event is the signal."""

    def __init__(self, app: QObject) -> None:
        super().__init__(app)
        self.followers: weakref.WeakSet[_Follower] = weakref.WeakSet()
        app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ApplicationPaletteChange and watched is self.parent():
            for follower in list(self.followers):
                if shiboken6.isValid(follower):
                    follower.changed()
        return False


_hub: _Hub | None = None


def follow_palette(widget: QWidget, style: str | Callable[[], str]) -> None:
    """Give ``widget`` the style sheet ``style`` (text, or a function of the palette via
    :func:`pick`) and keep it current when the system switches light/dark."""
    global _hub
    make = style if callable(style) else (lambda: style)
    follower = _Follower(widget, make)
    app = QGuiApplication.instance()
    if app is not None:
        if _hub is None or not shiboken6.isValid(_hub):
            _hub = _Hub(app)
        _hub.followers.add(follower)
