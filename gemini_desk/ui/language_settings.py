"""The "Language" row of the settings dialog: follow the system, or a shipped language."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QWidget

from gemini_desk.core.settings import Settings
from gemini_desk.ui.i18n import LANGUAGES


class LanguageSettings(QComboBox):
    """Edits ``language`` ("" follows the system). The change applies at the next start."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("languageCombo")
        self.addItem(self.tr("System language"), "")
        for code, name in LANGUAGES.items():
            self.addItem(name, code)  # each language in its own words
        self.setCurrentIndex(max(0, self.findData(settings.language)))
        self.setAccessibleName(self.tr("Language"))
        self.setToolTip(self.tr("The new language is used when Gemini Desk next starts."))

    def add_rows(self, form: QFormLayout) -> None:
        form.addRow(self.tr("&Language:"), self)

    def values(self) -> dict[str, Any]:
        return {"language": str(self.currentData())}
