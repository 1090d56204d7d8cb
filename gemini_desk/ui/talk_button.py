"""The large talk button: shows idle / listening / model speaking, and works with the mouse."""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

from gemini_desk.core.desk_state import TalkState
from gemini_desk.ui.theme import follow_palette

__all__ = ["TalkButton"]

_STYLE = """
QPushButton#talkButton {
    font-size: 13pt; font-weight: bold; padding: 10px 18px; border-radius: 10px;
    border: 3px solid palette(mid); color: palette(button-text); background: palette(button);
    text-align: center;
}
QPushButton#talkButton[talkState="idle"] {
    border-color: #1d4ed8; background: #dbeafe; color: #1e3a8a;
}
QPushButton#talkButton[talkState="idle"]:hover { background: #bfdbfe; }
QPushButton#talkButton[talkState="listening"] {
    border-color: #14532d; background: #16a34a; color: #ffffff;
}
QPushButton#talkButton[talkState="speaking"] {
    border-color: #6b21a8; background: #9333ea; color: #ffffff;
}
QPushButton#talkButton[talkState="muted"] {
    border-color: #991b1b; background: #fee2e2; color: #7f1d1d;
}
QPushButton#talkButton[talkState="offline"], QPushButton#talkButton[talkState="hands_free"] {
    border-color: palette(midlight); background: palette(window); color: palette(placeholder-text);
    font-size: 11pt; padding: 4px 12px; border-width: 2px;
}
QPushButton#talkButton:focus { border-color: palette(highlight); border-style: dashed; }
"""


class TalkButton(QPushButton):
    """Hold (or click, in toggle mode) to talk; its look follows :meth:`set_state`.

    Signals:
        talkPressed(): the mouse button or Space went down on it.
        talkReleased(): ... and up again.

    The button reports edges only; the push-to-talk state machine decides what they
    mean (hold or toggle) and tells the button what to show.
    """

    talkPressed = Signal()
    talkReleased = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("talkButton")
        follow_palette(self, _STYLE)  # follows light/dark
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumHeight(64)
        self._state = TalkState.OFFLINE
        self._key_label = ""
        self._toggle = False
        self.pressed.connect(self.talkPressed)
        self.released.connect(self.talkReleased)
        self._render()

    @property
    def state(self) -> TalkState:
        return self._state

    def set_state(self, state: TalkState) -> None:
        if state is not self._state:
            self._state = state
            self._render()

    def set_key_label(self, label: str, toggle: bool) -> None:
        """The hotkey shown on the button (``Ctrl+Alt+Space``) and whether it toggles."""
        self._key_label, self._toggle = label, toggle
        self._render()

    def sizeHint(self) -> QSize:
        # Big while there is something to press; a slim status line when there is not
        # (offline, hands-free), so the transcript keeps the room.
        return QSize(420, 72 if self.isEnabled() else 40)

    def _render(self) -> None:
        key = self._key_label
        how = (
            self.tr("Click or press %1 to talk")
            if self._toggle
            else self.tr("Hold to talk, or hold %1")
        )
        texts = {
            TalkState.OFFLINE: self.tr("Connect to talk"),
            TalkState.HANDS_FREE: self.tr("Hands-free: just speak"),
            TalkState.IDLE: how.replace("%1", key),
            TalkState.LISTENING: self.tr("Listening…")
            + ("  " + self.tr("(click or %1 to send)").replace("%1", key) if self._toggle else ""),
            TalkState.SPEAKING: self.tr("Gemini is speaking — press to interrupt"),
            TalkState.MUTED: self.tr("Muted — unmute to talk"),
        }
        text = texts[self._state]
        self.setText(text)
        self.setAccessibleName(self.tr("Talk"))
        self.setAccessibleDescription(text)
        live = self._state not in (TalkState.OFFLINE, TalkState.HANDS_FREE)
        if live != self.isEnabled():
            self.setEnabled(live)
            self.setMinimumHeight(64 if live else 36)
            self.updateGeometry()
        self.setProperty("talkState", self._state.value)
        self.style().unpolish(self)
        self.style().polish(self)
