"""The Tools page of the settings dialog: Google Search, each tool's policy, MCP servers.

The page reads what it shows through :class:`ToolsSource` (the wiring implements it):
the tools on offer, the MCP servers as configured in ``mcp.json`` and how each one is
doing, live while the dialog is open.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from gemini_desk.core.settings import Settings
from gemini_desk.core.tools import McpServerStatus, ToolPolicy, ToolSpec
from gemini_desk.tools.mcp_config import McpServerConfig
from gemini_desk.ui.focus import chain
from gemini_desk.ui.mcp_servers import McpServersPanel
from gemini_desk.ui.tool_row import source_text

__all__ = ["ToolsSettings", "ToolsSource"]


class ToolsSource(Protocol):
    """What the Tools page needs from the app. Called on the GUI thread."""

    def specs(self) -> list[ToolSpec]:
        """Every tool on offer now (built-ins, then the running servers' tools)."""
        ...

    def statuses(self) -> list[McpServerStatus]:
        """How each MCP server is doing."""
        ...

    def servers(self) -> dict[str, McpServerConfig]:
        """The MCP servers as configured (``mcp.json``), by name."""
        ...

    def save_servers(self, servers: dict[str, McpServerConfig]) -> None:
        """Store ``servers`` as the whole configuration (and act on the change)."""
        ...

    def subscribe(self, callback: Callable[[], None]) -> Callable[[], None]:
        """Call ``callback`` whenever specs, statuses or servers change; returns the
        function that stops it. The callback may come from any thread."""
        ...


_POLICIES: tuple[ToolPolicy, ...] = (ToolPolicy.ALLOW, ToolPolicy.ASK, ToolPolicy.NEVER)


class ToolsSettings(QWidget):
    """Edits ``google_search`` and ``tool_policies``; MCP server changes are saved at once
    through the source (they are not part of OK/Cancel).

    Signals:
        mcpConfigRequested(): "Open mcp.json" was clicked (the wiring opens the file).
    """

    mcpConfigRequested = Signal()
    _changed = Signal()  # the source's callback, delivered on the GUI thread

    def __init__(
        self, settings: Settings, source: ToolsSource | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("toolsSettings")
        self._source = source
        self._stored = dict(settings.tool_policies)
        self._specs: list[ToolSpec] = []
        self.policy_combos: dict[str, QComboBox] = {}
        self._unsubscribe: Callable[[], None] | None = None

        self.search_check = QCheckBox(self.tr("Use &Google Search"))
        self.search_check.setObjectName("settingsGoogleSearch")
        self.search_check.setChecked(settings.google_search)
        search_note = QLabel(
            self.tr(
                "Answers can draw on the web and list their sources. Only with models that "
                "support it."
            )
        )
        search_note.setWordWrap(True)
        search_note.setObjectName("searchNote")

        self.tools_label = QLabel(self.tr("&Tools:"))
        self._grid_host = QWidget()
        self._grid_host.setObjectName("toolPolicies")
        self._grid = QGridLayout(self._grid_host)
        self._grid.setContentsMargins(6, 4, 6, 4)
        self._grid.setHorizontalSpacing(14)
        self._grid.setColumnStretch(1, 1)
        self.tools_scroll = QScrollArea()
        self.tools_scroll.setObjectName("toolPoliciesScroll")
        self.tools_scroll.setWidgetResizable(True)
        self.tools_scroll.setFrameShape(QFrame.Shape.StyledPanel)
        self.tools_scroll.setWidget(self._grid_host)
        self.tools_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes to the combos
        self.tools_scroll.setMinimumHeight(130)

        self.servers = McpServersPanel(source, self)
        self.servers.openConfigRequested.connect(self.mcpConfigRequested)

        layout = QVBoxLayout(self)
        layout.addWidget(self.search_check)
        layout.addWidget(search_note)
        layout.addSpacing(6)
        layout.addWidget(self.tools_label)
        layout.addWidget(self.tools_scroll, 1)
        layout.addSpacing(6)
        layout.addWidget(self.servers, 1)

        self._show_specs(source.specs() if source is not None else [])
        if source is not None:
            self._changed.connect(self.refresh)
            self._unsubscribe = source.subscribe(self._changed.emit)

    # --- public ---------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        """``google_search`` and ``tool_policies``: the stored choices, with each tool shown
        here set as chosen (a tool left at its default is not stored; choices for tools
        not on offer now, e.g. of a server that is down, are kept)."""
        policies = dict(self._stored)
        for spec in self._specs:
            combo = self.policy_combos[spec.name]
            chosen = ToolPolicy(combo.currentData())
            if chosen is spec.default_policy:
                policies.pop(spec.name, None)
            else:
                policies[spec.name] = chosen.value
        return {"google_search": self.search_check.isChecked(), "tool_policies": policies}

    def refresh(self) -> None:
        """Show the source's current tools and servers (keeps choices made here)."""
        if self._source is None:
            return
        self._stored = self.values()["tool_policies"]
        self._show_specs(self._source.specs())
        self.servers.refresh()

    def detach(self) -> None:
        """Stop following the source (the dialog closed)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def focus_order(self) -> list[QWidget]:
        """The page's fields in reading order (for the dialog's Tab chain)."""
        combos = [self.policy_combos[s.name] for s in self._specs]
        return [self.search_check, *combos, *self.servers.focus_order()]

    # --- internals --------------------------------------------------------------------------
    def _show_specs(self, specs: list[ToolSpec]) -> None:
        if [s.name for s in specs] == [s.name for s in self._specs]:
            self._specs = list(specs)
            return
        self._specs = list(specs)
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.policy_combos = {}
        if not specs:
            empty = QLabel(
                self.tr("No tools on offer yet. MCP servers' tools appear once they are running.")
            )
            empty.setWordWrap(True)
            self._grid.addWidget(empty, 0, 0, 1, 3)
            return  # the label's buddy, if it had one, was deleted with its combo
        for column, title in enumerate(
            (self.tr("Tool"), self.tr("From"), self.tr("When Gemini calls it"))
        ):
            header = QLabel(title)
            header.setObjectName("toolPoliciesHeader")
            header.setStyleSheet("font-weight: bold;")
            self._grid.addWidget(header, 0, column)
        for row, spec in enumerate(specs, 1):
            name = QLabel(spec.name)
            name.setTextFormat(Qt.TextFormat.PlainText)
            name.setToolTip(spec.description)
            source = QLabel(source_text(spec.source))
            source.setTextFormat(Qt.TextFormat.PlainText)
            combo = self._policy_combo(spec, self._stored)
            self.policy_combos[spec.name] = combo
            self._grid.addWidget(name, row, 0)
            self._grid.addWidget(source, row, 1)
            self._grid.addWidget(combo, row, 2)
        self._grid.setRowStretch(len(specs) + 1, 1)
        combos = list(self.policy_combos.values())
        self.tools_label.setBuddy(combos[0])
        chain([self.search_check, *combos])  # new combos join the Tab chain in place

    def _policy_combo(self, spec: ToolSpec, stored: Mapping[str, str]) -> QComboBox:
        words = {
            ToolPolicy.ALLOW: self.tr("Always allow"),
            ToolPolicy.ASK: self.tr("Ask each time"),
            ToolPolicy.NEVER: self.tr("Never"),
        }
        combo = QComboBox()
        combo.setObjectName("toolPolicy")
        for policy in _POLICIES:
            text = words[policy]
            if policy is spec.default_policy:
                text = self.tr("%1 (default)").replace("%1", text)
            combo.addItem(text, policy.value)
        try:
            current = ToolPolicy(stored.get(spec.name, spec.default_policy.value))
        except ValueError:
            current = spec.default_policy
        combo.setCurrentIndex(combo.findData(current.value))
        combo.setAccessibleName(self.tr("When Gemini calls %1").replace("%1", spec.name))
        combo.setToolTip(spec.description)
        return combo
