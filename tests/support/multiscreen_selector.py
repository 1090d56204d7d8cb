"""Helper process: drive the region selector on three offscreen monitors and print JSON.

Run with QT_QPA_PLATFORM=offscreen:configfile=<json> describing mixed-DPI monitors, one
with a negative origin (see tests/ui/test_region_multiscreen.py).
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QSignalSpy, QTest
from PySide6.QtWidgets import QApplication

from gemini_desk.ui.region_selector import RegionSelector


def main() -> int:
    app = QApplication(sys.argv[:1])
    out: dict[str, object] = {}
    selector = RegionSelector()
    spy = QSignalSpy(selector.regionSelected)
    selector.start(snapshot=False)
    out["overlays"] = sorted(
        [o.geometry().x(), o.geometry().y(), o.geometry().width(), o.geometry().height()]
        for o in selector.overlays
    )
    for name in ("hidpi", "left"):
        overlay = next(o for o in selector.overlays if o.screen().name() == name)
        QTest.mousePress(overlay, Qt.MouseButton.LeftButton, pos=QPoint(100, 50))
        QTest.mouseMove(overlay, QPoint(400, 250))
        QTest.mouseRelease(overlay, Qt.MouseButton.LeftButton, pos=QPoint(400, 250))
        out[f"{name}_readout"] = overlay.size_label.text()
        out[f"{name}_painted_on_others"] = [
            o.screen().name() for o in selector.overlays if o.local_selection() is not None
        ]
        QTest.keyClick(overlay, Qt.Key.Key_Return)
        rect = spy.at(spy.count() - 1)[0]
        out[f"{name}_rect"] = [rect.x, rect.y, rect.w, rect.h]
        selector.start(rect, snapshot=False)  # reopen with the last region preselected
        out[f"{name}_reopened"] = selector.selected_rect() == rect
        selector.close()
        selector.start(snapshot=False)
    selector.close()
    print(json.dumps(out))
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
