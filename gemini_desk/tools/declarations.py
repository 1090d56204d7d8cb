"""The tools part of the connect config, per model, from the capability table."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from gemini_desk.core.models import Capabilities
from gemini_desk.core.tools import Declarations, FunctionDecl, ToolPolicy, ToolSpec
from gemini_desk.tools.policy import effective_policy

log = logging.getLogger("gemini_desk.tools")


def ordered(specs: Iterable[ToolSpec]) -> list[ToolSpec]:
    """Built-ins first (in their own order), then MCP tools by server, then by name;
    of two tools with one name, the first in that order wins."""
    specs = list(specs)
    builtins = [s for s in specs if not s.is_mcp]
    mcp = sorted((s for s in specs if s.is_mcp), key=lambda s: (s.server, s.name))
    seen: set[str] = set()
    out: list[ToolSpec] = []
    for spec in builtins + mcp:
        if spec.name in seen:
            log.warning("tool %r from %s hidden: the name is taken", spec.name, spec.source)
            continue
        seen.add(spec.name)
        out.append(spec)
    return out


def is_non_blocking(spec: ToolSpec, caps: Capabilities) -> bool:
    """Whether calls of ``spec`` are NON_BLOCKING for a model with ``caps``."""
    return caps.non_blocking_tools and not spec.blocking


def behavior(spec: ToolSpec, caps: Capabilities) -> str:
    """The declaration's ``behavior``: "" (not sent) for models with blocking calls
    only, else BLOCKING or NON_BLOCKING."""
    if not caps.non_blocking_tools:
        return ""
    return "NON_BLOCKING" if is_non_blocking(spec, caps) else "BLOCKING"


def build_declarations(
    specs: Iterable[ToolSpec],
    policies: Mapping[str, str],
    caps: Capabilities,
    google_search: bool,
) -> Declarations:
    """What to declare to a model with ``caps``: every tool the user has not turned
    off (``policies``: the stored choices), and Google Search when asked for and the
    model has it."""
    functions = tuple(
        FunctionDecl(
            name=spec.name,
            description=spec.description,
            parameters=spec.parameters,
            behavior=behavior(spec, caps),
        )
        for spec in ordered(specs)
        if effective_policy(spec, policies) is not ToolPolicy.NEVER
    )
    return Declarations(functions=functions, google_search=google_search and caps.google_search)
