"""A thumbnail of exactly the JPEG last sent, with its size and the time it went out."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from gemini_desk.ui.colours import hex_of

if TYPE_CHECKING:  # Pillow is imported when sharing starts, not with the window
    from gemini_desk.vision.encode import EncodedFrame


class SharePreview(QWidget):
    """Shows the preview decoded (in the worker) from the sent JPEG's own bytes."""

    def __init__(self, side: int = 160, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sharePreview")
        self.side = side
        self.image = QLabel()
        self.image.setObjectName("sharePreviewImage")
        self.image.setFixedSize(side, side * 9 // 16)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setStyleSheet(
            f"background: {hex_of('preview.bg')}; border: 1px solid {hex_of('preview.border')};"
        )
        self.caption = QLabel()
        self.caption.setObjectName("sharePreviewCaption")
        self.caption.setStyleSheet("font-size: 8pt;")
        # Caption beside the thumbnail, not under it: one short row above the transcript.
        self.caption.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.caption)
        layout.addWidget(self.image)
        self.frame: EncodedFrame | None = None
        self.clear()

    def show_frame(self, frame: EncodedFrame) -> None:
        self.frame = frame
        qimage = QImage(
            frame.preview_rgb,
            frame.preview_width,
            frame.preview_height,
            3 * frame.preview_width,
            QImage.Format.Format_RGB888,
        ).copy()
        # Scaled to device pixels, so the thumbnail stays sharp on HiDPI screens.
        dpr = self.image.devicePixelRatioF()
        pixmap = QPixmap.fromImage(qimage).scaled(
            self.image.size() * dpr,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        pixmap.setDevicePixelRatio(dpr)
        self.image.setPixmap(pixmap)
        sent = time.strftime("%H:%M:%S", time.localtime(frame.sent_at))
        kb = len(frame.jpeg) / 1024
        self.caption.setText(
            self.tr("Sent %1 \u00d7 %2 · %3 KB · %4")
            .replace("%1", str(frame.width))
            .replace("%2", str(frame.height))
            .replace("%3", f"{kb:.0f}")
            .replace("%4", sent)
        )
        self.image.setToolTip(self.tr("Exactly what the model saw last"))

    def clear(self) -> None:
        self.frame = None
        self.image.clear()
        self.image.setText(self.tr("Nothing sent yet"))
        self.caption.setText("")
