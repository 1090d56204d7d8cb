"""Qt key events as the hotkey layer's key names (``ctrl``, ``space``, ``f8``)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QKeySequence

_MODIFIER_KEYS = {
    Qt.Key.Key_Control: "ctrl",
    Qt.Key.Key_Alt: "alt",
    Qt.Key.Key_AltGr: "alt",
    Qt.Key.Key_Shift: "shift",
    Qt.Key.Key_Meta: "super",
    Qt.Key.Key_Super_L: "super",
    Qt.Key.Key_Super_R: "super",
}
_MODIFIER_FLAGS = (
    (Qt.KeyboardModifier.ControlModifier, "ctrl"),
    (Qt.KeyboardModifier.AltModifier, "alt"),
    (Qt.KeyboardModifier.ShiftModifier, "shift"),
    (Qt.KeyboardModifier.MetaModifier, "super"),
)


def key_name(key: int) -> str | None:
    """The name of one Qt key, or None for keys we cannot bind."""
    try:
        qkey = Qt.Key(key)
    except ValueError:
        return None
    if qkey in _MODIFIER_KEYS:
        return _MODIFIER_KEYS[qkey]
    if qkey in (Qt.Key.Key_unknown, 0):
        return None
    text = QKeySequence(int(qkey)).toString(QKeySequence.SequenceFormat.PortableText)
    return text.lower() or None


def modifier_names(event: QKeyEvent) -> list[str]:
    mods = event.modifiers()
    return [name for flag, name in _MODIFIER_FLAGS if mods & flag]
