"""The composition root: builds the app in order, runs it, takes it down in reverse."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
import os
from typing import TYPE_CHECKING, Any

from gemini_desk.core.events import SessionState
from gemini_desk.core.loop_lag import LoopLag
from gemini_desk.core.model_store import ModelStore
from gemini_desk.core.settings import Settings, SettingsStore
from gemini_desk.live.config import Endpoint
from gemini_desk.live.models import ModelCatalog
from gemini_desk.platform.keystore import KeyStore
from gemini_desk.platform.logs import REDACTOR
from gemini_desk.platform.loop_probe import probe_loop
from gemini_desk.platform.paths import AppPaths
from gemini_desk.session.model_wiring import ModelWiring

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog

    from gemini_desk.desktop.sharing import ScreenSharing
    from gemini_desk.desktop.talk_wiring import TalkWiring
    from gemini_desk.desktop.tray_wiring import DesktopWiring
    from gemini_desk.session.conversation import Conversation
    from gemini_desk.session.voice_samples import VoiceSamples
    from gemini_desk.sim import SimThread
    from gemini_desk.ui.main_window import MainWindow
    from gemini_desk.ui.settings_dialog import SettingsDialog

log = logging.getLogger("gemini_desk.app")

DEMO_KEY = "demo-key"


class Desk:
    """Builds the app in order, runs it, and takes it down in reverse order."""

    def __init__(self, args: argparse.Namespace, paths: AppPaths) -> None:
        self.args = args
        self.paths = paths
        self.store = SettingsStore(paths.settings_file)
        self.settings: Settings = self.store.load()
        if args.model:
            self.settings.model = args.model
        if args.mic is not None:
            self.settings.input_device = args.mic
        if args.speaker is not None:
            self.settings.output_device = args.speaker
        self.settings = self.settings.validated()
        self.keys = KeyStore()
        self.model_wiring: ModelWiring  # made in _build
        self.voice_samples: VoiceSamples  # made in _build
        self._sample_task: asyncio.Task[None] | None = None
        self.sim: SimThread | None = None
        self.window: MainWindow | None = None
        self.conversation: Conversation | None = None
        self.talk_wiring: TalkWiring | None = None  # hotkeys, talk button, --ptt socket
        self.sharing: ScreenSharing  # made in _build
        self._quit = asyncio.Event()
        # Event-loop lag, measured while the app runs (shown in Audio diagnostics).
        self.loop_lag = LoopLag()
        self._loop_probe: asyncio.Task[None] | None = None
        self._diagnostics: QDialog | None = None
        self.desktop: DesktopWiring | None = None  # tray, close-to-tray, Help menu items

    # --- endpoint -----------------------------------------------------------------
    def _choose_endpoint(self) -> Endpoint | None:
        """--demo, else a key (env or keyring) for --base-url / Google, else None."""
        if self.args.demo:
            return self._demo_endpoint()
        stored = self.keys.get()
        base_url = self.args.base_url or os.environ.get("GOOGLE_GEMINI_BASE_URL") or None
        if stored is None:
            return None
        REDACTOR.add_secret(stored.key)
        return Endpoint(api_key=stored.key, base_url=base_url)

    def _demo_endpoint(self) -> Endpoint:
        from gemini_desk.sim import SimThread

        if self.sim is None:
            self.sim = SimThread()
            self.sim.start()
            log.info("demo mode: local Live server at %s", self.sim.base_url)
        return Endpoint(
            api_key=DEMO_KEY, base_url=self.sim.base_url, ca_file=self.sim.ca_file, demo=True
        )

    def _apply_endpoint(self, endpoint: Endpoint) -> None:
        assert self.conversation is not None and self.window is not None
        self.conversation.endpoint = endpoint
        self.window.set_demo_mode(endpoint.demo)
        self.model_wiring.use_endpoint(endpoint)  # cached list now, then a fresh one

    def _connect(self) -> None:
        """Connect once a model listing under way has answered (a retired stored model
        is replaced before the first attempt)."""
        assert self.conversation is not None
        self.model_wiring.connect_when_listed(self.conversation.connect)

    def _replace_settings(self, new: Settings) -> None:
        self.settings = new
        if self.conversation is not None:
            self.conversation.settings = new
        self.store.save(new)

    def _on_use_default_model(self) -> None:
        assert self.conversation is not None
        self.model_wiring.use_default()
        if self.conversation.state is SessionState.DISCONNECTED:
            self._connect()

    # --- build --------------------------------------------------------------------
    def _build(self) -> None:
        from gemini_desk.audio.capture import MicCapture
        from gemini_desk.audio.echo import make_processor
        from gemini_desk.audio.playback import SpeakerPlayback
        from gemini_desk.session.conversation import Conversation
        from gemini_desk.ui.main_window import MainWindow

        loop = asyncio.get_running_loop()
        levels = _LevelTaps()
        self.window = window = MainWindow(levels.mic, levels.speaker)

        def make_mic(on_chunk):  # type: ignore[no-untyped-def]
            mic = MicCapture(
                loop,
                on_chunk,
                device=self.settings.input_device or None,
                on_lost=lambda msg: self.conversation and self.conversation.on_audio_lost(msg),
            )
            levels.mic_meter = mic.level
            # Echo cancellation against what the speaker plays (issue 8).
            mic.processor = make_processor(self.settings, lambda: conv.speaker)
            return mic

        def make_speaker():  # type: ignore[no-untyped-def]
            speaker = SpeakerPlayback(
                device=self.settings.output_device or None,
                loop=loop,
                on_lost=lambda msg: self.conversation and self.conversation.on_audio_lost(msg),
            )
            levels.speaker_meter = speaker.level
            return speaker

        self.conversation = conv = Conversation(
            window, self.settings, self.paths.conversations_dir, make_mic, make_speaker
        )
        # Live models as the service lists them (cached), else the built-in list.
        catalog = ModelCatalog(ModelStore(self.paths.data_dir / "models.json"))
        self.model_wiring = ModelWiring(
            catalog, window, lambda: self.settings, self._replace_settings, bool(self.args.model)
        )
        self.model_wiring.show_model()
        from gemini_desk.session.voice_samples import VoiceSamples

        def sample_speaker(device: str) -> SpeakerPlayback:
            return SpeakerPlayback(
                device=device or None,
                loop=loop,
                on_lost=lambda msg: log.warning("sample speaker: %s", msg),
            )

        self.voice_samples = VoiceSamples(
            self.paths.data_dir / "voice-samples", make_speaker=sample_speaker
        )  # fmt: skip
        window.connectRequested.connect(self._connect)
        window.useDefaultModelRequested.connect(self._on_use_default_model)
        window.disconnectRequested.connect(lambda: loop.create_task(conv.disconnect()))
        window.textSubmitted.connect(conv.send_text)
        window.muteToggled.connect(conv.set_muted)
        window.quitRequested.connect(self._quit.set)
        window.apiKeyRequested.connect(self._open_key_dialog)
        window.settingsRequested.connect(self._open_settings)
        window.historyRequested.connect(self._open_history)
        window.diagnosticsRequested.connect(self._open_diagnostics)
        from gemini_desk.desktop.talk_wiring import TalkWiring

        self.talk_wiring = TalkWiring(
            window, conv, self.paths, lambda: self.settings, self._save_talk_settings
        )
        from gemini_desk.desktop.sharing import ScreenSharing

        self.sharing = ScreenSharing(
            window, window, lambda: self.settings, lambda: self.store.save(self.settings),
            conv.send_video, conv.video_ready,
        )  # fmt: skip
        conv.on_disconnected.append(self.sharing.stop)
        self._build_desktop()
        window.set_session_state(SessionState.DISCONNECTED)
        if self.settings.window_geometry:
            from PySide6.QtCore import QByteArray

            window.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode()))

    def _build_desktop(self) -> None:
        """The tray icon, closing to the tray, Help > Keyboard shortcuts / Open log folder."""
        from gemini_desk.desktop.talk_wiring import MUTE, TALK, bindings
        from gemini_desk.desktop.tray_wiring import DesktopWiring

        assert self.window is not None and self.conversation is not None
        conv = self.conversation

        def remember_notice() -> None:
            self.settings.tray_notice_shown = True
            self.store.save(self.settings)

        def global_keys() -> tuple[str, str]:
            keys = bindings(self.settings)
            return keys[TALK].label(), keys[MUTE].label()

        self.desktop = DesktopWiring(
            self.window, conv.talk.display, lambda: self.sharing.sharing, self.paths.log_dir,
            lambda: self.settings.tray_notice_shown, remember_notice, global_keys,
        )  # fmt: skip
        if self.talk_wiring is not None:  # later launches: --connect, --share-region
            from gemini_desk.desktop.tray_wiring import bring_forward
            from gemini_desk.platform.single_instance import register_commands

            window = self.window
            register_commands(self.talk_wiring.server, lambda: conv.state, self._connect,
                              self.sharing.share_region, lambda: bring_forward(window))  # fmt: skip

    # --- dialogs (opened with open(): never exec() inside the loop) -------------------
    def _open_key_dialog(self) -> None:
        from gemini_desk.ui.api_key_dialog import ApiKeyDialog

        dialog = ApiKeyDialog(self.window)
        dialog.set_storage_note(self.keys.where())
        dialog.keyEntered.connect(self._on_key_entered)
        dialog.demoChosen.connect(self._on_demo_chosen)
        _delete_on_close(dialog)
        dialog.open()

    def _on_key_entered(self, key: str) -> None:
        REDACTOR.add_secret(key)
        where = self.keys.set(key)
        log.info("API key saved (%s)", where)
        self.settings.demo_chosen = False
        self.store.save(self.settings)
        self._switch_endpoint(Endpoint(api_key=key, base_url=self.args.base_url or None))

    def _on_demo_chosen(self) -> None:
        self.settings.demo_chosen = True
        self.store.save(self.settings)
        self._switch_endpoint(self._demo_endpoint())

    def _switch_endpoint(self, endpoint: Endpoint) -> None:
        assert self.conversation is not None
        conv = self.conversation

        async def switch() -> None:
            was_connected = conv.state is not SessionState.DISCONNECTED
            await conv.disconnect()
            self._apply_endpoint(endpoint)
            if was_connected:
                conv.connect()

        asyncio.get_running_loop().create_task(switch())

    def _open_history(self) -> None:
        from gemini_desk.ui.history_dialog import HistoryDialog

        dialog = HistoryDialog(self.paths.conversations_dir, self.window)
        _delete_on_close(dialog)
        dialog.open()

    def _open_diagnostics(self) -> None:
        """Non-modal and single: a second request brings the open one forward."""
        if self._diagnostics is not None:
            self._diagnostics.raise_()
            self._diagnostics.activateWindow()
            return
        from gemini_desk.ui.diagnostics_dialog import DiagnosticsDialog

        conv = self.conversation

        def stats(stream: object | None) -> dict[str, Any] | None:
            read = getattr(stream, "stats", None)
            return read() if callable(read) else None

        dialog = DiagnosticsDialog(
            lambda: stats(conv and conv.mic), lambda: stats(conv and conv.speaker),
            self.loop_lag.summary, self.window,
        )  # fmt: skip
        _delete_on_close(dialog)
        dialog.destroyed.connect(lambda: setattr(self, "_diagnostics", None))
        self._diagnostics = dialog
        dialog.show()

    def _open_settings(self) -> None:
        from gemini_desk.audio.devices import list_input_devices, list_output_devices
        from gemini_desk.ui.settings_dialog import SettingsDialog

        try:
            inputs = [d.name for d in list_input_devices()]
            outputs = [d.name for d in list_output_devices()]
        except Exception as exc:  # no PortAudio at all: settings still open
            log.warning("device list unavailable: %r", exc)
            inputs, outputs = [], []
        stored = self.keys.get()
        status = self.keys.where() if stored else "No API key set (demo mode)."
        dialog = SettingsDialog(
            self.settings, inputs, outputs, status, self.window,
            models=self.model_wiring.catalog.models,
            models_fetched_at=self.model_wiring.catalog.fetched_at,
        )  # fmt: skip
        dialog.settingsAccepted.connect(self._on_settings_accepted)
        dialog.apiKeyRequested.connect(self._open_key_dialog)
        dialog.refreshModelsRequested.connect(self._on_refresh_models)
        dialog.voiceSampleRequested.connect(
            lambda voice, device: self._play_voice_sample(dialog, voice, device)
        )
        dialog.finished.connect(lambda _result: self._stop_voice_sample())
        _delete_on_close(dialog)
        wiring = self.model_wiring
        wiring.list_view = dialog
        dialog.destroyed.connect(lambda: setattr(wiring, "list_view", None))
        dialog.open()

    def _play_voice_sample(self, dialog: SettingsDialog, voice: str, device: str) -> None:
        """One short Live turn in ``voice``, played through the speaker chosen in the
        dialog (cached per voice); progress and failures show next to the button."""
        from gemini_desk.live.voice_sample import VoiceSampleError

        endpoint = self.conversation.endpoint if self.conversation is not None else None
        if endpoint is None:
            dialog.set_sample_state(voice, "failed", "No API key yet: enter one, or try the demo.")
            return
        settings = dataclasses.replace(dialog.edited_settings(), output_device=device)

        async def play() -> None:
            try:
                await self.voice_samples.play(
                    endpoint, settings, voice, lambda: dialog.set_sample_state(voice, "playing")
                )
            except VoiceSampleError as exc:
                log.info("voice sample failed: %s", exc.error.detail)
                dialog.set_sample_state(voice, "failed", exc.error.message)
            except Exception as exc:  # the speaker would not open
                log.warning("voice sample could not be played: %r", exc)
                dialog.set_sample_state(voice, "failed", str(exc))
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
        self.voice_samples.stop()

    def _on_refresh_models(self) -> None:
        assert self.conversation is not None
        endpoint = self.conversation.endpoint
        if endpoint is not None:
            self.model_wiring.refresh(endpoint)

    def _on_settings_accepted(self, new: Settings) -> None:
        assert self.conversation is not None and self.window is not None
        old = self.settings
        new = new.validated()
        devices_changed = (new.input_device, new.output_device) != (
            old.input_device,
            old.output_device,
        )
        session_fields = ("model", "voice", "system_instruction", "thinking_level", "language_code")
        session_changed = any(getattr(old, f) != getattr(new, f) for f in session_fields)
        self.settings = new
        self.conversation.settings = new
        self.store.save(new)
        if self.talk_wiring is not None and self.talk_wiring.changed(old, new):
            self.talk_wiring.apply_settings(previous=old)
        self.model_wiring.show_model()
        if devices_changed:
            self.conversation.restart_audio()
        voice = ("headphones", "noise_suppression", "auto_gain_control")
        mic = self.conversation.mic
        if mic is not None and any(getattr(old, f) != getattr(new, f) for f in voice):
            from gemini_desk.audio.echo import make_processor

            conv = self.conversation
            mic.processor = make_processor(new, lambda: conv.speaker)  # type: ignore[attr-defined]
        if session_changed and self.conversation.state is SessionState.CONNECTED:
            self.window.show_error("Model, voice and instruction apply when you next connect.")

    def _save_talk_settings(self, new: Settings) -> None:
        """The talk mode was switched in the window: keep and store it."""
        self.settings = new
        self.store.save(new)

    # --- run ----------------------------------------------------------------------
    def request_quit(self) -> None:
        """Thread- and signal-safe: ask the app to shut down in order."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is not None:
            loop.call_soon_threadsafe(self._quit.set)
        else:
            self._quit.set()

    async def run(self) -> int:
        self._build()
        self._loop_probe = asyncio.get_running_loop().create_task(
            probe_loop(self.loop_lag), name="loop-probe"
        )
        assert self.talk_wiring is not None
        if not self.talk_wiring.start():  # one instance per user and config folder
            from gemini_desk.platform.single_instance import forward_actions

            forward_actions(self.args, self.paths)  # show, and --connect etc.
            log.info("gemini-desk is already running: brought its window forward")
            return 0
        assert self.window is not None and self.conversation is not None
        endpoint = self._choose_endpoint()
        if endpoint is None and (self.settings.demo_chosen or self.args.connect):
            endpoint = self._demo_endpoint()
        if endpoint is None:
            # No key yet: demo mode now, and offer the key dialog once.
            endpoint = self._demo_endpoint()
            self._open_key_dialog()
        self._apply_endpoint(endpoint)
        self.window.show()
        if self.desktop is not None:
            self.desktop.start()
        if self.args.connect:
            self._connect()
        if getattr(self.args, "share_region", None) is not None:
            self.sharing.share_region(self.args.share_region)
        await self._quit.wait()
        await self._shutdown()
        return 0

    async def _shutdown(self) -> None:
        """Stop streams, cancel tasks, leave the connection, then let Qt go."""
        assert self.window is not None and self.conversation is not None
        self.settings.window_geometry = bytes(self.window.saveGeometry().toBase64().data()).decode()
        self.store.save(self.settings)
        self.model_wiring.stop()
        await self.sharing.shutdown()
        if self.talk_wiring is not None:
            self.talk_wiring.stop()
        if self.desktop is not None:
            self.desktop.stop()
        await self.conversation.shutdown()
        if self._loop_probe is not None:
            self._loop_probe.cancel()
        if self._diagnostics is not None:
            self._diagnostics.close()
        self.window.hide()
        if self.sim is not None:
            self.sim.stop()
        log.info("gemini-desk stopped")


def _delete_on_close(dialog: QDialog) -> None:
    """Dialogs are made per opening; free each once it is closed."""
    dialog.finished.connect(dialog.deleteLater)


class _LevelTaps:
    """Meter sources that read whichever stream is open now (floor when none is)."""

    def __init__(self) -> None:
        self.mic_meter: object | None = None
        self.speaker_meter: object | None = None

    @staticmethod
    def _read(meter: object | None) -> tuple[float, float, bool]:
        if meter is None:
            return (-90.0, -90.0, False)
        return (meter.rms_db, meter.peak_db, meter.clipped)  # type: ignore[attr-defined]

    def mic(self) -> tuple[float, float, bool]:
        return self._read(self.mic_meter)

    def speaker(self) -> tuple[float, float, bool]:
        return self._read(self.speaker_meter)
