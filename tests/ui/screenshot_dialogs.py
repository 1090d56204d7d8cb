"""Screenshots of the Settings pages, History (listing and a search) and Shortcuts, for
looking at them (not a test).

Usage: python tests/ui/screenshot_dialogs.py OUT_PREFIX [--dark] [--lang zh_CN]
Run under Xvfb (QT_QPA_PLATFORM=xcb), with QT_SCALE_FACTOR=2 for HiDPI.
"""

# ruff: noqa: RUF001  (Chinese sample text uses full-width punctuation)
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from gemini_desk.core.desk_state import DeskState
from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.core.transcript import Role, Turn
from gemini_desk.core.transcript_store import TranscriptStore
from gemini_desk.desktop.tray_wiring import DesktopWiring
from gemini_desk.ui.history_dialog import HistoryDialog
from gemini_desk.ui.i18n import install_translators
from gemini_desk.ui.main_window import MainWindow
from gemini_desk.ui.settings_dialog import SettingsDialog
from tests.support.palettes import dark_palette
from tests.ui.screenshot_look import _level, stored_history


def _store(directory: Path, when: float, words: list[str]) -> None:
    store = TranscriptStore(directory, started_at=when)
    for i, text in enumerate(words, 1):
        role = Role.USER if i % 2 else Role.MODEL
        store.append(Turn(id=i, role=role, text=text, started_at=when + i, finished=True))


def save(widget: QWidget, path: str) -> None:
    if not widget.grab().save(path):
        raise SystemExit(f"could not write {path}")
    print(path)


def main() -> int:
    prefix = sys.argv[1]
    app = QApplication(sys.argv[:1])
    if "--dark" in sys.argv:
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    chinese = "--lang" in sys.argv
    if chinese:
        install_translators(app, sys.argv[sys.argv.index("--lang") + 1])
    tmp = tempfile.TemporaryDirectory(prefix="gd-dialogs-")
    convs = Path(tmp.name) / "conversations"
    stored_history(convs, chinese)
    _store(
        convs,
        1_764_000_000,
        ["怎么种西葫芦？", "用大盆，每天浇水。"]
        if chinese
        else ["How do I grow zucchini\nin pots?", "Use big pots and water daily."],
    )
    _store(
        convs,
        1_764_500_000,
        ["明天天气怎么样？", "晴天。"] if chinese else ["What is the weather tomorrow?", "Sunny."],
    )
    settings = SettingsDialog(
        Settings(talk_mode="hands_free"),
        ["Built-in Microphone"],
        ["Speakers"],
        message(MessageId.KEY_IN_KEYRING),
        data_folder=str(convs),
    )
    settings.show()
    history = HistoryDialog(convs, index_path=Path(tmp.name) / "history.sqlite3")
    history.show()
    search = HistoryDialog(convs, index_path=Path(tmp.name) / "history.sqlite3")
    search.move(40, 40)
    search.show()
    search.search("西葫芦" if chinese else "zucchini")
    window = MainWindow(_level, _level)
    desk = DesktopWiring(
        window, DeskState(), SettingsModel(Settings(), save=lambda _s: None), Path(tmp.name)
    )
    shortcuts = desk.open_shortcuts()

    def finish() -> None:
        for page in range(settings.tabs.count()):
            settings.tabs.setCurrentIndex(page)
            app.processEvents()
            save(settings, f"{prefix}-settings-{page + 1}.png")
        save(history, f"{prefix}-history.png")
        save(search, f"{prefix}-history-search.png")
        save(shortcuts, f"{prefix}-shortcuts.png")
        for dialog in (settings, history, search, shortcuts):
            dialog.close()
        desk.stop()
        window.close_now()
        app.quit()

    QTimer.singleShot(600, finish)
    app.exec()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
