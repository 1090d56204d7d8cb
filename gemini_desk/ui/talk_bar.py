"""The talk row of the main window: talk mode switch, talk button, hotkey hint, mute flag."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gemini_desk.core.desk_state import TalkState
from gemini_desk.ui.talk_button import TalkButton
from gemini_desk.ui.theme import follow_palette

_STYLE = """
QLabel#mutedFlag {
    color: #ffffff; background: #b42318; border-radius: 4px; padding: 2px 8px;
    font-weight: bold;
}
QLabel#talkHint { color: palette(placeholder-text); }
"""


class TalkBar(QWidget):
    """Shows how to talk right now and lets the user switch mode.

    Signals:
        talkModeChanged(str): the user picked ``hands_free`` or ``push_to_talk``.

    The talk button is :attr:`button` (its own signals carry presses and releases).
    """

    talkModeChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        follow_palette(self, _STYLE)  # the hint colour follows light/dark
        self.mode_combo = QComboBox()
        self.mode_combo.setObjectName("talkModeCombo")
        self.mode_combo.addItem(self.tr("Hands-free"), "hands_free")
        self.mode_combo.addItem(self.tr("Push-to-talk"), "push_to_talk")
        self.mode_combo.setAccessibleName(self.tr("Talk mode"))
        self.mode_combo.setToolTip(
            self.tr(
                "Hands-free: the service hears when you start and stop speaking.\n"
                "Push-to-talk: it hears you only while you hold the talk key or button."
            )
        )
        self.mode_combo.currentIndexChanged.connect(self._on_mode_index)
        self.mode_label = QLabel(self.tr("&Talk:"))
        self.mode_label.setBuddy(self.mode_combo)  # Alt+T reaches the switch
        self.button = TalkButton()
        self.muted_flag = QLabel(self.tr("MIC MUTED"))
        self.muted_flag.setObjectName("mutedFlag")
        self.muted_flag.setAccessibleName(self.tr("Microphone muted"))
        self.muted_flag.hide()
        self.hint = QLabel()
        self.hint.setObjectName("talkHint")
        self.hint.setWordWrap(True)

        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.mode_label)
        row.addWidget(self.mode_combo)
        row.addWidget(self.button, 1)
        row.addWidget(self.muted_flag)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.hint)

    @property
    def mode(self) -> str:
        return str(self.mode_combo.currentData())

    def set_mode(self, mode: str) -> None:
        """Show ``mode`` without emitting talkModeChanged."""
        blocked = self.mode_combo.blockSignals(True)
        self.mode_combo.setCurrentIndex(max(0, self.mode_combo.findData(mode)))
        self.mode_combo.blockSignals(blocked)

    def set_state(self, state: TalkState | str) -> None:
        """Show the talk state (a :class:`TalkState` or its value, ``"idle"``)."""
        self.button.set_state(TalkState(state))

    def set_muted(self, muted: bool) -> None:
        self.muted_flag.setVisible(muted)

    def set_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    def _on_mode_index(self, index: int) -> None:
        self.talkModeChanged.emit(str(self.mode_combo.itemData(index)))
