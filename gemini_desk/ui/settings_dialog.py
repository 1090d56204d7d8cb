"""Settings dialog, in pages: General (language, API key), Voice & model (model,
thinking, voice with a sample, spoken language, instruction), Audio (devices, voice
processing), Talk & keys, Privacy (what is sent and kept), and Tools (Google Search,
tool policies, MCP servers)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from gemini_desk.core.messages import Message
from gemini_desk.core.models import FALLBACK_MODELS, ModelInfo
from gemini_desk.core.settings import Settings
from gemini_desk.ui.buttons import plain_buttons
from gemini_desk.ui.focus import chain, form_fields
from gemini_desk.ui.instruction import edited_instruction, localised
from gemini_desk.ui.language_settings import LanguageSettings
from gemini_desk.ui.message_text import message_text
from gemini_desk.ui.model_settings import ModelSettings
from gemini_desk.ui.talk_settings import TalkSettings
from gemini_desk.ui.tools_settings import ToolsSettings, ToolsSource
from gemini_desk.ui.voice_picker import VoicePicker
from gemini_desk.ui.voice_settings import VoiceSettings

# How a sound server's device is stored (audio/server_devices.PREFIX; not imported:
# that would load libpulse and numpy with the dialog).
SERVER_PREFIX = "pulse:"
_NAME_ROLE = Qt.ItemDataRole.UserRole + 1  # a device item's name, without "(not connected)"


class SettingsDialog(QDialog):
    """Edits a copy of the settings; the caller's object is never changed.

    Signals:
        settingsAccepted(object): OK was clicked; carries a new :class:`Settings`, the
            input with the edited fields replaced (and ``validated()``).
        apiKeyRequested(): "Change API key…" was clicked.
        refreshModelsRequested(): the user asked to list the models again; answer
            with :meth:`set_models`.
        voiceSampleRequested(str, str): play a sample of a voice (voice, speaker as
            chosen in the dialog); report progress with :meth:`set_sample_state`.
        mcpConfigRequested(): "Open mcp.json" was clicked on the Tools page.

    ``inputs`` / ``outputs``: the devices offered, each ``(id, label)`` (the id is
    stored; the label is the name people know, e.g. the sound server's description) or
    a name that is both. ``data_folder``: where conversations are kept (the Privacy
    page says so).
    ``tools`` feeds the Tools page (the tools on offer, the MCP servers and their
    states); without it the page offers Google Search only. ``desktop_keys``: the keys a
    Wayland desktop bound through its shortcuts portal, shown with the talk keys.

    Show it with ``open()`` (never ``exec()`` from a coroutine).
    """

    settingsAccepted = Signal(object)
    apiKeyRequested = Signal()
    refreshModelsRequested = Signal()
    voiceSampleRequested = Signal(str, str)
    mcpConfigRequested = Signal()

    def __init__(
        self,
        settings: Settings,
        inputs: Sequence[str | tuple[str, str]],
        outputs: Sequence[str | tuple[str, str]],
        key_status: Message,
        parent: QWidget | None = None,
        models: tuple[ModelInfo, ...] = FALLBACK_MODELS,
        models_fetched_at: float | None = None,
        tools: ToolsSource | None = None,
        desktop_keys: dict[str, str] | None = None,
        data_folder: str = "",
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self.setWindowTitle(self.tr("Settings"))
        self.setObjectName("settingsDialog")

        self.models = ModelSettings(settings, self)  # model list, refresh, thinking
        self.models.set_models(models, models_fetched_at)
        self.models.refreshRequested.connect(self.refreshModelsRequested)
        self.model_combo = self.models.model_combo
        self.voices = VoicePicker(settings, self)  # voice, sample, spoken language
        self.voices.sampleRequested.connect(self._on_sample_requested)
        self.voice_combo = self.voices.voice_combo

        # The default in the UI's language, or the user's own as typed.
        self.instruction_edit = QPlainTextEdit(localised(settings).system_instruction)
        self.instruction_edit.setObjectName("instructionEdit")
        self.instruction_edit.setTabChangesFocus(True)  # Tab must leave it (keyboard users)
        self.instruction_edit.setAccessibleName(self.tr("System instruction"))
        self.instruction_edit.setMinimumHeight(90)

        self.input_combo = self._device_combo(inputs, settings.input_device, settings.device_names)
        self.input_combo.setObjectName("inputCombo")
        self.input_combo.setAccessibleName(self.tr("Microphone"))
        self.output_combo = self._device_combo(
            outputs, settings.output_device, settings.device_names
        )
        self.output_combo.setObjectName("outputCombo")
        self.output_combo.setAccessibleName(self.tr("Speaker"))

        self.key_status_label = QLabel(message_text(key_status))
        self.key_status_label.setObjectName("keyStatus")
        self.key_status_label.setWordWrap(True)
        self.change_key_button = QPushButton(self.tr("&Change API key…"))
        self.change_key_button.setObjectName("changeKey")
        self.change_key_button.clicked.connect(self.apiKeyRequested)
        key_row = QHBoxLayout()
        key_row.addWidget(self.key_status_label, 1)
        key_row.addWidget(self.change_key_button)

        self.talk = TalkSettings(settings, self, desktop_keys)  # mode, hold/toggle, keys
        self.voice = VoiceSettings(settings, self)  # headphones, noise, gain
        self.language = LanguageSettings(settings, self)  # "" follows the system
        self.privacy_label = QLabel(self._privacy_text(data_folder))
        self.privacy_label.setObjectName("privacyNote")
        self.privacy_label.setWordWrap(True)
        self.privacy_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        general, general_form = self._page("generalPage")
        self.language.add_rows(general_form)
        general_form.addRow(self.tr("API key:"), key_row)
        voice_page, voice_form = self._page("voicePage")
        self.models.add_rows(voice_form)
        self.voices.add_rows(voice_form)
        voice_form.addRow(self.tr("System &instruction:"), self.instruction_edit)
        audio, audio_form = self._page("audioPage")
        audio_form.addRow(self.tr("Micro&phone:"), self.input_combo)
        audio_form.addRow(self.tr("Sp&eaker:"), self.output_combo)
        self.voice.add_rows(audio_form)
        talk, talk_form = self._page("talkPage")
        self.talk.add_rows(talk_form)
        privacy, privacy_form = self._page("privacyPage")
        privacy_form.addRow(self.privacy_label)
        self.forms = [general_form, voice_form, audio_form, talk_form]

        self.buttons = plain_buttons(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self._on_accepted)
        self.buttons.rejected.connect(self.reject)

        self.tools = ToolsSettings(settings, tools, self)  # Google Search, policies, MCP
        self.tools.mcpConfigRequested.connect(self.mcpConfigRequested)
        self.finished.connect(lambda _result: self.tools.detach())
        self.tabs = QTabWidget()
        self.tabs.setObjectName("settingsTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(general, self.tr("Gener&al"))
        self.tabs.addTab(voice_page, self.tr("&Voice && model"))
        self.tabs.addTab(audio, self.tr("A&udio"))
        self.tabs.addTab(talk, self.tr("Talk && &keys"))
        self.tabs.addTab(privacy, self.tr("Privac&y"))
        self.tabs.addTab(self.tools, self.tr("T&ools"))
        self.tabs.tabBar().setAccessibleName(self.tr("Settings pages"))

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(600)
        # Tab goes from the page tabs down the page in reading order, then OK and
        # Cancel (the hidden pages' fields are skipped); it opens on Model.
        chain(
            [
                self.tabs.tabBar(),
                *[w for form in self.forms for w in form_fields(form)],
                *self.tools.focus_order(),
                *self.buttons.buttons(),
            ]
        )
        self.tabs.setCurrentWidget(voice_page)
        self.model_combo.setFocus()

    def _page(self, name: str) -> tuple[QWidget, QFormLayout]:
        page = QWidget()
        page.setObjectName(name)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        box = QVBoxLayout(page)
        box.addLayout(form)
        box.addStretch(1)
        return page, form

    def _privacy_text(self, data_folder: str) -> str:
        lines = [
            self.tr(
                "Nothing is recorded or sent before you connect. While connected, Gemini "
                "gets what your microphone hears (not while muted), what you type, and "
                "your screen or camera only while you share it."
            ),
            self.tr(
                "Conversations are kept on this computer only, readable by you alone. "
                "Delete them in History."
            ),
        ]
        if data_folder:
            lines.append(self.tr("They are in %1").replace("%1", data_folder))
        return "\n\n".join(lines)

    def set_key_status(self, status: Message) -> None:
        """Update the API key line, e.g. after the key was changed."""
        self.key_status_label.setText(message_text(status))

    def set_models(
        self, models: tuple[ModelInfo, ...], fetched_at: float | None, failed: bool = False
    ) -> None:
        """Offer a freshly listed set of models (see ModelSettings.set_models)."""
        self.models.set_models(models, fetched_at, failed)

    def set_sample_state(self, voice: str, state: str, message: Message | str = "") -> None:
        """Progress of a voice sample: fetching, playing, done or failed (and why)."""
        self.voices.set_sample_state(voice, state, message_text(message))

    def edited_settings(self) -> Settings:
        """A new Settings: the input with this dialog's fields replaced."""
        return dataclasses.replace(
            self._settings,
            **self.models.values(),
            **self.voices.values(),
            **edited_instruction(self.instruction_edit.toPlainText()),
            input_device=str(self.input_combo.currentData()),
            output_device=str(self.output_combo.currentData()),
            device_names=self._device_names(),
            **self.talk.values(),
            **self.voice.values(),
            **self.language.values(),
            **self.tools.values(),
        ).validated()

    def _device_names(self) -> dict[str, str]:
        """What the chosen devices are called (kept for when one is unplugged)."""
        names = {}
        for combo in (self.input_combo, self.output_combo):
            ident, name = combo.currentData(), combo.currentData(_NAME_ROLE)
            if ident and name and name != ident:
                names[str(ident)] = str(name)
        return names

    # --- slots --------------------------------------------------------------------
    def _on_sample_requested(self, voice: str) -> None:
        self.voiceSampleRequested.emit(voice, str(self.output_combo.currentData()))

    def _on_accepted(self) -> None:
        self.settingsAccepted.emit(self.edited_settings())
        self.accept()

    # --- internals ----------------------------------------------------------------
    def _device_combo(
        self, devices: Sequence[str | tuple[str, str]], current: str, names: dict[str, str]
    ) -> QComboBox:
        combo = QComboBox()
        combo.addItem(self.tr("System default"), "")
        ids = []
        for device in devices:
            ident, label = device if isinstance(device, tuple) else (device, device)
            combo.addItem(label, ident)
            combo.setItemData(combo.count() - 1, label, _NAME_ROLE)
            ids.append(ident)
        if current and current not in ids:
            # Keep a saved device that is unplugged right now instead of losing it,
            # under the name it had when it was chosen.
            shown = names.get(current) or current.removeprefix(SERVER_PREFIX)
            combo.addItem(self.tr("%1 (not connected)").replace("%1", shown), current)
            combo.setItemData(combo.count() - 1, names.get(current, ""), _NAME_ROLE)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        return combo
