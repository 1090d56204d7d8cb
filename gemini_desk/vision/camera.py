"""Camera frames through QtMultimedia: device list and a camera feeding a SinkSource."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal
from PySide6.QtMultimedia import QCamera, QCameraDevice, QMediaCaptureSession, QMediaDevices

from gemini_desk.core.messages import MessageId as M
from gemini_desk.core.messages import message
from gemini_desk.vision.sink_source import SinkSource

log = logging.getLogger("gemini_desk.vision")

NO_CAMERA = message(M.NO_CAMERA)


@dataclass(frozen=True, slots=True)
class CameraChoice:
    id: bytes
    name: str
    is_default: bool


def list_cameras() -> list[CameraChoice]:
    """The cameras Qt can see now (empty when there are none, never an exception)."""
    try:
        devices = QMediaDevices.videoInputs()
    except Exception as exc:  # a broken multimedia backend is "no camera", not a crash
        log.warning("camera list unavailable: %r", exc)
        return []
    default = QMediaDevices.defaultVideoInput()
    return [
        CameraChoice(bytes(d.id().data()), d.description(), d.id() == default.id()) for d in devices
    ]


class CameraSource(QObject, SinkSource):
    """One open camera. ``failed`` carries a Message when it stops working.

    Signals:
        failed(Message): the camera could not start or stopped with an error.
    """

    failed = Signal(object)

    def __init__(self, camera_id: bytes | None = None) -> None:
        QObject.__init__(self)
        device = _find(camera_id)
        if device is None:
            raise LookupError("no camera")
        SinkSource.__init__(self, description=device.description())
        self.camera = QCamera(device)
        self.session = QMediaCaptureSession()
        self.session.setCamera(self.camera)
        self.session.setVideoSink(self.sink)
        self.camera.errorOccurred.connect(self._on_error)

    def start(self) -> None:
        self.camera.start()

    def stop(self) -> None:
        """Turn the camera off (GUI thread); the pump closes the source itself."""
        self.camera.stop()

    def _on_error(self, error: QCamera.Error, text: str) -> None:
        log.warning("camera error %s: %s", error, text)
        self.failed.emit(message(M.CAMERA_STOPPED, text or message(M.UNKNOWN_ERROR)))


def _find(camera_id: bytes | None) -> QCameraDevice | None:
    devices = QMediaDevices.videoInputs()
    if not devices:
        return None
    for device in devices:
        if camera_id and bytes(device.id().data()) == camera_id:
            return device
    default = QMediaDevices.defaultVideoInput()
    return default if not default.isNull() else devices[0]
