"""Render the main window with fake levels and a few turns to a PNG (not a test).

Usage: python tests/ui/screenshot_demo.py out.png [--dialogs]
With --dialogs it also saves out-apikey.png, out-settings.png and out-empty.png (a
disconnected, muted window) next to it.
"""

from __future__ import annotations

import math
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from gemini_desk.core.events import SessionState
from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.settings import Settings
from gemini_desk.core.transcript import Role, Turn
from gemini_desk.ui.api_key_dialog import ApiKeyDialog
from gemini_desk.ui.main_window import MainWindow
from gemini_desk.ui.settings_dialog import SettingsDialog

_T0 = time.monotonic()


def mic_level() -> tuple[float, float, bool]:
    t = time.monotonic() - _T0
    return -24.0 + 8.0 * math.sin(t * 3.0), -9.0, False


def speaker_level() -> tuple[float, float, bool]:
    return -4.0, -0.1, True


def build_window() -> MainWindow:
    window = MainWindow(mic_level, speaker_level)
    window.set_session_state(SessionState.CONNECTED)
    window.set_model("gemini-2.5-flash-native-audio-preview-09-2025")
    window.set_demo_mode(True)
    window.set_latency(412)
    now = time.time()
    turns = [
        Turn(1, Role.USER, "What's the weather like on Mars today?", now - 30, True),
        Turn(
            2,
            Role.MODEL,
            "I can't check live data, but a typical day at Gale crater is around minus "
            "sixty degrees Celsius with thin, dusty air and a pinkish sky.",
            now - 28,
            True,
            latency_ms=412,
        ),
        Turn(3, Role.USER, "Typed: tell me a long story", now - 12, True, typed=True),
        Turn(
            4,
            Role.MODEL,
            "Once upon a time, on a small red planet",
            now - 10,
            True,
            interrupted=True,
            latency_ms=388,
        ),
        Turn(5, Role.USER, "Actually, never mind", now - 4),
    ]
    for turn in turns:
        window.show_turn(turn)
    window.show_error(message(MessageId.BAD_KEY), action="api_key")
    return window


def save(widget: QWidget, path: Path) -> None:
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(path)


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    out = Path(sys.argv[1])
    app = QApplication(sys.argv[:1])
    window = build_window()
    window.show()
    extra: list[tuple[QWidget, Path]] = []
    if "--dialogs" in sys.argv:
        key = ApiKeyDialog()
        key.set_storage_note(message(MessageId.KEY_IN_KEYRING))
        key.key_edit.setText("AIza-example")
        settings = SettingsDialog(
            Settings(),
            ["Built-in Microphone", "USB Headset"],
            ["Speakers"],
            message(MessageId.KEY_IN_KEYRING),
        )
        empty = MainWindow(mic_level, speaker_level)
        empty.set_model("gemini-live-2.5-flash-preview")
        empty.set_muted(True)
        empty.move(40, 40)
        for dialog, suffix in ((key, "apikey"), (settings, "settings"), (empty, "empty")):
            dialog.show()
            extra.append((dialog, out.with_name(f"{out.stem}-{suffix}{out.suffix}")))

    def finish() -> None:
        save(window, out)
        for widget, path in extra:
            save(widget, path)
        for widget, _ in extra:
            if isinstance(widget, MainWindow):
                widget.close_now()
        window.close_now()
        app.quit()

    QTimer.singleShot(700, finish)  # let the meters run a few ticks
    app.exec()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
