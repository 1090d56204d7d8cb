"""Screenshots of the main window for looking at it (not a test).

Usage: python tests/ui/screenshot_look.py OUT_PREFIX [--dark] [--lang zh_CN]
Writes OUT_PREFIX-window.png (connected, a few turns, sharing with a preview, an error),
OUT_PREFIX-tools.png (tool calls in the transcript, an answer's search sources, an
approval card), OUT_PREFIX-idle.png (fresh, disconnected), OUT_PREFIX-tray.png (the tray
menu), OUT_PREFIX-history.png (a stored conversation with tool calls and sources) and
OUT_PREFIX-settings.png / -shortcuts.png. Run under Xvfb (QT_QPA_PLATFORM=xcb) with
QT_SCALE_FACTOR=2 for HiDPI.
"""

# ruff: noqa: RUF001  (Chinese sample text uses full-width punctuation)
from __future__ import annotations

import dataclasses
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from gemini_desk.core.desk_state import DeskState, SessionStatus, Shared, ShareKind, TalkState
from gemini_desk.core.events import Grounding, OutputTranscript, SessionState, TurnComplete
from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.core.tools import ApprovalRequest, CallState, ToolCallRecord
from gemini_desk.core.transcript import Role, Transcript, Turn
from gemini_desk.core.transcript_store import TranscriptStore
from gemini_desk.desktop.tray_wiring import DesktopWiring
from gemini_desk.ui.history_dialog import HistoryDialog
from gemini_desk.ui.i18n import install_translators
from gemini_desk.ui.main_window import MainWindow
from gemini_desk.ui.settings_dialog import SettingsDialog
from gemini_desk.vision.encode import make_frame
from tests.support.palettes import dark_palette


def _level() -> tuple[float, float, bool]:
    return (-20.0 + 6.0 * ((time.monotonic() * 3) % 1.0), -8.0, False)


