"""The talk row of the main window: talk mode switch, talk button (push-to-talk), sharing
badge, and a hint only where it adds something the button does not say."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from gemini_desk.core.desk_state import TalkState
from gemini_desk.ui.colours import hex_of
from gemini_desk.ui.talk_button import TALK_HEIGHT, TalkButton
from gemini_desk.ui.theme import follow_palette

__all__ = ["TalkBar"]


def _style() -> str:
    return f"QLabel#talkHint {{ color: {hex_of('subtle.fg')}; }}"


class TalkBar(QWidget):
    """Shows how to talk right now and lets the user switch mode.

    Signals:
        talkModeChanged(str): the user picked ``hands_free`` or ``push_to_talk``.

    The talk button is :attr:`button` (its own signals carry presses and releases); it
    shows in push-to-talk mode only, in a row of fixed height (:attr:`row`), so the
    transcript below never moves when the talk state changes. :meth:`add_to_row` puts
    another widget (the sharing badge) at the row's end.
    """

    talkModeChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        follow_palette(self, _style)  # the hint colour follows light/dark
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
        self.button.hide()  # hands-free until set_mode says otherwise
        self.hint = QLabel()
        self.hint.setObjectName("talkHint")
        self.hint.setWordWrap(True)
        self.hint.hide()

        self.row = QWidget()
        self.row.setObjectName("talkRow")
        self.row.setFixedHeight(TALK_HEIGHT + 24)  # the button, or the sharing preview
        row = QHBoxLayout(self.row)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(self.mode_label)
        row.addWidget(self.mode_combo)
        row.addWidget(self.button, 1)
        self._spacer = QWidget()  # hands-free: the room the button would take
        row.addWidget(self._spacer, 1)
        self._row_layout = row
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.row)
        layout.addWidget(self.hint)

    @property
    def mode(self) -> str:
        return str(self.mode_combo.currentData())

    def add_to_row(self, widget: QWidget) -> None:
        self._row_layout.addWidget(widget)

    def set_mode(self, mode: str) -> None:
        """Show ``mode`` without emitting talkModeChanged."""
        blocked = self.mode_combo.blockSignals(True)
        self.mode_combo.setCurrentIndex(max(0, self.mode_combo.findData(mode)))
        self.mode_combo.blockSignals(blocked)
        ptt = mode == "push_to_talk"
        self.button.setVisible(ptt)
        self._spacer.setVisible(not ptt)

    def set_state(self, state: TalkState | str) -> None:
        """Show the talk state (a :class:`TalkState` or its value, ``"idle"``)."""
        self.button.set_state(TalkState(state))

    def set_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.hint.setVisible(bool(text))

    def _on_mode_index(self, index: int) -> None:
        self.talkModeChanged.emit(str(self.mode_combo.itemData(index)))
