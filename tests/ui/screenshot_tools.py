"""Screenshots of the tools UI for looking at it (not a test).

Usage: python tests/ui/screenshot_tools.py OUT_PREFIX [--dark] [--lang zh_CN]
Writes OUT_PREFIX-approval.png (the window with tool rows, an answer with its sources
and an approval card, two more waiting), OUT_PREFIX-transcript.png (the transcript
alone) and OUT_PREFIX-tools.png (Settings > Tools with two MCP servers, one failed).
Runs offscreen unless QT_QPA_PLATFORM says otherwise.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from gemini_desk.core.events import SessionState
from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.settings import Settings
from gemini_desk.core.tools import (
    ApprovalRequest,
    CallState,
    McpServerStatus,
    McpState,
    ToolCallRecord,
    ToolPolicy,
    ToolSpec,
)
from gemini_desk.core.transcript import Role, Turn
from gemini_desk.tools.mcp_config import McpServerConfig
from gemini_desk.ui.i18n import install_translators
from gemini_desk.ui.main_window import MainWindow
from gemini_desk.ui.settings_dialog import SettingsDialog
from tests.support.palettes import dark_palette

GROUNDING = {
    "grounding_chunks": [
        {"web": {"uri": "https://www.nasa.gov/artemis", "title": "Artemis - NASA"}},
        {"web": {"uri": "https://en.wikipedia.org/wiki/Artemis_II", "title": "Artemis II"}},
        {"web": {"uri": "https://www.nasa.gov/artemis", "title": "Artemis - NASA"}},
    ]
}


def _level() -> tuple[float, float, bool]:
    return (-30.0, -12.0, False)


def tool_turn(turn_id: int, now: float, **fields: object) -> Turn:
    record = ToolCallRecord(call_id=f"c{turn_id}", started_at=now, **fields)  # type: ignore[arg-type]
    return Turn(turn_id, Role.TOOL, started_at=now, finished=record.state.final, tool=record)


def build(window: MainWindow) -> None:
    window.set_session_state(SessionState.CONNECTED)
    window.set_model("gemini-3.8-flash-live")
    now = time.time()
    window.show_turn(Turn(1, Role.USER, "What time is it in Tokyo?", now - 60, True))
    window.show_turn(
        tool_turn(
            2,
            now - 59,
            name="get_time",
            args={"timezone": "Asia/Tokyo"},
            source="mcp:time",
            state=CallState.DONE,
            duration_s=0.012,
            summary='{"timezone": "Asia/Tokyo", "datetime": "2025-06-01T21:04:11+09:00"}',
            status="ok",
        )
    )
    window.show_turn(
        Turn(
            3,
            Role.MODEL,
            "It is just after nine in the evening in Tokyo.",
            now - 58,
            True,
            latency_ms=380,
        )
    )
    window.show_turn(Turn(4, Role.USER, "Open the NASA page and copy my notes.", now - 40, True))
    window.show_turn(
        tool_turn(
            5,
            now - 39,
            name="open_url",
            args={"url": "https://www.nasa.gov/"},
            state=CallState.DENIED,
            duration_s=4.2,
            reason="user",
            summary="The user denied this call.",
        )
    )
    window.show_turn(
        tool_turn(
            6,
            now - 35,
            name="read_clipboard",
            state=CallState.FAILED,
            duration_s=30.0,
            reason="timeout",
            summary="The clipboard did not answer within 30 s.",
        )
    )
    window.show_turn(Turn(7, Role.USER, "What's new with Artemis II?", now - 20, True))
    window.show_turn(
        Turn(
            8,
            Role.MODEL,
            "Artemis II is the first crewed flight of the Orion capsule "
            "around the Moon; NASA lists the crew and the launch window on its site.",
            now - 18,
            True,
            latency_ms=520,
            grounding=[GROUNDING],
        )
    )
    window.show_turn(tool_turn(9, now - 2, name="look_at_screen", state=CallState.RUNNING))
    window.show_approval(
        ApprovalRequest(
            "c10",
            "write_clipboard",
            {"text": "Artemis II: crew of four, ten days around the Moon. " * 4, "append": False},
            description="Puts text on the clipboard, replacing what is there.",
            timeout_s=60,
        )
    )
    window.show_approval(ApprovalRequest("c11", "open_url", {"url": "https://nasa.gov"}))
    window.show_approval(ApprovalRequest("c12", "get_time", {}, source="mcp:time"))


class FakeTools:
    """A ToolsSource with two servers: one ready, one that failed to start."""

    def specs(self) -> list[ToolSpec]:
        allow = ToolPolicy.ALLOW
        return [
            ToolSpec("get_current_time", "The date, time and time zone.", default_policy=allow),
            ToolSpec("open_url", "Opens a web page in the browser."),
            ToolSpec("read_clipboard", "Reads the clipboard's text."),
            ToolSpec("write_clipboard", "Puts text on the clipboard."),
            ToolSpec("look_at_screen", "Sends one fresh frame of the shared screen."),
            ToolSpec("remember_note", "Appends a note to your notes file.", default_policy=allow),
            ToolSpec("get_time", "Current time in a time zone.", source="mcp:time"),
            ToolSpec("convert_time", "Converts between time zones.", source="mcp:time"),
        ]

    def statuses(self) -> list[McpServerStatus]:
        return [
            McpServerStatus("time", McpState.READY, ("get_time", "convert_time")),
            McpServerStatus(
                "files",
                McpState.FAILED,
                error="the command exited with status 1",
                stderr_tail='Traceback (most recent call last):\n  File "server.py", line 3\n'
                "ModuleNotFoundError: No module named 'fastmcp'",
            ),
        ]

    def servers(self) -> dict[str, McpServerConfig]:
        return {
            "time": McpServerConfig("time", "uvx", ("mcp-server-time",)),
            "files": McpServerConfig("files", "python", ("server.py", "--root", "~/Documents")),
            "notes": McpServerConfig("notes", url="https://notes.example.com/mcp", enabled=False),
        }

    def save_servers(self, servers: dict[str, McpServerConfig]) -> None:
        pass

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        return lambda: None


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
    window = MainWindow(_level, _level)
    window.resize(900, 760)
    window.show()
    window.activateWindow()
    build(window)
    settings = SettingsDialog(
        Settings(tool_policies={"open_url": "never"}),
        ["Built-in Microphone"],
        ["Speakers"],
        message(MessageId.KEY_IN_KEYRING),
        tools=FakeTools(),
    )
    settings.tabs.setCurrentIndex(1)
    settings.tools.servers.server_list.setCurrentItem(
        settings.tools.servers.server_list.topLevelItem(1)
    )
    settings.show()

    def finish() -> None:
        save(window, Path(f"{prefix}-approval.png"))
        save(window.transcript.scroll_area().widget(), Path(f"{prefix}-transcript.png"))
        save(settings, Path(f"{prefix}-tools.png"))
        settings.close()
        window.close_now()
        app.quit()

    QTimer.singleShot(600, finish)
    app.exec()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
