"""What can still be read from a damaged settings file, value by value."""

from __future__ import annotations

import json
import re
from typing import Any

from gemini_desk.core import safe_json

__all__ = ["salvage"]

# A member of the top-level object: "name": (the value is decoded from here).
_MEMBER = re.compile(r'\s*,?\s*"((?:[^"\\\n]|\\.){1,100})"\s*:\s*')


def salvage(text: str) -> dict[str, Any]:
    """Every top-level ``"name": value`` of a settings object that still decodes, in
    order (a later duplicate wins). A torn or garbled member is skipped by resuming on
    the next line, where the next member of a file we wrote starts."""
    found: dict[str, Any] = {}
    start = text.find("{")
    if start < 0:
        return found
    pos = start + 1
    while pos < len(text):
        member = _MEMBER.match(text, pos)
        try:
            decoded = safe_json.value_at(text, member.end()) if member else None
        except ValueError:
            decoded = None
        if member is None or decoded is None:
            newline = text.find("\n", pos)
            if newline < 0:
                break
            pos = newline + 1
            continue
        try:
            name = json.loads(f'"{member.group(1)}"')
        except ValueError:
            name = None
        value, pos = decoded
        if isinstance(name, str):
            found[name] = value
    return found
