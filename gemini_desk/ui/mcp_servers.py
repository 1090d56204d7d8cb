"""The MCP servers part of the Tools page: each server with its Enabled box and state,
the selected one's tools and stderr tail, Add…, Remove and "Open mcp.json"."""

from __future__ import annotations

import dataclasses
import shlex
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from gemini_desk.core.tools import McpServerStatus, McpState
from gemini_desk.tools.mcp_config import McpServerConfig
from gemini_desk.ui.mcp_server_dialog import AddServerDialog

if TYPE_CHECKING:
    from gemini_desk.ui.tools_settings import ToolsSource

__all__ = ["McpServersPanel"]

_NAME_COLUMN, _STATE_COLUMN = 0, 1


class McpServersPanel(QWidget):
    """Lists the configured servers. Checking or unchecking a server, adding and
    removing one are saved at once through the source.

    Signals:
        openConfigRequested(): "Open mcp.json" was clicked.
    """

    openConfigRequested = Signal()

    def __init__(self, source: ToolsSource | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._servers: dict[str, McpServerConfig] = {}
        self._statuses: dict[str, McpServerStatus] = {}
        self.add_dialog: AddServerDialog | None = None

        title = QLabel(self.tr("&MCP servers:"))
        self.server_list = QTreeWidget()
        self.server_list.setObjectName("mcpServerList")
        self.server_list.setAccessibleName(self.tr("MCP servers"))
        self.server_list.setColumnCount(2)
        self.server_list.setHeaderLabels([self.tr("Server (enabled)"), self.tr("State")])
        self.server_list.setRootIsDecorated(False)
        self.server_list.setUniformRowHeights(True)
        self.server_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.server_list.setMinimumHeight(90)
        self.server_list.header().setStretchLastSection(True)
        self.server_list.setColumnWidth(_NAME_COLUMN, 170)
        title.setBuddy(self.server_list)
        self.server_list.itemChanged.connect(self._on_item_changed)
        self.server_list.currentItemChanged.connect(lambda *_: self._show_details())

        self.add_button = QPushButton(self.tr("A&dd server…"))
        self.add_button.setObjectName("addServer")
        self.add_button.clicked.connect(self.open_add_dialog)
        self.remove_button = QPushButton(self.tr("&Remove"))
        self.remove_button.setObjectName("removeServer")
        self.remove_button.setAccessibleName(self.tr("Remove the selected server"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.open_button = QPushButton(self.tr("Open mcp.&json"))
        self.open_button.setObjectName("openMcpJson")
        self.open_button.setToolTip(self.tr("Edit the servers' file in your text editor"))
        self.open_button.clicked.connect(self.openConfigRequested)

        self.details_label = QLabel()
        self.details_label.setObjectName("mcpServerDetails")
        self.details_label.setTextFormat(Qt.TextFormat.PlainText)
        self.details_label.setWordWrap(True)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        log_title = QLabel(self.tr("Server &log (its last lines of stderr):"))
        self.stderr_view = QPlainTextEdit()
        self.stderr_view.setObjectName("mcpServerStderr")
        self.stderr_view.setReadOnly(True)
        self.stderr_view.setTabChangesFocus(True)
        self.stderr_view.setAccessibleName(self.tr("Server log"))
        self.stderr_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.stderr_view.setMaximumHeight(90)
        log_title.setBuddy(self.stderr_view)
        note = QLabel(self.tr("Server changes are saved at once; servers start when you connect."))
        note.setWordWrap(True)

        buttons = QHBoxLayout()
        buttons.addWidget(title, 1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.server_list, 1)
        layout.addWidget(self.details_label)
        layout.addWidget(log_title)
        layout.addWidget(self.stderr_view)
        layout.addWidget(note)
        self.refresh()

    # --- public -----------------------------------------------------------------------
    def refresh(self) -> None:
        """Show the source's servers and states; the selection stays where it was."""
        if self._source is not None:
            self._servers = dict(self._source.servers())
            self._statuses = {s.name: s for s in self._source.statuses()}
        current = self.selected()
        blocked = self.server_list.blockSignals(True)
        try:
            names = [self._item_name(i) for i in range(self.server_list.topLevelItemCount())]
            if names != list(self._servers):
                self.server_list.clear()
                for name in self._servers:
                    item = QTreeWidgetItem([name, ""])
                    item.setData(_NAME_COLUMN, Qt.ItemDataRole.UserRole, name)
                    item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                    item.setToolTip(_NAME_COLUMN, self.tr("Checked: the server is enabled"))
                    self.server_list.addTopLevelItem(item)
                    if name == current:
                        self.server_list.setCurrentItem(item)
            for i, config in enumerate(self._servers.values()):
                row = self.server_list.topLevelItem(i)
                if row is None:
                    continue
                checked = Qt.CheckState.Checked if config.enabled else Qt.CheckState.Unchecked
                row.setCheckState(_NAME_COLUMN, checked)
                row.setText(_STATE_COLUMN, self.state_text(config.name))
                row.setToolTip(_STATE_COLUMN, self.state_text(config.name))
            first = self.server_list.topLevelItem(0)
            if self.server_list.currentItem() is None and first is not None:
                self.server_list.setCurrentItem(first)
        finally:
            self.server_list.blockSignals(blocked)
        self._show_details()

    def selected(self) -> str:
        """The name of the selected server ("" when none)."""
        item = self.server_list.currentItem()
        return str(item.data(_NAME_COLUMN, Qt.ItemDataRole.UserRole)) if item else ""

    def state_text(self, name: str) -> str:
        """One server's state in words: "ready (3 tools)", "failed: …", "disabled"…"""
        config = self._servers.get(name)
        status = self._statuses.get(name)
        if config is not None and not config.enabled:
            return self.tr("disabled")
        if status is None:
            return self.tr("not started (starts when you connect)")
        if status.state is McpState.READY:
            return self.tr("ready (%1 tools)").replace("%1", str(len(status.tools)))
        if status.state is McpState.FAILED:
            error = status.error or self.tr("no reason given")
            return self.tr("failed: %1").replace("%1", error)
        words = {
            McpState.STARTING: self.tr("starting…"),
            McpState.DISABLED: self.tr("disabled"),
            McpState.STOPPED: self.tr("stopped"),
        }
        return words[status.state]

    def open_add_dialog(self) -> AddServerDialog:
        """The Add… dialog (window-modal, opened with ``open()``)."""
        dialog = AddServerDialog(set(self._servers), self)
        dialog.accepted.connect(lambda: self._on_added(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(lambda _r: setattr(self, "add_dialog", None))
        self.add_dialog = dialog
        dialog.open()
        return dialog

    def remove_selected(self) -> None:
        name = self.selected()
        if name and name in self._servers:
            servers = dict(self._servers)
            del servers[name]
            self._save(servers)

    def focus_order(self) -> list[QWidget]:
        return [
            self.add_button,
            self.remove_button,
            self.open_button,
            self.server_list,
            self.stderr_view,
        ]

    # --- internals ----------------------------------------------------------------------
    def _item_name(self, row: int) -> str:
        item = self.server_list.topLevelItem(row)
        return str(item.data(_NAME_COLUMN, Qt.ItemDataRole.UserRole)) if item else ""

    def _on_added(self, dialog: AddServerDialog) -> None:
        config = dialog.config()
        if config is None:
            return
        self._save({**self._servers, config.name: config})
        items = self.server_list.findItems(config.name, Qt.MatchFlag.MatchExactly, _NAME_COLUMN)
        if items:
            self.server_list.setCurrentItem(items[0])

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        name = str(item.data(_NAME_COLUMN, Qt.ItemDataRole.UserRole))
        config = self._servers.get(name)
        if column != _NAME_COLUMN or config is None:
            return
        enabled = item.checkState(_NAME_COLUMN) == Qt.CheckState.Checked
        if enabled != config.enabled:
            self._save({**self._servers, name: dataclasses.replace(config, enabled=enabled)})

    def _save(self, servers: dict[str, McpServerConfig]) -> None:
        self._servers = servers
        if self._source is not None:
            self._source.save_servers(dict(servers))
        self.refresh()

    def _show_details(self) -> None:
        name = self.selected()
        config = self._servers.get(name)
        self.remove_button.setEnabled(config is not None)
        if config is None:
            self.details_label.setText(
                self.tr("No MCP servers yet. Add one, or write them in mcp.json.")
                if not self._servers
                else ""
            )
            self.stderr_view.setPlainText("")
            return
        status = self._statuses.get(name)
        if config.transport == "http":
            target = self.tr("URL: %1").replace("%1", config.url)
        else:
            command = shlex.join([config.command, *config.args])
            target = self.tr("Command: %1").replace("%1", command)
        tools = list(status.tools) if status is not None else []
        lines = [
            target,
            self.tr("State: %1").replace("%1", self.state_text(name)),
            self.tr("Tools: %1").replace("%1", ", ".join(tools)) if tools else self.tr("No tools"),
        ]
        self.details_label.setText("\n".join(lines))
        tail = status.stderr_tail if status is not None else ""
        if self.stderr_view.toPlainText() != tail:
            self.stderr_view.setPlainText(tail)
            bar = self.stderr_view.verticalScrollBar()
            bar.setValue(bar.maximum())
