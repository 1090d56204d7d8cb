"""Tool policies: the user's stored choice by declared name, else the tool's default."""

from __future__ import annotations

from pathlib import Path

import pytest

from gemini_desk.core.settings import Settings
from gemini_desk.core.tools import ToolPolicy, ToolSpec
from gemini_desk.tools.builtin import builtin_tools
from gemini_desk.tools.policy import (
    BUILTIN_DEFAULT_POLICIES,
    MCP_DEFAULT_POLICY,
    effective_policy,
    parse_policy,
    with_choice,
)

ALLOW, ASK, NEVER = ToolPolicy.ALLOW, ToolPolicy.ASK, ToolPolicy.NEVER
MCP_TOOL = ToolSpec("get_time", source="mcp:time")
HARMLESS = ToolSpec("get_current_time", default_policy=ALLOW)


class NoDesktop:
    def open_url(self, url: str) -> None: ...
    def read_clipboard(self) -> str:
        return ""

    def write_clipboard(self, text: str) -> None: ...
    def look_now(self) -> bool:
        return False


@pytest.mark.parametrize(
    ("spec", "stored", "expected"),
    [
        (HARMLESS, {}, ALLOW),  # the default
        (HARMLESS, {"get_current_time": "never"}, NEVER),  # the user's choice wins
        (HARMLESS, {"get_current_time": "ask"}, ASK),
        (MCP_TOOL, {}, ASK),
        (MCP_TOOL, {"get_time": "allow"}, ALLOW),
        (MCP_TOOL, {"other": "allow"}, ASK),  # a choice for another tool
        (MCP_TOOL, {"get_time": "sometimes"}, ASK),  # a value that names no policy
        (MCP_TOOL, {"get_time": ""}, ASK),
    ],
)
def test_the_stored_choice_by_name_else_the_default(
    spec: ToolSpec, stored: dict[str, str], expected: ToolPolicy
) -> None:
    assert effective_policy(spec, stored) is expected


def test_only_the_harmless_builtins_are_allowed_by_default_and_mcp_tools_ask() -> None:
    specs = [tool.spec for tool in builtin_tools(NoDesktop(), Path("notes.txt"))]
    defaults = {spec.name: effective_policy(spec, Settings().tool_policies) for spec in specs}
    assert defaults == {
        "get_current_time": ALLOW,
        "open_url": ASK,
        "read_clipboard": ASK,
        "write_clipboard": ASK,
        "look_at_screen": ASK,
        "remember_note": ALLOW,
    }
    assert defaults == dict(BUILTIN_DEFAULT_POLICIES)
    assert MCP_DEFAULT_POLICY is ASK and ToolSpec("x", source="mcp:s").default_policy is ASK


def test_always_is_stored_as_allow_without_touching_other_choices() -> None:
    stored = {"open_url": "never"}
    chosen = with_choice(stored, "read_clipboard", ALLOW)
    assert chosen == {"open_url": "never", "read_clipboard": "allow"}
    assert stored == {"open_url": "never"}  # a copy
    settings = Settings(tool_policies=chosen).validated()
    assert effective_policy(ToolSpec("read_clipboard"), settings.tool_policies) is ALLOW
    assert parse_policy("never") is NEVER and parse_policy(None) is None
