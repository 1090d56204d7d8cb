"""What a test needs from the machine: a skip with a reason locally, a failure in CI.

CI (the ``CI`` environment variable set) installs everything through scripts/setup-env,
so a missing tool there means a test that silently stopped running: it fails instead.
"""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest

__all__ = ["in_ci", "need_tool", "unavailable"]


def in_ci() -> bool:
    """True when the ``CI`` environment variable is set (and not "0"/"false"/"no")."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def unavailable(reason: str) -> NoReturn:
    """Skip the test for ``reason``, or fail it under CI."""
    if in_ci():
        pytest.fail(f"CI must run this test, but {reason}", pytrace=False)
    pytest.skip(reason)


def need_tool(tool: str, package: str) -> str:
    """The path of the program ``tool`` (from the Debian ``package``), or skip/fail."""
    path = shutil.which(tool)
    if path is None:
        unavailable(f"{tool} is not installed (apt-get install {package})")
    return path
