"""How many bytes an object keeps alive: itself and everything reachable from it."""

from __future__ import annotations

import gc
import sys


def deep_size(root: object) -> int:
    """Bytes of every object reachable from ``root``, each counted once (classes, and
    what only they reach, are left out)."""
    seen: set[int] = set()
    stack = [root]
    total = 0
    while stack:
        obj = stack.pop()
        if id(obj) in seen or isinstance(obj, type):
            continue
        seen.add(id(obj))
        total += sys.getsizeof(obj)
        stack.extend(gc.get_referents(obj))
    return total
