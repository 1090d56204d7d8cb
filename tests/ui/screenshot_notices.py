"""Screenshots of the welcome view, each notice style and the connection banner (not a
test).

Usage: python tests/ui/screenshot_notices.py OUT_PREFIX [--dark] [--lang zh_CN]
Writes OUT_PREFIX-welcome.png (first run, a refused key), OUT_PREFIX-notices.png (an
information, a warning and an error, the connection banner counting down, a typed
message not sent and an interrupted answer), OUT_PREFIX-demo.png (the demo's captions,
connected), OUT_PREFIX-key-checking.png / -key-refused.png (File > API key checking a
key) and OUT_PREFIX-region-bar.png (the region toolbar on a 600 px wide screen). Run
under Xvfb (QT_QPA_PLATFORM=xcb) with QT_SCALE_FACTOR=2 for HiDPI.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from gemini_desk.core.desk_state import SessionStatus, TalkState
from gemini_desk.core.events import RetryWait, SessionState
from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.status import StatusInputs, status_of
from gemini_desk.core.transcript import Role, Turn
from gemini_desk.ui.api_key_dialog import ApiKeyDialog
from gemini_desk.ui.i18n import install_translators
from gemini_desk.ui.main_window import MainWindow
from gemini_desk.ui.region_selector import RegionSelector
from tests.support.palettes import dark_palette
from tests.ui.screenshot_look import save


def _level() -> tuple[float, float, bool]:
    return (-24.0, -90.0, False)


def main() -> int:
    prefix = sys.argv[1]
    app = QApplication(sys.argv[:1])
    app.setApplicationDisplayName("Gemini Desk")
    if "--dark" in sys.argv:
        app.setStyle("Fusion")
        app.setPalette(dark_palette())
    if "--lang" in sys.argv:
        install_translators(app, sys.argv[sys.argv.index("--lang") + 1])
    welcome = MainWindow(_level, _level)
    welcome.resize(900, 640)
    welcome.show()
    welcome.welcome.open()
    welcome.welcome.key_edit.setText("not-a-valid-key")
    welcome.welcome.show_problem(message(MessageId.BAD_KEY))

    notices = MainWindow(_level, _level)
    notices.move(40, 40)
    notices.resize(900, 640)
    notices.set_session_state(SessionState.CONNECTED)
    notices.show_turn(Turn(1, Role.USER, "What's on my screen?", 0.0, True))
    answer = Turn(2, Role.MODEL, "I can see a spreadsheet with", 0.0, True, interrupted=True)
    notices.show_turn(answer)
    notices.show_turn(Turn(3, Role.USER, "Are you still there?", 0.0, True, typed=True))
    notices.show_turn(Turn(4, Role.USER, "Hello?", 0.0, False, typed=True, delivery="sending"))
    notices.show_turn(Turn(5, Role.USER, "Hello?", 0.0, True, typed=True, delivery="not_sent"))
    status = SessionStatus(
        SessionState.RECONNECTING, message(MessageId.RETRY_REFUSED, 12), RetryWait(12.0, 1)
    )
    notices.set_session_state(status.state, status.detail)
    notices.connection_banner.show_status(SessionStatus(SessionState.CONNECTED))
    notices.connection_banner.show_status(status)
    notices.show_error(message(MessageId.NO_CAMERA))
    notices.show_error(message(MessageId.MUTED_CANNOT_TALK))
    notices.show_error(message(MessageId.APPLY_NEXT_CONNECT))
    notices.set_status(status_of(StatusInputs(status.state, TalkState.HANDS_FREE)))
    notices.show()

    # The demo, connected: its captions in the UI language, the cursor in the text box.
    demo = MainWindow(_level, _level)
    demo.move(80, 80)
    demo.resize(900, 640)
    demo.set_demo_mode(True)
    demo.show()
    demo.show_error(message(MessageId.DEMO_REPLAYS))
    demo.set_session_state(SessionState.CONNECTING)
    demo.set_session_state(SessionState.CONNECTED)
    demo.set_status(status_of(StatusInputs(SessionState.CONNECTED, TalkState.HANDS_FREE)))
    demo.show_turn(Turn(1, Role.USER, "(2.9 s of speech)", 0.0, True))
    voice = "the voice Puck is not available here; "
    said = f"Local demo server: {voice}playing back what you said (2.9 s)"
    demo.show_turn(Turn(2, Role.MODEL, said, 0.0, True))
    demo.show_turn(Turn(3, Role.USER, "", 0.0, False, interim="(0.9 s of speech so far)"))

    checking = ApiKeyDialog()
    checking.checks_key = True
    checking.key_edit.setText("AIza-example-key")
    checking.show()
    checking.use_button.click()
    refused = ApiKeyDialog()
    refused.checks_key = True
    refused.key_edit.setText("AIza-example-key")
    refused.show()
    refused.use_button.click()
    refused.key_checked(message(MessageId.BAD_KEY))

    region = RegionSelector()
    region.start(snapshot=False)
    overlay = region.overlays[0]
    overlay.resize(600, overlay.height())
    overlay.update_readout()

    def finish() -> None:
        save(welcome, Path(f"{prefix}-welcome.png"))
        save(notices, Path(f"{prefix}-notices.png"))
        save(demo, Path(f"{prefix}-demo.png"))
        save(checking, Path(f"{prefix}-key-checking.png"))
        save(refused, Path(f"{prefix}-key-refused.png"))
        save(overlay.bar, Path(f"{prefix}-region-bar.png"))
        region.close()
        for dialog in (checking, refused):
            dialog.close()
        for window in (welcome, notices, demo):
            window.close_now()
        app.quit()

    QTimer.singleShot(800, finish)
    app.exec()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
