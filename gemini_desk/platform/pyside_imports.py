"""Keep PySide6's import hook from caching the source of every module imported after it.

Once PySide6 is imported, shiboken hooks every later import to learn whether the module
uses PySide (for ``from __feature__ import ...``), by calling ``inspect.getsource`` on it.
That reads each module's whole source into ``linecache`` and keeps it: ~640 modules and
10-25 MB of lines in this app, which no later ``clearcache`` gives back (the small
strings are spread over Python's memory arenas). The replacement gives the same answer
(does the source mention "PySide6"?) from the file's bytes and keeps nothing.
"""

from __future__ import annotations

import logging
import sys
from types import ModuleType

__all__ = ["stop_source_caching"]

log = logging.getLogger("gemini_desk.qt")


def _uses_pyside(module: ModuleType) -> bool:
    """Whether ``module``'s source file mentions PySide6 (False without a source file)."""
    path = getattr(module, "__file__", None)
    if not path or not path.endswith(".py"):
        return False
    try:
        with open(path, "rb") as f:
            return b"PySide6" in f.read()
    except OSError:
        return False


def stop_source_caching() -> bool:
    """Install the replacement once PySide6 is imported; False (and nothing changed)
    when this PySide6 has no such hook."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        log.debug("PySide6 has no source-reading import hook here")
        return False
    feature._mod_uses_pyside = _uses_pyside  # type: ignore[attr-defined]
    return True
