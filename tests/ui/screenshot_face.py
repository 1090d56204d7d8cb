"""Screenshots of the main window in every status, its details popover and mini mode
(not a test).

Usage: python tests/ui/screenshot_face.py OUT_DIR PREFIX [--dark] [--lang zh_CN]
        [--strings FILE.json]
Writes PREFIX-<status>.png for each status, PREFIX-details.png and PREFIX-mini.png.
Run under Xvfb (QT_QPA_PLATFORM=xcb), with QT_SCALE_FACTOR=2 for 200 %. ``--strings``
adds translations not yet in the .ts files (a JSON object source -> translation).
"""

# ruff: noqa: RUF001  (Chinese sample text uses full-width punctuation)
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QCoreApplication, QPoint, QTimer, QTranslator
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from gemini_desk.core.desk_state import Shared, ShareKind, TalkState
from gemini_desk.core.events import SessionState
from gemini_desk.core.status import Status
from gemini_desk.core.transcript import Role, Turn
from gemini_desk.ui.i18n import install_translators
from gemini_desk.ui.main_window import MainWindow
from gemini_desk.ui.mini_window import MiniWindow
from gemini_desk.vision.encode import make_frame
from tests.support.palettes import dark_palette


class JsonTranslator(QTranslator):
    """Translations from a JSON object, whatever the context (strings not in .ts yet)."""

    def __init__(self, table: dict[str, str]) -> None:
        super().__init__()
        self.table = table

    def translate(  # type: ignore[override]
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        return self.table.get(source)  # None: not here, the next translator answers

    def isEmpty(self) -> bool:
        return False


def mic() -> tuple[float, float, bool]:
    return (-22.0 + 4.0 * ((time.monotonic() * 2) % 1.0), -9.0, False)


def speaker() -> tuple[float, float, bool]:
    return (-16.0, -4.0, False)


def card() -> QImage:
    image = QImage(640, 400, QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    p = QPainter(image)
    for i, colour in enumerate(("#e53935", "#43a047", "#1e88e5", "#fdd835", "#8e24aa")):
        p.fillRect(i * 128, 0, 128, 120, QColor(colour))
    p.end()
    return image


def turns(chinese: bool) -> list[Turn]:
    now = time.time()
    if chinese:
        lines = [
            (Role.USER, "这张图表说了什么？"),
            (Role.MODEL, "图上有五根彩色条，下方标题是“季度报告”。上面没有数字。"),
            (Role.USER, "帮我总结一下今天的会议要点。"),
            (Role.MODEL, "好的：一，预算获批；二，发布推迟一周；三，下周一再碰头。"),
        ]
    else:
        lines = [
            (Role.USER, "What does this chart say?"),
            (Role.MODEL, "Five colour bars above the title “Quarterly report”. No numbers."),
            (Role.USER, "Summarise today's meeting for me."),
            (Role.MODEL, "Budget approved; the launch moves a week; you meet again Monday."),
        ]
    return [
        Turn(i + 1, role, text, now - 60 + i * 10, True) for i, (role, text) in enumerate(lines)
    ]


# status -> (session state, talk state, muted, shared)
STATES = {
    Status.OFFLINE: (SessionState.DISCONNECTED, TalkState.OFFLINE, False, False),
    Status.CONNECTING: (SessionState.CONNECTING, TalkState.OFFLINE, False, False),
    Status.READY: (SessionState.CONNECTED, TalkState.IDLE, False, False),
    Status.LISTENING: (SessionState.CONNECTED, TalkState.HANDS_FREE, False, False),
    Status.THINKING: (SessionState.CONNECTED, TalkState.HANDS_FREE, False, False),
    Status.SPEAKING: (SessionState.CONNECTED, TalkState.SPEAKING, False, False),
    Status.MUTED: (SessionState.CONNECTED, TalkState.MUTED, True, False),
    Status.SHARING: (SessionState.CONNECTED, TalkState.HANDS_FREE, False, True),
}


def main() -> int:
    out, prefix = Path(sys.argv[1]), sys.argv[2]
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    app.setApplicationDisplayName("Gemini Desk")
    if "--dark" in sys.argv:
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    chinese = "--lang" in sys.argv
    if chinese:
        install_translators(app, sys.argv[sys.argv.index("--lang") + 1])
    if "--strings" in sys.argv:
        table = json.loads(Path(sys.argv[sys.argv.index("--strings") + 1]).read_text())
        extra = JsonTranslator(table)
        QCoreApplication.installTranslator(extra)
    window = MainWindow(mic, speaker)
    window.set_model("gemini-3.8-live")
    window.set_latency(412, 230)
    for turn in turns(chinese):
        window.show_turn(turn)
    window.resize(900, 640)
    window.move(0, 0)
    window.show()
    frame = make_frame(card(), 1024, False, 80)
    todo = list(STATES)
    sizes: list[tuple[int, int]] = []

    def apply(status: Status) -> None:
        session, talk, muted, shared = STATES[status]
        window.talk_bar.set_mode("push_to_talk" if status is Status.READY else "hands_free")
        window.set_session_state(session)
        window.talk_bar.set_state(talk)
        window.set_muted(muted)
        window.share_bar.set_sharing(Shared(ShareKind.REGION, 640, 400) if shared else None)
        if shared:
            window.share_bar.preview.show_frame(frame)
        window.set_voice_activity(status is Status.LISTENING)
        window.set_status(status)

    def step() -> None:
        if sizes:
            save(window, out / f"{prefix}-{todo.pop(0).value}.png")
        sizes.append((window.width(), window.height()))
        if todo:
            apply(todo[0])
            QTimer.singleShot(400, step)
        else:
            details()

    def details() -> None:
        apply(Status.LISTENING)
        popover = window.status.show_details()
        QTimer.singleShot(300, lambda: shot_details(popover))

    def shot_details(popover: QWidget) -> None:
        shot = window.grab()
        p = QPainter(shot)
        p.drawPixmap(
            popover.mapTo(popover, QPoint(0, 0)) + window.mapFromGlobal(popover.pos()),
            popover.grab(),
        )
        p.end()
        shot.save(str(out / f"{prefix}-details.png"))
        print(out / f"{prefix}-details.png")
        popover.close()
        mini_mode()

    def mini_mode() -> None:
        mini = MiniWindow(speaker)
        mini.set_status(Status.SPEAKING, False)
        mini.set_push_to_talk(True)
        mini.set_sharing(True)
        for turn in turns(chinese)[2:]:
            mini.show_turn(turn)
        mini.adjustSize()
        mini.move(40, 700)
        mini.show()
        QTimer.singleShot(400, lambda: finish(mini))

    def finish(mini: QWidget) -> None:
        save(mini, out / f"{prefix}-mini.png")
        print("window sizes:", sorted(set(sizes)))
        mini.close()
        window.close_now()
        app.quit()

    QTimer.singleShot(600, step)
    app.exec()
    return 0


def save(widget: QWidget, path: Path) -> None:
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(path)


if __name__ == "__main__":
    raise SystemExit(main())
