"""Opens the app's dialogs (API key, Settings, History, Audio diagnostics) and acts on
what they return. Each is opened with open() or show(), never exec() inside the loop."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog

from gemini_desk.core.loop_lag import LoopLag
from gemini_desk.core.messages import Message, message
from gemini_desk.core.messages import MessageId as M
from gemini_desk.core.observable import Observable
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.desktop.key_dialog import KeyChecker, check_keys_in
from gemini_desk.platform.keystore import KeyStore
from gemini_desk.session.model_wiring import ModelWiring
from gemini_desk.session.voice_samples import VoiceSamples

if TYPE_CHECKING:
    from gemini_desk.session.conversation import Conversation
    from gemini_desk.ui.main_window import MainWindow
    from gemini_desk.ui.settings_dialog import SettingsDialog
    from gemini_desk.ui.tools_settings import ToolsSource

__all__ = ["DialogsWiring"]

log = logging.getLogger("gemini_desk.app")


class DialogsWiring:
    """Answers the window's requests for dialogs; one dialog per request, freed on close.

    The Settings dialog's result goes to ``settings`` as a whole: whoever observes a
    field that changed acts on it. A key entered or the demo chosen in the key dialog
    goes to ``key_entered`` / ``demo_chosen`` (a key once ``check_key`` says it works).
    ``tools`` feeds the Settings dialog's
    Tools page; its "Open mcp.json" calls ``open_mcp_config``.
    """

    def __init__(
        self,
        window: MainWindow,
        settings: SettingsModel,
        conversation: Conversation,
        model_wiring: ModelWiring,
        voice_samples: VoiceSamples,
        keys: KeyStore,
        conversations_dir: Path,
        loop_lag: LoopLag,
        key_entered: Callable[[str], None],
        demo_chosen: Callable[[], None],
        tools: ToolsSource | None = None,
        open_mcp_config: Callable[[], None] | None = None,
        desktop_keys: Callable[[], dict[str, str]] | None = None,
        history_index: Path | None = None,
        check_key: KeyChecker | None = None,
    ) -> None:
        self._window = window
        self._settings = settings
        self._conv = conversation
        self._model_wiring = model_wiring
        self._voice_samples = voice_samples
        self._keys = keys
        self._conversations_dir = conversations_dir
        self._history_index = history_index  # the search index (None: in memory)
        self._check_key = check_key  # a key entered is checked first (as on the welcome)
        self._loop_lag = loop_lag
        self._key_entered = key_entered
        self._demo_chosen = demo_chosen
        self._tools = tools
        self._open_mcp_config = open_mcp_config
        self._desktop_keys = desktop_keys  # the keys a Wayland desktop bound (talk wiring)
        self._sample_task: asyncio.Task[None] | None = None
        self.diagnostics: QDialog | None = None
        self.diagnostics_open = Observable(False)  # the loop-lag probe runs while it is
        window.apiKeyRequested.connect(self.open_key_dialog)
        window.settingsRequested.connect(self.open_settings)
        window.historyRequested.connect(self.open_history)
        window.diagnosticsRequested.connect(self.open_diagnostics)

    # --- API key and history ------------------------------------------------------------
    def open_key_dialog(self) -> None:
        from gemini_desk.ui.api_key_dialog import ApiKeyDialog

        dialog = ApiKeyDialog(self._window)
        dialog.set_storage_note(self._keys.where())
        if self._check_key is not None:
            check_keys_in(dialog, self._check_key, self._window)
        dialog.keyEntered.connect(self._key_entered)
        dialog.demoChosen.connect(self._demo_chosen)
        _delete_on_close(dialog)
        dialog.open()

    def open_history(self) -> None:
        from gemini_desk.ui.history_dialog import HistoryDialog

        dialog = HistoryDialog(self._conversations_dir, self._window, self._history_index)
        dialog.continueRequested.connect(self._continue_conversation)
        _delete_on_close(dialog)
        dialog.open()

    def _continue_conversation(self, path: Path) -> None:
        """History's "Continue this conversation": the window shows it and the next
        turns are added to it."""
        try:
            self._conv.continue_conversation(path)
        except OSError as exc:
            log.warning("cannot continue a conversation: %r", exc)
            said = QCoreApplication.translate(
                "DialogsWiring", "That conversation could not be opened: %1"
            )
            self._window.show_error(said.replace("%1", exc.strerror or str(exc)))

    # --- audio diagnostics --------------------------------------------------------------
    def open_diagnostics(self) -> None:
        """Non-modal and single: a second request brings the open one forward."""
        if self.diagnostics is not None:
            self.diagnostics.raise_()
            self.diagnostics.activateWindow()
            return
        from gemini_desk.desktop.diagnostics_wiring import build_diagnostics

        dialog = build_diagnostics(self._window, self._conv, self._settings, self._loop_lag)
        _delete_on_close(dialog)
        dialog.destroyed.connect(self._on_diagnostics_destroyed)
        self.diagnostics = dialog
        self.diagnostics_open.set(True)
        dialog.show()

    def _on_diagnostics_destroyed(self) -> None:
        self.diagnostics = None
        self.diagnostics_open.set(False)

    # --- settings -------------------------------------------------------------------------
    def open_settings(self) -> None:
        from gemini_desk.audio.device_choices import device_choices
        from gemini_desk.ui.settings_dialog import SettingsDialog

        # By the sound server's descriptions where there is one (ids stay stable).
        inputs, outputs = device_choices("input"), device_choices("output")
        stored = self._keys.get()
        status = self._keys.where() if stored else message(M.NO_KEY_DEMO)
        catalog = self._model_wiring.catalog
        dialog = SettingsDialog(
            self._settings.current,
            inputs,
            outputs,
            status,
            self._window,
            models=catalog.models,
            models_fetched_at=catalog.fetched_at,
            tools=self._tools,
            desktop_keys=self._desktop_keys() if self._desktop_keys is not None else None,
            data_folder=str(self._conversations_dir),
        )
        if self._open_mcp_config is not None:
            dialog.mcpConfigRequested.connect(self._open_mcp_config)
        dialog.settingsAccepted.connect(self._on_settings_accepted)
        dialog.apiKeyRequested.connect(self.open_key_dialog)
        dialog.refreshModelsRequested.connect(self._on_refresh_models)
        dialog.voiceSampleRequested.connect(
            lambda voice, device: self._play_voice_sample(dialog, voice, device)
        )
        dialog.finished.connect(lambda _result: self._stop_voice_sample())
        _delete_on_close(dialog)
        wiring = self._model_wiring
        wiring.list_view = dialog
        dialog.destroyed.connect(lambda: setattr(wiring, "list_view", None))
        dialog.open()

    def _on_settings_accepted(self, new: Settings) -> None:
        self._settings.replace(new)  # each observer acts on the fields it uses

    def _on_refresh_models(self) -> None:
        endpoint = self._conv.endpoint
        if endpoint is not None:
            self._model_wiring.refresh(endpoint)

    def _play_voice_sample(self, dialog: SettingsDialog, voice: str, device: str) -> None:
        """One short Live turn in ``voice``, played through the speaker chosen in the
        dialog (cached per voice); progress and failures show next to the button."""
        from gemini_desk.live.voice_sample import VoiceSampleError

        endpoint = self._conv.endpoint
        if endpoint is None:
            dialog.set_sample_state(voice, "failed", message(M.NO_KEY_YET))
            return
        settings = dataclasses.replace(dialog.edited_settings(), output_device=device)

        async def play() -> None:
            try:
                await self._voice_samples.play(
                    endpoint, settings, voice, lambda: dialog.set_sample_state(voice, "playing")
                )
            except VoiceSampleError as exc:
                log.info("voice sample failed: %s", exc.error.detail)
                dialog.set_sample_state(voice, "failed", exc.error.message)
            except Exception as exc:  # the speaker would not open
                log.warning("voice sample could not be played: %r", exc)
                said = getattr(exc, "message", None)  # an AudioDeviceError says why
                dialog.set_sample_state(
                    voice, "failed", said if isinstance(said, Message) else str(exc)
                )
            else:
                dialog.set_sample_state(voice, "done")

        if self._sample_task is not None:
            self._sample_task.cancel()
        self._sample_task = asyncio.get_running_loop().create_task(play(), name="voice-sample")

    def _stop_voice_sample(self) -> None:
        """The dialog closed: no more progress to show, and the sample stops."""
        if self._sample_task is not None:
            self._sample_task.cancel()
            self._sample_task = None
        self._voice_samples.stop()

    def close(self) -> None:
        """At shutdown: the diagnostics window goes."""
        if self.diagnostics is not None:
            self.diagnostics.close()


def _delete_on_close(dialog: QDialog) -> None:
    """Dialogs are made per opening; free each once it is closed."""
    dialog.finished.connect(dialog.deleteLater)
