"""Mini mode: an always-on-top compact pill to talk while working in another app.

The status element, live captions of both sides, push-to-talk, the sharing indicator
(hover: exactly what the model last saw) and a button back to the full window. It is
dragged by its background; where it was left is reported with ``moved`` on release.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import QEnterEvent, QMouseEvent, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

from gemini_desk.core.status import Status
from gemini_desk.core.transcript import Role, Turn
from gemini_desk.ui.colours import hex_of
from gemini_desk.ui.level_meter import LevelSource
from gemini_desk.ui.status_orb import StatusPill
from gemini_desk.ui.theme import follow_palette

__all__ = ["MiniWindow"]

CAPTION_CHARS = 90  # the tail of a long line: the newest words


def _style() -> str:
    c = hex_of
    return (
        f"QWidget#miniWindow {{ background: {c('mini.bg')}; border: 1px solid {c('mini.border')};"
        " border-radius: 12px; }"
        f"QLabel {{ color: {c('mini.fg')}; }}"
        f"QLabel#miniSharing {{ color: {c('status.sharing.fg')}; font-weight: bold; }}"
        f"QPushButton, QToolButton {{ color: {c('quiet.fg')}; background: {c('quiet.bg')};"
        f" border: 2px solid {c('quiet.border')}; border-radius: 6px; padding: 3px 10px; }}"
        f"QPushButton:focus, QToolButton:focus {{ border-color: {c('focus')}; }}"
    )


def _tail(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= CAPTION_CHARS else "…" + text[-CAPTION_CHARS:]


class MiniWindow(QWidget):
    """Signals:
    muteClicked(): the pill was clicked.
    talkPressed() / talkReleased(): the talk button went down / up.
    expandRequested(): back to the full window.
    moved(QPoint): the user dropped it here (its top-left, global)."""

    muteClicked = Signal()
    talkPressed = Signal()
    talkReleased = Signal()
    expandRequested = Signal()
    moved = Signal(QPoint)

    def __init__(self, speaker_level: LevelSource, parent: QWidget | None = None) -> None:
        flags = (
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
        )
        super().__init__(parent, flags)
        self.setObjectName("miniWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle(self.tr("Gemini Desk (mini)"))
        follow_palette(self, _style)
        self.pill = StatusPill(speaker_level)
        self.pill.clicked.connect(self.muteClicked)
        self.you = QLabel()
        self.you.setObjectName("miniYou")
        self.gemini = QLabel()
        self.gemini.setObjectName("miniGemini")
        for label in (self.you, self.gemini):
            label.setMinimumWidth(260)
            label.setMaximumWidth(360)
        captions = QVBoxLayout()
        captions.setSpacing(0)
        captions.addWidget(self.you)
        captions.addWidget(self.gemini)
        self.sharing = QLabel(self.tr("● Sharing"))
        self.sharing.setObjectName("miniSharing")
        self.sharing.setToolTip(self.tr("Hover to see what Gemini saw last"))
        self.sharing.hide()
        self.talk_button = QPushButton(self.tr("Hold to talk"))
        self.talk_button.setObjectName("miniTalk")
        self.talk_button.pressed.connect(self.talkPressed)
        self.talk_button.released.connect(self.talkReleased)
        self.talk_button.hide()
        self.expand_button = QToolButton()
        self.expand_button.setObjectName("miniExpand")
        self.expand_button.setText("⤢")
        self.expand_button.setAccessibleName(self.tr("Back to the full window"))
        self.expand_button.setToolTip(self.tr("Back to the full window (Ctrl+Shift+M)"))
        self.expand_button.clicked.connect(self.expandRequested)
        self.preview = QLabel(None, Qt.WindowType.ToolTip)
        self.preview.setObjectName("miniPreview")
        # Exactly what the model last saw: the window's share preview, read on hover.
        self.last_frame: Callable[[], QPixmap] = QPixmap
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 8, 10, 8)
        row.setSpacing(10)
        row.addWidget(self.pill)
        row.addLayout(captions, 1)
        row.addWidget(self.sharing)
        row.addWidget(self.talk_button)
        row.addWidget(self.expand_button)
        self._drag: QPoint | None = None
        self.set_captions("", "")

    # --- what it shows ----------------------------------------------------------------
    def set_status(self, status: Status, muted: bool) -> None:
        self.pill.set_status(status, muted)

    def set_push_to_talk(self, on: bool) -> None:
        self.talk_button.setVisible(on)

    def set_sharing(self, sharing: bool) -> None:
        self.sharing.setVisible(sharing)
        if not sharing:
            self.preview.hide()

    def show_turn(self, turn: Turn) -> None:
        """The newest words of either side, as they come."""
        text = _tail(turn.shown_text)
        if not text:
            return
        if turn.role is Role.USER:
            self._caption(self.you, self.tr("You: %1"), text)
        elif turn.role is Role.MODEL:
            self._caption(self.gemini, self.tr("Gemini: %1"), text)

    def _caption(self, label: QLabel, who: str, text: str) -> None:
        """``who`` with ``text``; cut at the start (the newest words stay) to fit."""
        prefix = who.replace("%1", "")
        room = label.maximumWidth() - label.fontMetrics().horizontalAdvance(prefix) - 4
        tail = label.fontMetrics().elidedText(text, Qt.TextElideMode.ElideLeft, room)
        label.setText(who.replace("%1", tail))
        label.setToolTip(text)

    def set_captions(self, you: str, gemini: str) -> None:
        self.you.setText(self.tr("You: %1").replace("%1", you) if you else "")
        self.gemini.setText(self.tr("Gemini: %1").replace("%1", gemini) if gemini else "")

    # --- hover preview, dragging ------------------------------------------------------
    def enterEvent(self, event: QEnterEvent) -> None:
        frame = self.last_frame()
        if self.sharing.isVisible() and not frame.isNull():
            self.preview.setPixmap(frame)
            self.preview.adjustSize()
            below = self.mapToGlobal(QPoint(0, self.height() + 6))
            self.preview.move(below)
            self.preview.show()
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self.preview.hide()
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag = event.globalPosition().toPoint() - self.frameGeometry().topLeft()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag is not None:
            self.move(event.globalPosition().toPoint() - self._drag)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag is not None:
            self._drag = None
            self.moved.emit(self.pos())
        super().mouseReleaseEvent(event)
