"""The real app (``gemini_desk.app.main``) with a heap probe, for ``bench.soak_memory``.

``python -m bench.soak_app ARGS`` runs ``gemini-desk ARGS`` unchanged, except that
SIGUSR1 writes a view of the Python heap to ``$GD_SOAK_DUMP.N.json`` (N counts up):
live objects per type (``gc``), Python's allocated blocks, glibc's malloc figures
(``mallinfo2``), and, when ``$GD_SOAK_TRACEMALLOC`` is set (tracing from the start,
which costs memory itself), a tracemalloc snapshot beside it (``.N.tracemalloc``).

The app's quit signals write to a wake-up socket Qt watches (``install_quit_signals``),
so a signal runs Python at once even while Qt waits in C++; the probe rides on that.
"""

from __future__ import annotations

import collections
import ctypes
import gc
import json
import os
import signal
import sys
import tracemalloc
from pathlib import Path
from typing import Any


class _Mallinfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def malloc_figures() -> dict[str, int]:
    """glibc's view of the main arena and mmapped blocks (bytes), or {} elsewhere."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        fn = libc.mallinfo2
    except (OSError, AttributeError):
        return {}
    fn.restype = _Mallinfo2
    info = fn()
    return {name: int(getattr(info, name)) for name, _ in _Mallinfo2._fields_}


def heap_view() -> dict[str, Any]:
    """Live objects per type, Python's allocated blocks and malloc's figures."""
    gc.collect()
    counts = collections.Counter(
        f"{type(o).__module__}.{type(o).__qualname__}" for o in gc.get_objects()
    )
    return {
        "gc_objects": sum(counts.values()),
        "types": dict(counts.most_common(400)),
        "allocated_blocks": sys.getallocatedblocks(),
        "malloc": malloc_figures(),
        "modules": sorted(sys.modules),
    }


def _dump(base: Path, n: list[int]) -> None:
    n[0] += 1
    view = heap_view()
    if tracemalloc.is_tracing():
        tracemalloc.take_snapshot().dump(f"{base}.{n[0]}.tracemalloc")
        view["tracemalloc"] = True
    tmp = Path(f"{base}.{n[0]}.json.part")
    tmp.write_text(json.dumps(view))
    tmp.rename(f"{base}.{n[0]}.json")  # the bench waits for this name: written whole


def main() -> int:
    base = os.environ.get("GD_SOAK_DUMP")
    if os.environ.get("GD_SOAK_TRACEMALLOC"):
        tracemalloc.start(16)
    if base:
        n = [0]
        signal.signal(signal.SIGUSR1, lambda *_: _dump(Path(base), n))
    from gemini_desk.app.main import main as app_main

    return app_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
