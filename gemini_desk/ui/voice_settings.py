"""The "Voice processing" rows of the settings dialog: headphones, noise, gain."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QFormLayout, QVBoxLayout, QWidget

from gemini_desk.core.settings import Settings


class VoiceSettings(QWidget):
    """Edits ``headphones``, ``noise_suppression`` and ``auto_gain_control``."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headphones = QCheckBox(self.tr("I use &headphones (turns echo cancellation off)"))
        self.headphones.setObjectName("settingsHeadphones")
        self.headphones.setChecked(settings.headphones)
        self.headphones.setToolTip(
            self.tr(
                "Without headphones the microphone hears the answer from your speakers; "
                "echo cancellation removes it so the model does not interrupt itself."
            )
        )
        self.noise = QCheckBox(self.tr("Reduce background &noise"))
        self.noise.setObjectName("settingsNoiseSuppression")
        self.noise.setChecked(settings.noise_suppression)
        self.gain = QCheckBox(self.tr("Automatic &gain control"))
        self.gain.setObjectName("settingsAutoGain")
        self.gain.setChecked(settings.auto_gain_control)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        for check in (self.headphones, self.noise, self.gain):
            box.addWidget(check)

    def add_rows(self, form: QFormLayout) -> None:
        form.addRow(self.tr("Voice processing:"), self)

    def values(self) -> dict[str, Any]:
        return {
            "headphones": self.headphones.isChecked(),
            "noise_suppression": self.noise.isChecked(),
            "auto_gain_control": self.gain.isChecked(),
        }
