"""Renders resources/icons/gemini-desk.svg to the PNG sizes desktops expect.

Run after changing the SVG: QT_QPA_PLATFORM=offscreen python packaging/make_icons.py
"""

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
APP_ID = "io.github.geminidesk.GeminiDesk"


def main() -> int:
    root = Path(__file__).resolve().parent.parent / "resources" / "icons"
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - needed for painting
    renderer = QSvgRenderer(str(root / "gemini-desk.svg"))
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        out = root / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        image.save(str(out), "PNG")
    scalable = root / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    scalable.write_bytes((root / "gemini-desk.svg").read_bytes())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
