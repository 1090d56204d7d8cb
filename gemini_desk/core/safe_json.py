"""JSON from files we do not fully trust: bounded nesting, finite numbers only."""

from __future__ import annotations

import json
import math
import re
from typing import Any

__all__ = ["MAX_DEPTH", "loads", "nesting_depth", "value_at"]

MAX_DEPTH = 64  # far more than anything we write; far less than Python's recursion limit
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text[:20]}")
    return value


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


_DECODER = json.JSONDecoder(parse_float=_finite, parse_constant=_no_constants)


def nesting_depth(text: str, limit: int = MAX_DEPTH) -> int:
    """How deeply arrays and objects nest in ``text`` (strings skipped), counting no
    further than ``limit + 1``. Does not recurse, so any input is safe."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub("", text)):
        if match.group() in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        else:
            depth -= 1
    return deepest


def loads(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads`` that never recurses deeper than ``max_depth`` (ValueError instead
    of RecursionError) and refuses NaN, Infinity and numbers too large for a float."""
    if nesting_depth(text, max_depth) > max_depth:
        raise ValueError(f"nested deeper than {max_depth} levels")
    return _DECODER.decode(text)


def value_at(text: str, start: int, max_chars: int = 256 * 1024) -> tuple[Any, int]:
    """The JSON value that starts at ``start`` in ``text`` (within ``max_chars``) and
    the index just after it, by the rules of :func:`loads`. Raises ValueError."""
    window = text[start : start + max_chars]
    if nesting_depth(window) > MAX_DEPTH:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels")
    value, end = _DECODER.raw_decode(window)
    return value, start + end
