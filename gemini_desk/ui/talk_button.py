"""The large talk button: shows idle / listening / model speaking, and works with the mouse."""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import QPushButton, QSizePolicy, QWidget

from gemini_desk.core.desk_state import TalkState
from gemini_desk.ui.colours import hex_of
from gemini_desk.ui.theme import follow_palette

__all__ = ["TALK_HEIGHT", "TalkButton"]

TALK_HEIGHT = 48


def _style() -> str:
    """The talk button's look per state, every colour from the palette (light or dark)."""
    c = hex_of
    return f"""
QPushButton#talkButton {{
    font-size: 12pt; font-weight: bold; padding: 6px 18px; border-radius: 10px;
    border: 2px solid {c("talk.idle.border")}; color: {c("talk.idle.fg")};
    background: {c("talk.idle.bg")}; text-align: center;
}}
QPushButton#talkButton[talkState="listening"] {{
    border-color: {c("talk.listening.bg")}; background: {c("talk.listening.bg")};
    color: {c("talk.listening.fg")};
}}
QPushButton#talkButton[talkState="speaking"] {{
    border-color: {c("talk.speaking.bg")}; background: {c("talk.speaking.bg")};
    color: {c("talk.speaking.fg")};
}}
QPushButton#talkButton[talkState="muted"], QPushButton#talkButton[talkState="offline"],
QPushButton#talkButton[talkState="hands_free"] {{
    border-color: {c("talk.off.bg")}; background: {c("talk.off.bg")}; color: {c("talk.off.fg")};
}}
QPushButton#talkButton:focus {{ border: 2px solid {c("focus")}; }}
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
        follow_palette(self, _style)  # follows light/dark
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(TALK_HEIGHT)  # the same in every state: nothing below moves
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
        return QSize(420, TALK_HEIGHT)

    def _render(self) -> None:
        key = self._key_label
        # The key and where it works are the talk bar's hint: the button names the mouse.
        ready = self.tr("Click to talk") if self._toggle else self.tr("Hold to talk")
        texts = {
            # Offline and muted: the same words, greyed (the status element says why).
            TalkState.OFFLINE: ready,
            TalkState.HANDS_FREE: ready,
            TalkState.IDLE: ready,
            TalkState.LISTENING: self.tr("Listening…")
            + ("  " + self.tr("(click or %1 to send)").replace("%1", key) if self._toggle else ""),
            TalkState.SPEAKING: self.tr("Gemini is speaking — press to interrupt"),
            TalkState.MUTED: ready,
        }
        text = texts[self._state]
        self.setText(text)
        self.setAccessibleName(self.tr("Talk"))
        self.setAccessibleDescription(text)
        live = self._state not in (TalkState.OFFLINE, TalkState.HANDS_FREE)
        if live != self.isEnabled():
            self.setEnabled(live)
        self.setProperty("talkState", self._state.value)
        self.style().unpolish(self)
        self.style().polish(self)
