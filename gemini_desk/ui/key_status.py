"""The answer of a key check, where the key was typed (the welcome, File > API key):
"Checking your key…", or why the key was not accepted, in the notice styles."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QWidget

from gemini_desk.core.messages import Message
from gemini_desk.ui.message_text import message_text
from gemini_desk.ui.notices import Severity, notice_colours, severity_name
from gemini_desk.ui.theme import follow_palette

__all__ = ["KeyStatus"]

translate = QCoreApplication.translate


class KeyStatus(QLabel):
    """Hidden until a key is checked; then its state, styled as information or error
    (screen readers hear which)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("keyStatus")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setMargin(6)  # not in the style sheet: a wrapped label keeps its height
        self.setProperty("severity", Severity.INFO.value)
        follow_palette(self, _style)
        self.hide()

    def checking(self) -> None:
        self.say(translate("WelcomeView", "Checking your key…"), Severity.INFO)

    def problem(self, problem: Message) -> None:
        """The key was not accepted (or could not be checked): the service's reason."""
        self.say(message_text(problem), Severity.ERROR)

    def say(self, text: str, severity: Severity) -> None:
        self.setText(text)
        self.setAccessibleName(severity_name(severity))
        self.setAccessibleDescription(text)
        self.setProperty("severity", severity.value)
        self.style().unpolish(self)
        self.style().polish(self)
        self.show()


def _style() -> str:
    out = []
    for severity in (Severity.INFO, Severity.ERROR):
        bg, border, text = notice_colours(severity)
        out.append(
            f'QLabel#keyStatus[severity="{severity.value}"] {{ background: {bg};'
            f" border: 1px solid {border}; border-radius: 6px; color: {text}; }}"
        )
    return "".join(out)
