"""A helper process: the real ScreenSharing sharing one X11 window, picked by its title.

Usage: python -m tests.support.window_share_child TITLE   (DISPLAY, QT_QPA_PLATFORM=xcb)
Opens the window picker, chooses TITLE in it and prints lines on stdout: ``sharing``
once the share started, ``sent WxH`` for the first frame the window capture delivered,
``error TEXT`` for any error shown. Reading ``quit`` on stdin shuts sharing down and
exits 0.
"""

from __future__ import annotations

import asyncio
import sys

import qasync
from PySide6.QtCore import QLoggingCategory, QSocketNotifier
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QWidget

from gemini_desk.core.messages import Message
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.desktop.sharing import ScreenSharing
from gemini_desk.ui.message_text import message_text
from gemini_desk.ui.share_bar import ShareBar


class View:
    def __init__(self) -> None:
        self.share_bar = ShareBar()

    def show_error(self, message: Message | str, action: str | None = None) -> None:
        text = message if isinstance(message, str) else message_text(message)
        print(f"error {text}", flush=True)


async def run(title: str) -> None:
    parent = QWidget()
    sent: list[bytes] = []

    def send(jpeg: bytes) -> bool:
        if not sent:
            image = QImage.fromData(jpeg)
            print(f"sent {image.width()}x{image.height()}", flush=True)
        sent.append(jpeg)
        return True

    # Four frames a second: the first one comes soon.
    settings = SettingsModel(Settings(share_fps=4.0))
    sharing = ScreenSharing(View(), parent, settings, send, lambda: True)
    sharing.pick_window()
    dialog = sharing._dialog
    assert dialog is not None, "no window picker opened"
    dialog.setTextValue(title)
    dialog.accept()
    if sharing.sharing:
        print("sharing", flush=True)

    done = asyncio.get_running_loop().create_future()
    notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)

    def on_stdin() -> None:
        line = sys.stdin.readline()
        if (not line or line.strip() == "quit") and not done.done():
            done.set_result(None)

    notifier.activated.connect(on_stdin)
    await done
    notifier.setEnabled(False)
    await sharing.shutdown()
    parent.deleteLater()


def main() -> int:
    # No camera, sound server or PipeWire here: QtMultimedia's notices about them.
    QLoggingCategory.setFilterRules("qt.multimedia.*=false")
    app = QApplication(sys.argv[:1])
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        runner.run(run(sys.argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
