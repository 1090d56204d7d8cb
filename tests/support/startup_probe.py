"""Child process for tests/ui/test_startup_order.py: runs the real Desk (offscreen, demo
mode) and prints, as JSON, which heavy modules were loaded when the main window was first
painted and which once the app was fully built."""

from __future__ import annotations

import asyncio
import json
import sys
import time

HEAVY = (
    "google.genai",
    "keyring",
    "PySide6.QtMultimedia",
    "gemini_desk.sim",
    "livekit",
    "numpy",
    "PIL",
)


def loaded() -> dict[str, bool]:
    return {m: m in sys.modules for m in HEAVY}


def main() -> int:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv[:1])
    import qasync

    from gemini_desk.app.cli import parse_args
    from gemini_desk.app.desk import Desk
    from gemini_desk.platform.paths import AppPaths

    at_paint: dict[str, bool] = {}

    class Watch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if (
                not at_paint
                and event.type() == QEvent.Type.Paint
                and type(watched).__name__ == "MainWindow"
            ):
                at_paint.update(loaded())
            return False

    watch = Watch()
    app.installEventFilter(watch)
    desk = Desk(parse_args(["--demo"]), AppPaths.from_env())

    async def run() -> dict[str, bool]:
        task = asyncio.ensure_future(desk.run())
        deadline = time.monotonic() + 60
        # Built: demo mode's local server is the last thing the build starts.
        while getattr(getattr(desk, "endpoints", None), "sim", None) is None:
            if task.done() or time.monotonic() > deadline:
                raise RuntimeError("the app was not built within 60 s")
            await asyncio.sleep(0.02)
        built = loaded()
        desk.request_quit()
        await task
        return built

    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        built = runner.run(run())
    print(json.dumps({"at_first_paint": at_paint, "built": built}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