def test_card() -> QImage:
    image = QImage(640, 400, QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    p = QPainter(image)
    for i, colour in enumerate(("#e53935", "#43a047", "#1e88e5", "#fdd835", "#8e24aa")):
        p.fillRect(i * 128, 0, 128, 120, QColor(colour))
    p.setPen(QColor("#111111"))
    f = p.font()
    f.setPointSize(40)
    p.setFont(f)
    p.drawText(30, 250, "Quarterly report")
    p.end()
    return image


def chinese_turns(now: float) -> list[Turn]:
    """What a Chinese-speaking user's conversation looks like (the user's own words)."""
    return [
        Turn(1, Role.USER, "这张图表说了什么？", now - 30, True),
        Turn(
            2,
            Role.MODEL,
            "图上有五根彩色条，下方标题是“季度报告”。上面没有数字，所以我无法告诉你具体数值。",
            now - 28,
            True,
            latency_ms=412,
        ),
        Turn(3, Role.USER, "谢谢！", now - 12, True, typed=True),
    ]


def build(window: MainWindow, chinese: bool = False) -> None:
    window.set_session_state(SessionState.CONNECTED)
    window.set_model("gemini-2.5-flash-native-audio-preview-09-2025")
    window.set_demo_mode(True)
    window.set_latency(412, 230)
    window.talk_bar.set_state("hands_free")
    hint = QCoreApplication.translate(
        "TalkWiring", "Hands-free: just speak; Gemini answers when you pause. Mute: %1."
    )
    window.talk_bar.set_hint(hint.replace("%1", "Ctrl+Alt+M"))
    now = time.time()
    turns = (
        chinese_turns(now)
        if chinese
        else [
            Turn(1, Role.USER, "What does this chart say?", now - 30, True),
            Turn(
                2,
                Role.MODEL,
                "It shows five colour bars above the title “Quarterly report”. "
                "There are no numbers on it, so I cannot tell you the values.",
                now - 28,
                True,
                latency_ms=412,
            ),
            Turn(3, Role.USER, "Thanks!", now - 12, True, typed=True),
        ]
    )
    for turn in turns:
        window.show_turn(turn)
    window.share_bar.set_sharing(Shared(ShareKind.REGION, 640, 400))
    window.share_bar.preview.show_frame(make_frame(test_card(), 1024, False, 80))
    window.show_error(message(MessageId.APPLY_NEXT_CONNECT))


SEARCH = {
    "groundingChunks": [
        {"web": {"uri": "https://www.nasa.gov/artemis", "title": "Artemis - NASA"}},
        {"web": {"uri": "https://en.wikipedia.org/wiki/Artemis_II", "domain": "wikipedia.org"}},
    ]
}


def tool_conversation(transcript: Transcript, chinese: bool = False) -> None:
    """A question, two tool calls (one done, one denied) and an answer with sources."""
    now = time.time()
    transcript.add_typed(
        "巴黎现在几点？阿耳忒弥斯二号进展如何？"
        if chinese
        else "What time is it in Paris? And how is Artemis II doing?"
    )
    running = ToolCallRecord("c1", "get_time", {"timezone": "Europe/Paris"}, started_at=now)
    transcript.show_tool_call(running)
    transcript.show_tool_call(
        dataclasses.replace(
            running,
            state=CallState.DONE,
            duration_s=0.012,
            summary="21:04 CEST, Tuesday 14 July 2026 (Europe/Paris)",
            status="ok",
        )
    )
    transcript.show_tool_call(
        ToolCallRecord(
            "c2",
            "open_url",
            {"url": "https://www.nasa.gov/artemis"},
            state=CallState.DENIED,
            started_at=now,
            duration_s=3.4,
            summary="The user denied this call.",
            reason="user",
        )
    )
    transcript.apply(
        OutputTranscript(
            "巴黎现在是晚上九点零四分。阿耳忒弥斯二号将载人绕月飞行。"
            if chinese
            else "It is 21:04 in Paris. Artemis II will fly four astronauts around the Moon."
        )
    )
    transcript.apply(Grounding(SEARCH))
    transcript.apply(TurnComplete())


def build_tools(window: MainWindow, chinese: bool = False) -> None:
    """The window while Gemini uses tools: rows, sources, and a card asking."""
    window.set_session_state(SessionState.CONNECTED)
    window.set_model("gemini-3.8-flash-live")
    window.set_demo_mode(True)
    window.talk_bar.set_state("hands_free")
    tool_conversation(Transcript(on_change=window.show_turn), chinese)
    window.show_approval(
        ApprovalRequest(
            "c3",
            "read_clipboard",
            {},
            description="Read the text on the clipboard.",
            timeout_s=60,
        )
    )


def stored_history(directory: Path, chinese: bool = False) -> None:
    """The tool conversation stored as the app stores it."""
    store = TranscriptStore(directory)
    tool_conversation(Transcript(on_finished=store.append), chinese)


def save(widget: QWidget, path: Path) -> None:
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(path)


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    prefix = sys.argv[1]
    app = QApplication(sys.argv[:1])
    app.setApplicationDisplayName("Gemini Desk")
    if "--dark" in sys.argv:
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    if "--lang" in sys.argv:
        install_translators(app, sys.argv[sys.argv.index("--lang") + 1])
    chinese = "--lang" in sys.argv
    window = MainWindow(_level, _level)
    build(window, chinese)
    window.resize(900, 640)
    window.show()
    tools = MainWindow(_level, _level)
    build_tools(tools, chinese)
    tools.resize(900, 640)
    tools.move(30, 30)
    tools.show()
    idle = MainWindow(_level, _level)
    idle.move(60, 60)
    idle.show()
    # The tray as the app drives it: from the state models (here: speaking, sharing).
    state = DeskState()
    state.session.set(SessionStatus(SessionState.CONNECTED))
    state.talk.set(TalkState.SPEAKING)
    state.sharing.set(Shared(ShareKind.REGION, 640, 400))
    log_dir = tempfile.TemporaryDirectory(prefix="gd-look-")
    desk = DesktopWiring(
        window, state, SettingsModel(Settings(), save=lambda _s: None), Path(log_dir.name)
    )
    history_dir = Path(log_dir.name) / "conversations"
    stored_history(history_dir, chinese)
    history = HistoryDialog(history_dir)
    history.show()
    history.turn_list.setCurrentRow(history.turn_list.count() - 1)  # the answer: sources
    settings = SettingsDialog(
        Settings(), ["Built-in Microphone"], ["Speakers"], message(MessageId.KEY_IN_KEYRING)
    )
    settings.show()
    shortcuts = desk.open_shortcuts()

    def finish() -> None:
        save(window, Path(f"{prefix}-window.png"))
        save(tools, Path(f"{prefix}-tools.png"))
        save(idle, Path(f"{prefix}-idle.png"))
        save(history, Path(f"{prefix}-history.png"))
        save(settings, Path(f"{prefix}-settings.png"))
        save(shortcuts, Path(f"{prefix}-shortcuts.png"))
        menu = desk.tray.menu
        menu.popup(window.geometry().center())
        QTimer.singleShot(300, lambda: tray_shot(menu))

    def tray_shot(menu: QWidget) -> None:
        # The menu beside the icon as the tray shows it (the icon drawn at 64 px).
        shot = menu.grab().toImage()
        dpr = shot.devicePixelRatio()
        shot.setDevicePixelRatio(1.0)  # draw in device pixels throughout
        side = round(64 * dpr)
        icon = desk.tray.icon.icon().pixmap(side, side).toImage()
        icon.setDevicePixelRatio(1.0)
        left = side + round(24 * dpr)
        canvas = QImage(
            shot.width() + left, max(shot.height(), side + 16), QImage.Format.Format_ARGB32
        )
        canvas.fill(window.palette().color(QPalette.ColorRole.Window))
        p = QPainter(canvas)
        p.drawImage(round(8 * dpr), round(8 * dpr), icon)
        p.drawImage(left, 0, shot)
        p.end()
        canvas.save(f"{prefix}-tray.png")
        print(f"{prefix}-tray.png")
        menu.close()
        history.close()
        desk.stop()
        for main_window in (window, tools, idle):
            main_window.close_now()
        app.quit()

    QTimer.singleShot(800, finish)
    app.exec()
    log_dir.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
