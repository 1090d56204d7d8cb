"""The composition root: builds the app in order, runs it, takes it down in reverse.

The window comes first: it is built from the Qt widgets alone and shown, and only once
it has been painted are the SDK, the key store (keyring), the conversation and its
audio, the tools and (in demo mode) the local server imported and built.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from gemini_desk.core.desk_state import DeskState
from gemini_desk.core.events import SessionState
from gemini_desk.core.loop_lag import LoopLag
from gemini_desk.core.messages import Message
from gemini_desk.core.model_store import ModelStore
from gemini_desk.core.serial_writer import SerialWriter
from gemini_desk.core.settings import Settings, SettingsStore
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.platform.loop_probe import LoopProbe
from gemini_desk.platform.paths import AppPaths

if TYPE_CHECKING:
    from gemini_desk.app.endpoints import Endpoints
    from gemini_desk.app.streams import AudioStreams, LevelTaps
    from gemini_desk.desktop.dialogs_wiring import DialogsWiring
    from gemini_desk.desktop.mini_wiring import MiniWiring
    from gemini_desk.desktop.onboarding import Onboarding
    from gemini_desk.desktop.sharing import ScreenSharing
    from gemini_desk.desktop.status_wiring import StatusWiring
    from gemini_desk.desktop.talk_wiring import TalkWiring
    from gemini_desk.desktop.tools_wiring import ToolsWiring
    from gemini_desk.desktop.tray_wiring import DesktopWiring
    from gemini_desk.platform.keystore import KeyStore
    from gemini_desk.session.conversation import Conversation
    from gemini_desk.session.model_wiring import ModelWiring
    from gemini_desk.ui.main_window import MainWindow

__all__ = ["Desk"]

log = logging.getLogger("gemini_desk.app")


def _load_settings(
    args: argparse.Namespace, paths: AppPaths
) -> tuple[SettingsModel, Message | None]:
    """The stored settings with this run's --model, --mic and --speaker, owned by one
    model that saves every change on a writer thread; and what to tell the user about
    the file (it was damaged), if anything."""
    store = SettingsStore(paths.settings_file)
    overrides: dict[str, Any] = {}
    if args.model:
        overrides["model"] = args.model
    if args.mic is not None:
        overrides["input_device"] = args.mic
    if args.speaker is not None:
        overrides["output_device"] = args.speaker
    loaded = store.load()
    model = SettingsModel(
        dataclasses.replace(loaded, **overrides),
        save=store.save,
        writer=SerialWriter("gd-settings"),
    )
    return model, store.notice


class Desk:
    """Builds the app in order, runs it, and takes it down in reverse order."""

    def __init__(self, args: argparse.Namespace, paths: AppPaths) -> None:
        self.args = args
        self.paths = paths
        # The one owner of the settings: every change goes through it and is saved.
        self.settings_model, self._settings_notice = _load_settings(args, paths)
        self.keys: KeyStore  # made in _build (keyring is imported after the window shows)
        self._quit = asyncio.Event()
        # Event-loop lag, measured while the app runs (shown in Audio diagnostics).
        self.loop_lag = LoopLag()
        self._loop_probe = LoopProbe(self.loop_lag)  # runs while diagnostics or a turn is
        self._stop_probe: Callable[[], None] = lambda: None
        self._connecting: asyncio.Task[None] | None = None
        self._crash_notices: Callable[[], None] = lambda: None
        # Made in _build_window, then in _build, in this order.
        self.levels: LevelTaps
        self.window: MainWindow
        self.streams: AudioStreams
        self.conversation: Conversation
        self.model_wiring: ModelWiring
        self.endpoints: Endpoints
        self.talk_wiring: TalkWiring  # hotkeys, talk button, --ptt socket
        self.sharing: ScreenSharing
        self.tools: ToolsWiring  # built-in tools, MCP servers, approvals
        self.state: DeskState  # what the window, the tray and the talk bar show
        self.status: StatusWiring  # the status element's one status
        self.desktop: DesktopWiring  # tray, close-to-tray, Help menu items
        self.mini: MiniWiring  # mini mode
        self.dialogs: DialogsWiring
        self.onboarding: Onboarding  # the first run's welcome

    @property
    def settings(self) -> Settings:
        """The settings now (read-only: change them through :attr:`settings_model`)."""
        return self.settings_model.current

    # --- build --------------------------------------------------------------------
    def _build_window(self) -> None:
        """The main window, from the Qt widgets alone, where it was last time."""
        from gemini_desk.app.streams import LevelTaps
        from gemini_desk.ui.main_window import MainWindow

        self.levels = levels = LevelTaps()
        self.window = window = MainWindow(levels.mic, levels.speaker)
        if self.settings.window_geometry:
            from PySide6.QtCore import QByteArray

            window.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode()))
            window.fit_to_screen()  # a screen that is gone, or a scale that grew

    def _build(self) -> None:
        """Everything behind the window (imported only now)."""
        from gemini_desk.app.endpoints import Endpoints
        from gemini_desk.app.streams import AudioStreams
        from gemini_desk.desktop.dialogs_wiring import DialogsWiring
        from gemini_desk.desktop.mini_wiring import MiniWiring
        from gemini_desk.desktop.notices_wiring import wire_notices
        from gemini_desk.desktop.onboarding import Onboarding
        from gemini_desk.desktop.sharing import ScreenSharing
        from gemini_desk.desktop.status_wiring import StatusWiring
        from gemini_desk.desktop.talk_wiring import TalkWiring
        from gemini_desk.desktop.tools_wiring import ToolsWiring
        from gemini_desk.desktop.tray_wiring import DesktopWiring
        from gemini_desk.live.key_check import check_key
        from gemini_desk.live.models import ModelCatalog
        from gemini_desk.platform.keystore import KeyStore
        from gemini_desk.session.conversation import Conversation
        from gemini_desk.session.model_wiring import ModelWiring
        from gemini_desk.session.voice_samples import VoiceSamples
        from gemini_desk.ui.instruction import localised

        settings, paths, window = self.settings_model, self.paths, self.window
        # The default instruction in the UI's language (one the user typed stays).
        if (worded := localised(settings.current)) is not settings.current:
            settings.replace(worded)
        self.keys = KeyStore()
        self.streams = streams = AudioStreams(asyncio.get_running_loop(), settings, self.levels)
        self.conversation = conv = Conversation(
            window, settings, paths.conversations_dir, streams.make_mic, streams.make_speaker
        )
        streams.conversation = conv
        # Live models as the service lists them (cached), else the built-in list.
        catalog = ModelCatalog(ModelStore(paths.data_dir / "models.json"))
        self.model_wiring = ModelWiring(catalog, window, settings, bool(self.args.model))
        self.model_wiring.show_model()
        self.endpoints = Endpoints(self.args, self.keys, settings, conv, window, self.model_wiring)
        window.connectRequested.connect(self._connect)
        window.useDefaultModelRequested.connect(self._on_use_default_model)
        window.disconnectRequested.connect(self._disconnect)
        window.textSubmitted.connect(conv.send_text)
        window.muteToggled.connect(conv.set_muted)
        window.quitRequested.connect(self._quit.set)
        self.talk_wiring = TalkWiring(window, conv, paths, settings)
        self.sharing = ScreenSharing(window, window, settings, conv.send_video, conv.video_ready)
        conv.on_disconnected.append(self.sharing.stop)
        wire_notices(window, conv, self.sharing.shared)  # banner, Retry now, share ends notices
        conv.status.subscribe(self.sharing.connection_changed)  # capture only when sendable
        self.tools = ToolsWiring(
            window,
            conv,
            settings,
            self.sharing,
            paths.config_dir / "mcp.json",
            paths.data_dir / "notes.md",
        )
        self.state = DeskState(
            session=conv.status,
            muted=conv.mute,
            talk=conv.talk.state,
            sharing=self.sharing.shared,
            thinking=conv.thinking.thinking,
        )
        # One status for the status element (window and mini mode) from all of these.
        self.status = StatusWiring(self.state)
        self.status.follow(window.set_status)
        self.desktop = DesktopWiring(window, self.state, settings, paths.log_dir)
        # Mini mode: the always-on-top pill (Ctrl+Shift+M, the tray's "Mini mode").
        self.mini = MiniWiring(
            window,
            self.state,
            self.status,
            settings,
            conv.talk,
            self.levels.speaker,
            self.desktop.tray,
        )
        voice_samples = VoiceSamples(
            paths.data_dir / "voice-samples", make_speaker=streams.make_sample_speaker
        )
        self.dialogs = DialogsWiring(
            window,
            settings,
            conv,
            self.model_wiring,
            voice_samples,
            self.keys,
            paths.conversations_dir,
            self.loop_lag,
            self.endpoints.key_entered,
            self.endpoints.demo_chosen,
            tools=self.tools,
            open_mcp_config=self.tools.open_mcp_config,
            desktop_keys=lambda: self.talk_wiring.desktop_triggers,
            history_index=paths.history_index,
            check_key=lambda key: check_key(self.endpoints.key_endpoint(key)),
        )
        self.onboarding = Onboarding(window, self.endpoints, self.keys, self._connect)
        self._register_commands()

    def _register_commands(self) -> None:
        """Later launches: --connect and --share-region (and bringing the window forward)."""
        from gemini_desk.desktop.tray_wiring import bring_forward
        from gemini_desk.platform.single_instance import register_commands

        conv, window = self.conversation, self.window
        register_commands(
            self.talk_wiring.server,
            lambda: conv.state,
            self._connect,
            self.sharing.share_region,
            lambda: bring_forward(window),
            lambda: self.sharing.what,
        )

    # --- actions ----------------------------------------------------------------------
    def _connect(self) -> None:
        """Connect once the MCP servers had a moment to start (their tools are in the
        first setup) and a model listing under way has answered (a retired stored model
        is replaced before the first attempt)."""
        from gemini_desk.desktop.tools_wiring import start_then

        if self._connecting is not None and not self._connecting.done():
            return
        conv = self.conversation
        self._connecting = start_then(
            self.tools, lambda: self.model_wiring.connect_when_listed(conv.connect)
        )

    def _disconnect(self) -> None:
        asyncio.get_running_loop().create_task(self.conversation.disconnect())

    def _on_use_default_model(self) -> None:
        self.model_wiring.use_default()
        if self.conversation.state is SessionState.DISCONNECTED:
            self._connect()

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
        from gemini_desk.ui.first_paint import first_paint

        self._build_window()
        self.window.show()  # first: the rest is built once it is on the screen
        await first_paint(self.window)
        log.info("window shown")
        self._build()
        # Uncaught errors (main installs the hook) get one plain message in the window.
        from gemini_desk.platform.crash_hook import HOOK
        from gemini_desk.ui.crash_notice import connect_crash_notices

        loop = asyncio.get_running_loop()
        self._crash_notices = connect_crash_notices(self.window, HOOK, loop.call_soon_threadsafe)
        # A save that fails is told once, in the window (it happens on the writer thread).
        window = self.window

        def save_failed(what: Message) -> None:
            loop.call_soon_threadsafe(window.show_error, what)

        self.settings_model.on_save_error = save_failed
        if self._settings_notice is not None:
            window.show_error(self._settings_notice)
        from gemini_desk.desktop.loop_probe_wiring import follow_turns

        self._stop_probe = follow_turns(self._loop_probe, self.state, self.dialogs.diagnostics_open)
        # The instance lock (taken in main before anything was built) decided that this
        # is the app; False only when the lock could not be made and an app answers.
        if not self.talk_wiring.start():
            from gemini_desk.platform.single_instance import forward_actions

            forward_actions(self.args, self.paths)  # show, and --connect etc.
            log.info("gemini-desk is already running: brought its window forward")
            return 0
        endpoint = self.endpoints.first()
        if endpoint is not None:
            self.endpoints.use(endpoint)
        else:  # first run: the welcome asks for a key or the demo
            self.onboarding.open()
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
        geometry = bytes(self.window.saveGeometry().toBase64().data()).decode()
        self.settings_model.update(window_geometry=geometry)
        await self.model_wiring.stop()
        await self.sharing.shutdown()
        self.talk_wiring.stop()
        self.mini.stop()
        self.desktop.stop()
        if self._connecting is not None:
            self._connecting.cancel()
        await self.tools.stop()  # open calls are cancelled, MCP servers stopped
        await self.conversation.shutdown()
        self.streams.stop()
        self._stop_probe()
        self.dialogs.close()
        self.onboarding.stop()
        self._crash_notices()
        self.window.hide()
        self.endpoints.stop()
        await asyncio.to_thread(self.settings_model.flush, 5.0)  # the last save on disk
        log.info("gemini-desk stopped")
