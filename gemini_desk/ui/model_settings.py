"""The "Model" and "Thinking" rows of the settings dialog."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from gemini_desk.core.models import ModelInfo, capabilities, normalise_id
from gemini_desk.core.settings import Settings


class ModelSettings(QWidget):
    """Picks the model from the list the service gave (free text still works) and,
    for models that take one, the thinking level.

    Signals:
        refreshRequested(): the user asked to list the models again.
    """

    refreshRequested = Signal()

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model_combo = QComboBox()
        self.model_combo.setObjectName("modelCombo")
        self.model_combo.setEditable(True)
        self.model_combo.setAccessibleName(self.tr("Model"))
        self.model_combo.setToolTip(self.tr("Pick a model, or type a model id."))
        self.refresh_button = QPushButton(self.tr("&Refresh"))
        self.refresh_button.setObjectName("refreshModels")
        self.refresh_button.setAccessibleName(self.tr("Refresh the model list"))
        self.refresh_button.setToolTip(self.tr("Ask the service which models you can use."))
        self.refresh_button.clicked.connect(self._on_refresh_clicked)
        self.source_label = QLabel()
        self.source_label.setObjectName("modelSource")
        self.source_label.setWordWrap(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.model_combo, 1)
        row.addWidget(self.refresh_button)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addLayout(row)
        box.addWidget(self.source_label)

        self.thinking_combo = QComboBox()
        self.thinking_combo.setObjectName("thinkingCombo")
        self.thinking_combo.setAccessibleName(self.tr("Thinking"))
        self.thinking_combo.setToolTip(
            self.tr("More thinking gives better answers to hard questions, and slower ones.")
        )
        for label, value in (
            (self.tr("Off"), ""),
            (self.tr("Low"), "low"),
            (self.tr("Medium"), "medium"),
            (self.tr("High"), "high"),
        ):
            self.thinking_combo.addItem(label, value)
        level = self.thinking_combo.findData(settings.thinking_level)
        self.thinking_combo.setCurrentIndex(max(0, level))
        self._form: QFormLayout | None = None
        self._models: tuple[ModelInfo, ...] = ()
        self.set_models((), None)
        self.model_combo.setCurrentText(settings.model)
        self._select(settings.model)
        self.model_combo.currentTextChanged.connect(self._update_thinking)

    def add_rows(self, form: QFormLayout) -> None:
        form.addRow(self.tr("&Model:"), self)
        form.addRow(self.tr("Thinking &depth:"), self.thinking_combo)
        self._form = form
        self._update_thinking()

    def set_models(
        self,
        models: Sequence[ModelInfo],
        fetched_at: float | None,
        failed: bool = False,
    ) -> None:
        """Offer ``models`` (newest first), keeping what is typed or chosen now.

        ``fetched_at`` is when the service listed them (None: the built-in list);
        ``failed`` says the last attempt to list them did not get an answer.
        """
        current = self.model_id()
        self._models = tuple(models)
        blocked = self.model_combo.blockSignals(True)
        self.model_combo.clear()
        for info in self._models:
            self.model_combo.addItem(info.label, info.id)
            self.model_combo.setItemData(
                self.model_combo.count() - 1, info.id, Qt.ItemDataRole.ToolTipRole
            )
        self.model_combo.blockSignals(blocked)
        if current:
            self._select(current)
        self.refresh_button.setEnabled(True)
        if fetched_at is not None:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(fetched_at))
            text = self.tr("Models your key can use, as listed on %1.").replace("%1", when)
        else:
            text = self.tr("Built-in list: the service has not been asked yet.")
        if failed:
            text += " " + self.tr("The last refresh failed; this list may be out of date.")
        self.source_label.setText(text)
        self._update_thinking()

    def set_refreshing(self) -> None:
        """The listing is under way."""
        self.refresh_button.setEnabled(False)
        self.source_label.setText(self.tr("Asking the service for its models…"))

    def model_id(self) -> str:
        """The chosen model's id, or the text typed in."""
        text = self.model_combo.currentText().strip()
        index = self.model_combo.currentIndex()
        if index >= 0 and self.model_combo.itemText(index) == self.model_combo.currentText():
            return str(self.model_combo.itemData(index))
        return normalise_id(text)

    def values(self) -> dict[str, Any]:
        model = self.model_id()
        thinking = str(self.thinking_combo.currentData())
        if thinking not in capabilities(model).thinking_levels:
            thinking = ""  # hidden for this model: keep nothing the model would refuse
        return {"model": model, "thinking_level": thinking}

    # --- internals ----------------------------------------------------------------
    def _select(self, model: str) -> None:
        index = self.model_combo.findData(normalise_id(model))
        if index >= 0:
            self.model_combo.setCurrentIndex(index)
        else:
            self.model_combo.setCurrentIndex(-1)
            self.model_combo.setEditText(model)

    def _update_thinking(self, *_: object) -> None:
        """The Thinking row applies only to models that accept a thinking level; for the
        others it is disabled and says why."""
        allowed = bool(capabilities(self.model_id()).thinking_levels)
        self.thinking_combo.setEnabled(allowed)
        self.thinking_combo.setToolTip(
            self.tr("More thinking gives better answers to hard questions, and slower ones.")
            if allowed
            else self.tr("This model does not take a thinking level.")
        )

    def _on_refresh_clicked(self) -> None:
        self.set_refreshing()
        self.refreshRequested.emit()
