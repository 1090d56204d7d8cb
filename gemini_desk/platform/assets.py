"""Finds files in resources/, both in an installed wheel and in a source checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def resource_path(relative: str) -> Path:
    """Path of ``resources/<relative>``; raises FileNotFoundError if it is missing."""
    packaged = resources.files("gemini_desk") / "resources" / relative
    if packaged.is_file():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[2] / "resources" / relative
    if checkout.is_file():
        return checkout
    raise FileNotFoundError(f"resource {relative!r} is missing from this installation")


APP_ICON = "icons/gemini-desk.svg"
