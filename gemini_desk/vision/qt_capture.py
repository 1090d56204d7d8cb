"""Window capture through QtMultimedia (X11, Windows, macOS)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QWindow
from PySide6.QtMultimedia import (
    QCapturableWindow,
    QMediaCaptureSession,
    QWindowCapture,
)

from gemini_desk.core.messages import MessageId as M
from gemini_desk.core.messages import message
from gemini_desk.vision.sink_source import SinkSource

log = logging.getLogger("gemini_desk.vision")


def capturable_windows() -> list[QCapturableWindow]:
    """Windows the platform lets us capture (may be empty, e.g. with no window manager)."""
    try:
        return [w for w in QWindowCapture.capturableWindows() if w.isValid()]
    except Exception as exc:
        log.warning("window list unavailable: %r", exc)
        return []


def capturable_window(window_id: int) -> QCapturableWindow:
    """The window with this native id (X11) as Qt's capture wants it: invalid where Qt
    cannot capture windows. The foreign QWindow is needed only to build it."""
    foreign = QWindow.fromWinId(window_id)
    try:
        return QCapturableWindow(foreign)
    finally:
        foreign.deleteLater()  # Qt owns it; deleting it leaves the native window alone


class WindowCaptureSource(QObject, SinkSource):
    """One window via QWindowCapture: follows the window when it moves.

    Signals:
        failed(Message): capture could not start or stopped with an error.
    """

    failed = Signal(object)

    def __init__(self, window: QCapturableWindow) -> None:
        QObject.__init__(self)
        SinkSource.__init__(self, description=window.description())
        self.capture = QWindowCapture()
        self.capture.setWindow(window)
        self.session = QMediaCaptureSession()
        self.session.setWindowCapture(self.capture)
        self.session.setVideoSink(self.sink)
        self.capture.errorOccurred.connect(self._on_error)

    def start(self) -> None:
        self.capture.start()

    def stop(self) -> None:
        self.capture.stop()

    def _on_error(self, error: QWindowCapture.Error, text: str) -> None:
        log.warning("window capture error %s: %s", error, text)
        self.failed.emit(message(M.WINDOW_NOT_CAPTURABLE, text or message(M.UNKNOWN_ERROR)))
