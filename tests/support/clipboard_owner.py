"""A helper process: another X client that owns the clipboard and serves known text.

Usage: python -m tests.support.clipboard_owner TEXT
Prints "ready" once it owns the X clipboard with TEXT on it, and "lost" if another
client takes the clipboard over (what a clipboard write by someone else does). Runs
until terminated. Without a clipboard manager the text is gone when it exits.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QClipboard, QGuiApplication


def main() -> int:
    text = sys.argv[1]
    app = QGuiApplication(sys.argv[:1])
    clipboard = app.clipboard()

    def announce_when_owned() -> None:
        if clipboard.ownsClipboard() and clipboard.text() == text:
            print("ready", flush=True)
            clipboard.changed.connect(on_changed)
        else:
            QTimer.singleShot(50, announce_when_owned)

    def on_changed(mode: QClipboard.Mode) -> None:
        if mode == QClipboard.Mode.Clipboard and not clipboard.ownsClipboard():
            print("lost", flush=True)

    clipboard.setText(text, QClipboard.Mode.Clipboard)
    QTimer.singleShot(0, announce_when_owned)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
