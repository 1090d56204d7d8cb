"""A helper process: a frameless window with a known pattern and large text.

Usage: python -m tests.support.pattern_window X Y W H CONTROL_FILE
Prints "ready" once shown. While CONTROL_FILE contains "change", a counter in the
window changes four times a second; otherwise the window is still.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QWidget

BARS = ["#000000", "#ffffff", "#e53935", "#43a047", "#1e88e5", "#fdd835", "#00acc1", "#8e24aa"]


class Pattern(QWidget):
    def __init__(self, control: Path) -> None:
        super().__init__(None)
        self.control = control
        self.counter = 0
        self.setWindowTitle("Pattern")
        self.setWindowFlags(
            Qt.WindowType.FramelessWindowHint | Qt.WindowType.X11BypassWindowManagerHint
        )
        timer = QTimer(self)
        timer.timeout.connect(self._tick)
        timer.start(250)

    def _tick(self) -> None:
        try:
            changing = self.control.read_text().strip() == "change"
        except OSError:
            changing = False
        if changing:
            self.counter += 1
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        w, h = self.width(), self.height()
        p.fillRect(self.rect(), QColor("#ffffff"))
        bar_w = w / len(BARS)
        for i, color in enumerate(BARS):
            p.fillRect(QRect(round(i * bar_w), 0, round(bar_w) + 1, h // 3), QColor(color))
        font = QFont("DejaVu Sans", 48)
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor("#000000"))
        p.drawText(QRect(0, h // 3, w, h // 3), Qt.AlignmentFlag.AlignCenter, "SHARP TEXT 1234")
        p.setPen(QColor("#1e3a8a"))
        p.drawText(
            QRect(0, 2 * h // 3, w, h // 3),
            Qt.AlignmentFlag.AlignCenter,
            f"frame {self.counter:05d}",
        )
        p.end()


def main() -> int:
    x, y, w, h = (int(v) for v in sys.argv[1:5])
    app = QApplication(sys.argv[:1])
    win = Pattern(Path(sys.argv[5]))
    win.setGeometry(x, y, w, h)
    win.show()
    win.raise_()
    QTimer.singleShot(500, lambda: print("ready", flush=True))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
