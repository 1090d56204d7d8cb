"""Give the C heap's free pages back to the OS once start-up's churn is over (glibc)."""

from __future__ import annotations

import ctypes
import logging
import sys

__all__ = ["trim_heap"]

log = logging.getLogger("gemini_desk.app")


def trim_heap() -> bool:
    """``malloc_trim(0)``: whole free pages in every malloc arena go back to the OS
    (imports and start-up free more than they keep). False where there is no glibc."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # musl and others: nothing to do
        return False
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    released = bool(trim(0))
    log.debug("malloc_trim: %s", "memory released" if released else "nothing to release")
    return True
