"""An inline, non-modal error banner with an optional action button."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from gemini_desk.ui.theme import follow_palette, pick


class ErrorBanner(QFrame):
    """Says what went wrong in plain words, next to what to do about it.

    Signals:
        actionTriggered(str): the action button was clicked; carries the action id
            given to :meth:`show_message` (e.g. ``"api_key"``).
        dismissed(): the user closed the banner.
    """

    actionTriggered = Signal(str)
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self._action: str | None = None
        self._label = QLabel(self)
        self._label.setObjectName("errorText")
        self._label.setTextFormat(Qt.TextFormat.PlainText)
        self._label.setWordWrap(True)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._action_button = QPushButton(self)
        self._action_button.setObjectName("errorAction")
        self._action_button.clicked.connect(self._on_action_clicked)
        self._close_button = QPushButton(self.tr("Dismiss"), self)
        self._close_button.setObjectName("errorDismiss")
        self._close_button.setAccessibleName(self.tr("Dismiss error"))
        self._close_button.clicked.connect(self._on_dismiss_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        layout.setSpacing(8)
        layout.addWidget(self._label, 1)
        layout.addWidget(self._action_button)
        layout.addWidget(self._close_button)
        # Foreground and background are chosen together (a light and a dark pair), so
        # the contrast holds whatever the system palette is.
        follow_palette(
            self,
            lambda: (
                f"#errorBanner {{ background: {pick('#fdecea', '#3a1d1b')};"
                f" border: 1px solid {pick('#e0a8a3', '#7f3a33')}; border-radius: 6px; }}"
                f"#errorText {{ color: {pick('#5f1a14', '#f8d7d3')}; }}"
            ),
        )
        self.setAccessibleName(self.tr("Error"))
        self.hide()

    @property
    def message(self) -> str:
        return self._label.text()

    @property
    def action_button(self) -> QPushButton:
        return self._action_button

    @property
    def dismiss_button(self) -> QPushButton:
        return self._close_button

    def show_message(self, message: str, action_label: str = "", action: str | None = None) -> None:
        """Show ``message``; with ``action`` set, also a button labelled ``action_label``."""
        self._action = action
        self._label.setText(message)
        self.setAccessibleDescription(message)
        self._action_button.setText(action_label)
        self._action_button.setVisible(action is not None)
        self.show()

    def clear(self) -> None:
        self._action = None
        self._label.clear()
        self.hide()

    def _on_action_clicked(self) -> None:
        if self._action is not None:
            self.actionTriggered.emit(self._action)

    def _on_dismiss_clicked(self) -> None:
        self.clear()
        self.dismissed.emit()
