"""Wait until a widget has been painted once: the app builds the rest after that."""

from __future__ import annotations

import asyncio
import contextlib

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

__all__ = ["first_paint"]


class _PaintWatch(QObject):
    """Resolves ``done`` at the widget's first paint event."""

    def __init__(self, widget: QWidget, done: asyncio.Future[None]) -> None:
        super().__init__(widget)
        self._done = done

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self._done.done():
            self._done.set_result(None)
        return False


async def first_paint(widget: QWidget, timeout: float = 1.0) -> bool:
    """Return once ``widget`` (shown) has been painted, or after ``timeout`` seconds
    (a window that starts minimised, a display that never exposes it); True if painted."""
    done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    watch = _PaintWatch(widget, done)
    widget.installEventFilter(watch)
    try:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done, timeout)
        return done.done() and not done.cancelled()
    finally:
        widget.removeEventFilter(watch)
        watch.deleteLater()
