"""Translations: language choice, and the zh_CN UI showing no English source strings."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTableWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from gemini_desk.core.events import SessionState
from gemini_desk.core.settings import Settings
from gemini_desk.core.transcript import Role, Turn
from gemini_desk.ui.i18n import choose_language, install_translators, translation_file
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


@pytest.mark.parametrize(
    ("setting", "system", "expected"),
    [
        ("", ["zh-Hans-CN", "en-US"], "zh_CN"),
        ("", ["zh_CN"], "zh_CN"),
        ("", ["zh-SG"], "zh_CN"),
        ("", ["zh-TW"], "en"),  # Traditional Chinese is not shipped: not Simplified instead
        ("", ["zh-Hant-HK"], "en"),
        ("", ["de-DE", "zh-CN"], "zh_CN"),  # the first shipped one in the user's list
        ("", ["en-GB", "zh-CN"], "en"),
        ("", [], "en"),
        ("en", ["zh-CN"], "en"),  # the setting overrides the system
        ("zh_CN", ["en-US"], "zh_CN"),
        ("xx", ["zh-CN"], "zh_CN"),  # an unknown setting falls back to the system
    ],
)
def test_choose_language(setting: str, system: list[str], expected: str) -> None:
    assert choose_language(setting, system) == expected


def test_zh_cn_is_shipped() -> None:
    qm = translation_file("zh_CN")
    assert qm is not None and qm.stat().st_size > 10_000
    assert qm.with_suffix(".ts").is_file(), "the .ts source ships beside the .qm"
    assert translation_file("xx") is None


@pytest.fixture
def chinese(qapp: QApplication) -> Iterator[None]:  # noqa: F811
    previous = QLocale()
    assert install_translators(qapp, "zh_CN") == "zh_CN"
    yield
    assert install_translators(qapp, "en") == "en"
    QLocale.setDefault(previous)


# Proper nouns, model/voice names, key names and numbers stay as they are.
_ALLOWED = re.compile(
    r"^(Gemini( Desk)?( \S+)?|API|Markdown|JSON|English|Enter|OK|"
    r"gemini-[\w.-]+|Puck|Charon|Kore|Fenrir|Aoede|Leda|Orus|Zephyr|"
    r"(Ctrl|Alt|Shift|Meta|F\d+|Space|Return)([+,][\w ,+]*)?|[\d\W_]*)$"
)


# What the user typed or chose, not the UI's words: names of models, voices, devices,
# languages (each in its own words), keys, and the conversation itself.
_DATA = {
    "modelCombo",
    "voiceCombo",
    "languageCombo",
    "bubbleBody",
    "settingsTalkKey",
    "settingsMuteKey",
    "modelLabel",
    "keyEdit",
}
_DEVICE_LISTS = {"inputCombo", "outputCombo", "languageCodeCombo"}  # item 0 is ours


def _texts(widget: QWidget) -> list[tuple[str, str]]:
    """(where, text) for everything a user can read on ``widget``."""
    name = widget.objectName() or type(widget).__name__
    if name in _DATA:
        return [(f"{name}.accessibleName", widget.accessibleName())]
    out = [
        (f"{name}.toolTip", widget.toolTip()),
        (f"{name}.accessibleName", widget.accessibleName()),
        (f"{name}.windowTitle", widget.windowTitle() if widget.isWindow() else ""),
    ]
    if isinstance(widget, (QLabel, QAbstractButton)):
        out.append((f"{name}.text", widget.text()))
    if isinstance(widget, (QLineEdit, QPlainTextEdit)):
        out.append((f"{name}.placeholder", widget.placeholderText()))
    if isinstance(widget, QComboBox):
        count = 1 if name in _DEVICE_LISTS else widget.count()
        out += [(f"{name}[{i}]", widget.itemText(i)) for i in range(count)]
    if isinstance(widget, QTableWidget):
        for c in range(widget.columnCount()):
            item = widget.horizontalHeaderItem(c)
            out.append((f"{name}.header{c}", item.text() if item else ""))
    if isinstance(widget, QMenu):
        out.append((f"{name}.title", widget.title()))
        for action in widget.actions():
            out += [
                (f"{name}>{action.text()}", action.text()),
                (f"{name}>{action.text()}.tip", action.toolTip()),
            ]
    return out


def _english(text: str) -> bool:
    """True if ``text`` still has English words once allowed names are taken out."""
    text = re.sub(r"<[^>]+>|https?://\S+?(?=['\"<\s]|$)", " ", text)  # markup and links
    for line in text.replace("&", "").splitlines():
        line = re.sub(
            r"gemini-[\w.-]+|Gemini Desk|Gemini|\bLive\b|API|JSON|Markdown|KB|dBFS|p50|p99|"
            r"Ctrl\+[\w+,]+|Google AI Studio|Google|GEMINI_API_KEY|Alt\+\w+|Shift|Enter|Esc|"
            r"PulseAudio|PipeWire",
            "",
            line,
        )
        if re.search(r"[A-Za-z]{2,}", line) and not _ALLOWED.match(line.strip()):
            return True
    return False


def _untranslated(widgets: list[QWidget]) -> list[str]:
    bad = []
    for top in widgets:
        for widget in [top, *top.findChildren(QWidget)]:
            if not widget.isVisibleTo(top) and not isinstance(widget, QMenu):
                continue
            for where, text in _texts(widget):
                if text and _english(text):
                    bad.append(f"{where}: {text!r}")
    return bad


def _floor() -> tuple[float, float, bool]:
    return (-90.0, -90.0, False)


def test_main_window_and_dialogs_in_chinese(chinese: None, tmp_path, qtbot: QtBot) -> None:
    from pathlib import Path

    from gemini_desk.core.desk_state import DeskState, Shared, ShareKind, TalkState
    from gemini_desk.core.messages import MessageId, message
    from gemini_desk.core.settings_model import SettingsModel
    from gemini_desk.desktop.tray_wiring import DesktopWiring
    from gemini_desk.live.errors import classify
    from gemini_desk.platform.keystore import KeyStore
    from gemini_desk.ui.api_key_dialog import ApiKeyDialog
    from gemini_desk.ui.history_dialog import HistoryDialog
    from gemini_desk.ui.main_window import MainWindow
    from gemini_desk.ui.settings_dialog import SettingsDialog

    window = MainWindow(_floor, _floor)
    state = DeskState()
    state.talk.set(TalkState.HANDS_FREE)
    state.sharing.set(Shared(ShareKind.SCREEN))
    desk = DesktopWiring(
        window, state, SettingsModel(Settings(tray_notice_shown=True)), Path(tmp_path)
    )
    # Messages from the Qt-free layers arrive as data (status detail, error banner).
    window.set_session_state(SessionState.RECONNECTING, message(MessageId.RETRY_LOST, 8))
    window.set_model("gemini-2.5-flash-native-audio-preview-09-2025")
    window.set_demo_mode(True)
    window.set_latency(412, 230)
    now = time.time()
    window.show_turn(Turn(1, Role.USER, "", now, True, typed=True))
    window.show_turn(Turn(2, Role.MODEL, "", now, True, latency_ms=300, interrupted=True))
    # The demo server's own caption (not the user's words) is said in the UI language.
    window.show_turn(Turn(3, Role.USER, "(2.9 s of speech)", now, True))
    assert window.transcript.turn_text(3) == "（2.9 秒语音）"  # noqa: RUF001
    window.show_error(classify(ConnectionRefusedError(111, "refused")).message)
    assert "拒绝了连接" in window.notices.message
    no_mic = message(MessageId.NO_DEVICES, message(MessageId.DEVICE_KIND_INPUT))
    window.show_error(message(MessageId.MIC_UNAVAILABLE, no_mic), action="settings")
    assert "麦克风（输入）" in window.notices.message  # noqa: RUF001
    window.share_bar.set_sharing(Shared(ShareKind.SCREEN))
    window.show()
    desk.refresh()
    settings = SettingsDialog(Settings(), ["USB"], ["USB"], message(MessageId.KEY_IN_KEYRING))
    key = ApiKeyDialog(window)
    key.set_storage_note(KeyStore(env={"GEMINI_API_KEY": "AIza" + "x" * 35}).where())
    assert "GEMINI_API_KEY" in key.storage_label.text()
    history = HistoryDialog(tmp_path, window)
    shortcuts = desk.open_shortcuts()
    # A first run: the welcome, after a refused key.
    first = MainWindow(_floor, _floor)
    first.welcome.open()
    first.welcome.show_problem(message(MessageId.BAD_KEY))
    first.show()
    for dialog in (settings, key, history):
        dialog.show()
    for shown in (window, first, settings, key, history, shortcuts):
        qtbot.waitExposed(shown)
    menus = [a.menu() for a in window.menuBar().actions()] + [desk.tray.menu, desk.tray.talk_menu]
    tray_tip = [] if not _english(desk.tray.icon.toolTip()) else [desk.tray.icon.toolTip()]
    shown = [window, first, settings, key, history, shortcuts, *menus]
    bad = _untranslated(shown) + tray_tip
    assert not bad, "\n".join(bad)
    # Spot checks that it is really Chinese, not just empty.
    assert window.connect_button.text() == "结束"  # End
    assert "文件" in window.menuBar().actions()[0].text()
    for dialog in (settings, key, history, shortcuts):
        dialog.close()
        dialog.deleteLater()
    desk.stop()
    for main in (window, first):
        main.close_now()
        main.deleteLater()
    process_events()


def test_every_translatable_string_has_a_chinese_translation() -> None:
    """Re-extract the strings from the code (pyside6-lupdate) and compare with the .ts."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, str(root / "packaging" / "translations.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    # And the shipped .qm is compiled from this .ts: every entry reads back the same.
    import xml.etree.ElementTree as ET

    from PySide6.QtCore import QTranslator

    folder = root / "resources" / "translations"
    translator = QTranslator()
    assert translator.load(str(folder / "gemini_desk_zh_CN.qm"))
    count = 0
    for context in ET.parse(folder / "gemini_desk_zh_CN.ts").getroot():
        name = context.findtext("name")
        for message in context.findall("message"):
            source, wanted = message.findtext("source"), message.findtext("translation")
            got = translator.translate(name, source)
            assert got == wanted, f"stale .qm ({name}: {source!r}); run packaging/translations.py"
            count += 1
    assert count > 250
