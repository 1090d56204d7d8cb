"""A "press the keys" field that captures a key combination for a hotkey."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from gemini_desk.hotkeys.combo import MODIFIERS, KeyCombo
from gemini_desk.ui.qt_keys import key_name, modifier_names


class HotkeyEdit(QLineEdit):
    """Click it (or Tab to it) and press the combination; the field shows it.

    Signals:
        comboChanged(str): a new combination was captured (canonical text).

    Modifiers alone are shown while held and are not accepted; Tab and Shift+Tab still
    move focus (keyboard users must be able to leave), Backspace restores ``default``.
    """

    comboChanged = Signal(str)

    def __init__(self, combo: str, default: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self._default = KeyCombo.parse(default)
        self._combo = self._parse_or_default(combo)
        self.setPlaceholderText(self.tr("Press the keys…"))
        self.hint = self.tr(
            "Click here and press the key combination. Backspace restores the default."
        )
        self.setToolTip(self.hint)
        self._show(self._combo.label())

    @property
    def combo(self) -> KeyCombo:
        return self._combo

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        if key == Qt.Key.Key_Backtab or (key == Qt.Key.Key_Tab and plain):
            super().keyPressEvent(event)  # leave the field
            return
        if key == Qt.Key.Key_Backspace and plain:
            self._set(self._default)
            return
        if event.isAutoRepeat():
            return
        name = key_name(key)
        mods = modifier_names(event)
        if name is None:
            return
        if name in MODIFIERS:
            held = [m for m in MODIFIERS if m in mods or m == name]
            self._show("+".join(m.capitalize() for m in held) + "+…")
            return
        self._set(KeyCombo(frozenset([*mods, name])))

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if not event.modifiers() and not event.isAutoRepeat():
            self._show(self._combo.label())  # only modifiers were held: show the saved one

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Recording: the field says "Press the keys…" until keys are pressed."""
        self.setText("")
        self.setPlaceholderText(
            self.tr("Press the keys… (now: %1)").replace("%1", self._combo.label())
        )
        super().focusInEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.setPlaceholderText(self.tr("Press the keys…"))
        self._show(self._combo.label())
        super().focusOutEvent(event)

    def _set(self, combo: KeyCombo) -> None:
        self._show(combo.label())
        if combo != self._combo:
            self._combo = combo
            self.comboChanged.emit(combo.text)

    def _show(self, text: str) -> None:
        self.setText(text)

    def _parse_or_default(self, text: str) -> KeyCombo:
        try:
            return KeyCombo.parse(text)
        except ValueError:
            return self._default
