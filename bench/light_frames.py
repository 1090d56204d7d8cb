"""The frame path for ``bench.light``: gemini-desk's grab + scale + JPEG against the naive
Qt way, at 1024 px and at native size, on the screen ``DISPLAY`` names.

Run under an X server: python -m bench.light_frames --repeats 40
Prints one JSON object: p50/p95 ms per path, the JPEG size, and the output size.
Repetitions alternate the two ways in ABBA order, so drift hits both alike.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=40)
    args = ap.parse_args(argv)

    from PySide6.QtCore import QBuffer, QIODevice, QRect, Qt
    from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter
    from PySide6.QtWidgets import QApplication, QWidget

    from gemini_desk.vision.change import thumbnail
    from gemini_desk.vision.encode import make_frame
    from gemini_desk.vision.geometry import Rect
    from gemini_desk.vision.screen_source import ScreenRegionSource

    app = QApplication(sys.argv[:1])
    screen = QGuiApplication.primaryScreen().geometry()
    w, h = screen.width(), screen.height()

    class Busy(QWidget):
        """Small text and colour bands over the whole screen; the counter changes per frame."""

        n = 0

        def paintEvent(self, event: object) -> None:
            p = QPainter(self)
            for i in range(12):
                p.fillRect(QRect(i * w // 12, 0, w // 12 + 1, 80), QColor.fromHsv(i * 30, 200, 230))
            p.fillRect(QRect(0, 80, w, h - 80), QColor("white"))
            p.setFont(QFont("DejaVu Sans", 10))
            line = "The quick brown fox jumps over the lazy dog"
            for row in range((h - 100) // 16):
                p.drawText(10, 100 + row * 16, f"{row:02d} {line} {self.n} " * 3)
            p.end()

    busy = Busy(None, Qt.WindowType.FramelessWindowHint)
    busy.setGeometry(0, 0, w, h)
    busy.show()
    for _ in range(20):
        app.processEvents()
        time.sleep(0.02)

    source = ScreenRegionSource(Rect(0, 0, w, h))
    sizes: dict[str, tuple[int, int, int]] = {}

    def ours(sharp: bool) -> Callable[[], None]:
        def run() -> None:
            image = source.grab()
            assert image is not None
            thumbnail(image)  # the pump's change check is part of each frame's cost
            frame = make_frame(image, 1024, sharp, 80)
            sizes["sharp" if sharp else "default"] = (frame.width, frame.height, len(frame.jpeg))

        return run

    def naive(native: bool) -> Callable[[], None]:
        qscreen = QGuiApplication.primaryScreen()

        def run() -> None:
            image = qscreen.grabWindow(0, 0, 0, w, h).toImage()
            if not native:
                image = image.scaled(
                    1024,
                    1024,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            buf = QBuffer()
            buf.open(QIODevice.OpenModeFlag.WriteOnly)
            image.save(buf, "JPEG", 80)
            sizes["naive_native" if native else "naive_1024"] = (
                image.width(),
                image.height(),
                buf.size(),
            )

        return run

    paths = {
        "desk_1024": ours(False),
        "naive_1024": naive(False),
        "desk_native": ours(True),
        "naive_native": naive(True),
    }
    times: dict[str, list[float]] = {k: [] for k in paths}
    order = list(paths)
    for i in range(args.repeats):
        busy.n = i
        busy.repaint()
        app.processEvents()
        for name in order if i % 2 == 0 else reversed(order):
            t0 = time.perf_counter()
            paths[name]()
            times[name].append((time.perf_counter() - t0) * 1e3)
    source.close()
    key = {"desk_1024": "default", "desk_native": "sharp"}
    result = {
        "screen": [w, h],
        **{
            name: {
                "p50_ms": statistics.median(t),
                "p95_ms": _pct(t, 95),
                "size": list(sizes[key.get(name, name)][:2]),
                "jpeg_kb": sizes[key.get(name, name)][2] / 1024,
            }
            for name, t in times.items()
        },
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
