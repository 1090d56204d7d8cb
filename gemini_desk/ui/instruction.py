"""The default system instruction in the UI's language, and what Settings keeps of it.

The default is not stored as words: ``Settings.custom_instruction`` False means "the
default", worded here in the UI's language at each start, so a Chinese UI shows and
sends the Chinese default; an instruction the user typed is kept as typed.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QCoreApplication

from gemini_desk.core.settings import Settings

__all__ = ["default_instruction", "edited_instruction", "localised"]


def default_instruction() -> str:
    """The default instruction in the UI language (its English source is
    ``core.settings.DEFAULT_SYSTEM_INSTRUCTION``)."""
    return QCoreApplication.translate(
        "Instruction",
        "You are a helpful voice assistant on the user's desktop. Keep answers short and spoken.",
    )


def localised(settings: Settings) -> Settings:
    """``settings`` with the default instruction in the UI language (unless typed)."""
    if settings.custom_instruction:
        return settings
    text = default_instruction()
    if settings.system_instruction == text:
        return settings
    return dataclasses.replace(settings, system_instruction=text)


def edited_instruction(text: str) -> dict[str, Any]:
    """The settings fields for ``text`` as left in the Settings dialog: the default
    (as shown) stays the default, anything else is the user's own."""
    custom = text.strip() != default_instruction().strip()
    return {
        "system_instruction": text if custom else default_instruction(),
        "custom_instruction": custom,
    }
