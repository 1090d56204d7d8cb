"""Tools in the app: the built-in desktop tools on Qt, MCP servers, the tool session,
the approval cards of the window, and what the Settings page shows."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication

from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.core.tools import McpServerStatus, ToolSpec
from gemini_desk.session.tools import ToolSession
from gemini_desk.tools.builtin import builtin_tools
from gemini_desk.tools.mcp_config import McpServerConfig, load_mcp_config, save_mcp_config
from gemini_desk.tools.mcp_host import McpHost
from gemini_desk.tools.registry import ToolRegistry
from gemini_desk.tools.runner import ToolRunner

if TYPE_CHECKING:
    from gemini_desk.desktop.sharing import ScreenSharing
    from gemini_desk.session.conversation import Conversation
    from gemini_desk.ui.main_window import MainWindow

log = logging.getLogger("gemini_desk.tools")

# A connect waits this long for MCP servers starting with it (their tools are then in
# the first setup); one that takes longer joins with a hand-over once it is ready.
MCP_CONNECT_WAIT_S = 3.0
# Settings that change what is declared: a connected conversation is handed over.
_DECLARED_FIELDS = ("tool_policies", "google_search")


class QtDesktop:
    """The desktop as the built-in tools reach it, on the GUI thread."""

    def __init__(self, sharing: ScreenSharing) -> None:
        self._sharing = sharing

    def open_url(self, url: str) -> None:
        if not QDesktopServices.openUrl(QUrl(url)):
            raise OSError("no browser could open it")

    def read_clipboard(self) -> str:
        return QGuiApplication.clipboard().text()

    def write_clipboard(self, text: str) -> None:
        QGuiApplication.clipboard().setText(text)

    async def look_now(self) -> bool:
        return await self._sharing.look_now()


class ToolsWiring:
    """Builds the tool layer for the app and is the Settings page's source of tools."""

    def __init__(
        self,
        window: MainWindow,
        conversation: Conversation,
        settings: SettingsModel,
        sharing: ScreenSharing,
        mcp_file: Path,
        notes_file: Path,
    ) -> None:
        self.mcp_file = mcp_file
        self.notes_file = notes_file
        self.registry = ToolRegistry(builtin_tools(QtDesktop(sharing), notes_file))
        self.host = McpHost(on_change=self._on_mcp_change)
        self.runner = ToolRunner(self.registry, self.host.call)
        self.session = ToolSession(
            self.registry,
            self.runner.run,
            settings,
            window,
            conversation.transcript.show_tool_call,
            lambda: conversation.session,
        )
        conversation.tools = self.session
        window.approvalDecided.connect(self.session.decide)
        self._unsubscribe = settings.subscribe(
            _DECLARED_FIELDS, lambda _old, _new: self.session.tools_changed()
        )
        self._listeners: list[Callable[[], None]] = []
        self._started = False

    # --- MCP servers ---------------------------------------------------------------------
    async def start_servers(self, wait_s: float = MCP_CONNECT_WAIT_S) -> None:
        """Start the enabled MCP servers (on the first connect) and wait a little for
        them, so that their tools are in the first setup."""
        if not self._started:
            self._started = True
            self.host.start(self.servers())
        await self.host.wait_ready(wait_s)

    def _on_mcp_change(self) -> None:
        self.registry.set_mcp_tools(self.host.tools())
        self.session.tools_changed()
        for listener in list(self._listeners):
            listener()

    # --- the Settings page's source -----------------------------------------------------
    def specs(self) -> list[ToolSpec]:
        return self.registry.specs()

    def statuses(self) -> list[McpServerStatus]:
        return self.host.statuses()

    def servers(self) -> dict[str, McpServerConfig]:
        return dict(load_mcp_config(self.mcp_file).servers)

    def save_servers(self, servers: dict[str, McpServerConfig]) -> None:
        """Write ``mcp.json``; running servers follow at once (once they were started)."""
        save_mcp_config(self.mcp_file, servers)
        if self._started:
            self.host.start(servers)

    def open_mcp_config(self) -> None:
        """Open ``mcp.json`` in the user's editor (made, empty, if there is none yet)."""
        if not self.mcp_file.exists():
            save_mcp_config(self.mcp_file, {})
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.mcp_file)))

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback) if callback in self._listeners else None

    async def stop(self) -> None:
        """Cancel open calls, then stop every MCP server."""
        self._unsubscribe()
        await self.session.stop()
        await self.host.stop()


def start_then(wiring: ToolsWiring, connect: Callable[[], None]) -> asyncio.Task[None]:
    """Start the MCP servers, then ``connect`` (however the start went)."""

    async def run() -> None:
        try:
            await wiring.start_servers()
        except Exception as exc:  # a broken server must never keep the user offline
            log.warning("MCP servers could not start: %r", exc)
        connect()

    return asyncio.get_running_loop().create_task(run(), name="mcp-start")
