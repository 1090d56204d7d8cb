"""Reads a conversation's JSON Lines file, checking every line: a damaged line (torn,
not UTF-8, not an object, too long, too deep, or holding values no part of the app can
show) is counted and skipped, never raised."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

from gemini_desk.core import safe_json

__all__ = ["MAX_LINE_BYTES", "StoredTurns", "read_turns", "valid_time"]

MAX_LINE_BYTES = 8 * 1024 * 1024  # a longer line is damaged (and never read whole)
_TIMES = ("started_at",)
_NUMBERS = ("latency_ms", "server_ms")
_TEXTS = ("role", "text", "blocked")


@dataclass(frozen=True, slots=True)
class StoredTurns:
    """The good turns of one file, in order, and how many lines were damaged."""

    turns: list[dict[str, Any]]
    damaged_lines: int


def valid_time(value: object) -> TypeGuard[float]:
    """True for epoch seconds the clock functions accept (finite, in range)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value) and time.localtime(value) is not None
    except (OverflowError, ValueError, OSError):
        return False


def _number_ok(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _tool_ok(tool: object) -> bool:
    if tool is None:
        return True
    if not isinstance(tool, Mapping):
        return False
    started, duration = tool.get("started_at", 0.0), tool.get("duration_s")
    return (started in (None, 0, 0.0) or valid_time(started)) and _number_ok(duration)


def valid_turn(item: object) -> bool:
    """True if ``item`` is a stored turn every reader (history, export, the transcript)
    can use as it is."""
    if not isinstance(item, dict):
        return False
    if any(item.get(key) is not None and not valid_time(item[key]) for key in _TIMES):
        return False
    if not all(_number_ok(item.get(key)) for key in _NUMBERS):
        return False
    if any(item.get(key) is not None and not isinstance(item[key], str) for key in _TEXTS):
        return False
    grounding = item.get("grounding")
    return (grounding is None or isinstance(grounding, list)) and _tool_ok(item.get("tool"))


def _parse(raw: bytes) -> dict[str, Any] | None:
    try:
        item = safe_json.loads(raw.decode("utf-8"))
    except ValueError:  # UnicodeDecodeError and JSONDecodeError are ValueErrors
        return None
    return item if valid_turn(item) else None


def read_turns(path: Path) -> StoredTurns:
    """Every good turn in ``path`` and the number of damaged lines. Raises only OSError
    (the file cannot be opened or read)."""
    turns: list[dict[str, Any]] = []
    damaged = 0
    with open(path, "rb") as fh:
        while raw := fh.readline(MAX_LINE_BYTES + 1):
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                damaged += 1
                while (rest := fh.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                    pass  # skip the rest of the over-long line, a piece at a time
                continue
            if not raw.strip():
                continue
            item = _parse(raw)
            if item is None:
                damaged += 1
            else:
                turns.append(item)
    return StoredTurns(turns, damaged)
