"""Standard dialog buttons as the platform words them, without Qt's clip-art icons."""

from __future__ import annotations

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QDialogButtonBox, QWidget

__all__ = ["plain_buttons"]


def plain_buttons(
    buttons: QDialogButtonBox.StandardButton, parent: QWidget | None = None
) -> QDialogButtonBox:
    """A button box with ``buttons`` in the platform's order and words, and no icons
    (some styles draw a tick on OK and a cross on Cancel and Close)."""
    box = QDialogButtonBox(buttons, parent)
    for button in box.buttons():
        button.setIcon(QIcon())
    return box
