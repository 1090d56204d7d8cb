"""The tools on offer: the built-ins and whatever the MCP servers provide now."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from gemini_desk.core.tools import ToolSpec
from gemini_desk.tools.builtin import BuiltinTool
from gemini_desk.tools.declarations import ordered

log = logging.getLogger("gemini_desk.tools")


class ToolRegistry:
    """Built-in tools (fixed) and MCP tools (replaced whenever the servers' lists
    change), by declared name. Built-ins come first; of two tools with one name the
    first in declaration order wins (a built-in over an MCP tool)."""

    def __init__(self, builtins: Iterable[BuiltinTool] = ()) -> None:
        self._builtins = {tool.spec.name: tool for tool in builtins}
        self._mcp: list[ToolSpec] = []
        self._specs: list[ToolSpec] = []
        self._by_name: dict[str, ToolSpec] = {}
        self._rebuild()

    def set_mcp_tools(self, specs: Sequence[ToolSpec]) -> None:
        """The MCP tools on offer now (every server's), replacing the earlier list."""
        self._mcp = [s for s in specs if s.is_mcp]
        for spec in specs:
            if not spec.is_mcp:
                log.warning(
                    "tool %r ignored: its source %r is not an MCP server", spec.name, spec.source
                )
        self._rebuild()

    def specs(self) -> list[ToolSpec]:
        """Every tool on offer, in declaration order."""
        return list(self._specs)

    def get(self, name: str) -> ToolSpec | None:
        return self._by_name.get(name)

    def builtin(self, name: str) -> BuiltinTool | None:
        """The built-in tool called ``name``, with its implementation."""
        return self._builtins.get(name)

    @property
    def mcp_specs(self) -> list[ToolSpec]:
        return list(self._mcp)

    def _rebuild(self) -> None:
        builtin_specs = [tool.spec for tool in self._builtins.values()]
        self._specs = ordered([*builtin_specs, *self._mcp])
        self._by_name = {spec.name: spec for spec in self._specs}
