"""Which tools may run: each tool's default policy and the user's stored choices.

The settings keep the user's choices as ``tool_policies``: the declared name to
"allow", "ask" or "never". A tool the user never chose for keeps its spec's default:
the harmless built-ins are allowed, everything else asks (MCP tools always do).
"""

from __future__ import annotations

from collections.abc import Mapping

from gemini_desk.core.tools import ToolPolicy, ToolSpec

# Built-in tools by name: only the harmless ones run without asking.
BUILTIN_DEFAULT_POLICIES: Mapping[str, ToolPolicy] = {
    "get_current_time": ToolPolicy.ALLOW,
    "remember_note": ToolPolicy.ALLOW,
    "open_url": ToolPolicy.ASK,
    "read_clipboard": ToolPolicy.ASK,
    "write_clipboard": ToolPolicy.ASK,
    "look_at_screen": ToolPolicy.ASK,
}
MCP_DEFAULT_POLICY = ToolPolicy.ASK


def parse_policy(value: object) -> ToolPolicy | None:
    """The policy a stored value names, or None when it names none."""
    try:
        return ToolPolicy(value)
    except ValueError:
        return None


def effective_policy(spec: ToolSpec, stored: Mapping[str, str]) -> ToolPolicy:
    """The user's stored choice for ``spec`` (by its declared name), else its default."""
    return parse_policy(stored.get(spec.name)) or spec.default_policy


def with_choice(stored: Mapping[str, str], name: str, policy: ToolPolicy) -> dict[str, str]:
    """A copy of ``stored`` with ``policy`` chosen for ``name`` (e.g. after "Always")."""
    return {**stored, name: policy.value}
