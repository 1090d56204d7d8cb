"""Audio diagnostics' verdict: one plain line each for the microphone, the speaker and
echo cancellation, worded from ``core.diagnosis`` findings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QWidget

from gemini_desk.core.diagnosis import Finding, Severity
from gemini_desk.ui.message_text import message_text

__all__ = ["PARTS", "VerdictPanel"]

PARTS = ("mic", "speaker", "echo")
# A mark before each line, so the verdict reads at a glance without colour.
_MARKS = {Severity.OK: "✓", Severity.INFO: "•", Severity.WARNING: "!", Severity.PROBLEM: "✗"}


class VerdictPanel(QGroupBox):
    """Signals: none. ``show_findings({"mic": f, "speaker": f, "echo": f})`` updates it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("Verdict"), parent)
        self.setObjectName("diagnosticsVerdict")
        names = {
            "mic": self.tr("Microphone"),
            "speaker": self.tr("Speaker"),
            "echo": self.tr("Echo cancellation"),
        }
        self._severity_words = {
            Severity.OK: self.tr("Good"),
            Severity.INFO: self.tr("Note"),
            Severity.WARNING: self.tr("Warning"),
            Severity.PROBLEM: self.tr("Problem"),
        }
        grid = QGridLayout(self)
        grid.setColumnStretch(2, 1)
        self.marks: dict[str, QLabel] = {}
        self.texts: dict[str, QLabel] = {}
        self.findings: dict[str, Finding] = {}
        for row, part in enumerate(PARTS):
            mark = QLabel()
            mark.setObjectName(f"{part}Mark")
            mark.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            font = mark.font()
            font.setBold(True)
            mark.setFont(font)
            name = QLabel(names[part])
            name.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            name.setFont(font)
            text = QLabel()
            text.setObjectName(f"{part}Verdict")
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(mark, row, 0)
            grid.addWidget(name, row, 1)
            grid.addWidget(text, row, 2)
            self.marks[part] = mark
            self.texts[part] = text

    def show_findings(self, findings: dict[str, Finding]) -> bool:
        """Show ``findings``; True if any line changed."""
        changed = False
        for part, finding in findings.items():
            if self.findings.get(part) == finding:
                continue  # unchanged: no relayout, no screen reader chatter
            changed = True
            self.findings[part] = finding
            words = message_text(finding.message)
            self.marks[part].setText(_MARKS[finding.severity])
            self.marks[part].setAccessibleName(self._severity_words[finding.severity])
            self.texts[part].setText(words)
            self.texts[part].setAccessibleName(words)
        return changed

    def as_text(self) -> str:
        """The verdict as plain lines (for "Copy figures")."""
        return "\n".join(
            f"{self.marks[p].text()} {self.texts[p].text()}" for p in PARTS if p in self.findings
        )
