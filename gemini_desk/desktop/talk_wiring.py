"""Connects hotkeys, the talk button, the command socket, talk settings and the sound
cues to the conversation."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from gemini_desk.core.desk_state import TalkState
from gemini_desk.core.events import SessionState
from gemini_desk.core.ptt import KeySource
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.hotkeys.combo import (
    DEFAULT_MUTE_COMBO,
    DEFAULT_TALK_COMBO,
    ComboMatcher,
    KeyCombo,
)
from gemini_desk.hotkeys.platform import HotkeySupport, detect_support, explain
from gemini_desk.hotkeys.portal_notice import PortalNotice, Remember, Tell
from gemini_desk.platform.ipc import CommandServer, Request, send_command, socket_name
from gemini_desk.platform.paths import AppPaths
from gemini_desk.session.sound_cues import SoundCues
from gemini_desk.ui.message_text import message_text
from gemini_desk.ui.notices import Condition as C
from gemini_desk.ui.notices import Severity
from gemini_desk.ui.qt_keys import key_name

if TYPE_CHECKING:
    from gemini_desk.hotkeys.portal_dbus import PortalHotkeys
    from gemini_desk.hotkeys.pynput_backend import GlobalHotkeys
    from gemini_desk.session.conversation import Conversation
    from gemini_desk.ui.main_window import MainWindow

__all__ = ["TalkWiring", "WindowHotkeys", "run_ptt_command"]

log = logging.getLogger("gemini_desk.hotkeys")

TALK, MUTE = "talk", "mute"
# What the keys, the talk bar and its hint show.
TALK_UI_FIELDS = ("talk_mode", "ptt_behaviour", "ptt_hotkey", "mute_hotkey")


def bindings(settings: Settings) -> dict[str, KeyCombo]:
    """The talk and mute combos from settings (defaults where a stored one is unusable)."""
    out = {}
    for name, text, default in (
        (TALK, settings.ptt_hotkey, DEFAULT_TALK_COMBO),
        (MUTE, settings.mute_hotkey, DEFAULT_MUTE_COMBO),
    ):
        try:
            out[name] = KeyCombo.parse(text)
        except ValueError:
            out[name] = KeyCombo.parse(default)
    return out


class WindowHotkeys(QObject):
    """The hotkeys while our window is in front (Wayland, or no global listener).

    Signals:
        edge(str, bool): a bound combo went down (True) or up (False).
        focusLost(): the app lost the keyboard focus; keys held are forgotten.
    """

    edge = Signal(str, bool)
    focusLost = Signal()

    def __init__(self, app: QApplication, combos: dict[str, KeyCombo]) -> None:
        super().__init__(app)
        self._matcher = ComboMatcher(combos)
        app.installEventFilter(self)
        app.applicationStateChanged.connect(self._on_app_state)

    def set_bindings(self, combos: dict[str, KeyCombo]) -> None:
        self._matcher.bindings = dict(combos)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) and isinstance(event, QKeyEvent):
            if event.isAutoRepeat() or _capturing_keys():
                return False
            name = key_name(event.key())
            if name is not None:
                down = kind == QEvent.Type.KeyPress
                step = self._matcher.press if down else self._matcher.release
                for combo, down in step(name):
                    self.edge.emit(combo, down)
        return False

    def _on_app_state(self, state: object) -> None:
        from PySide6.QtCore import Qt

        if state != Qt.ApplicationState.ApplicationActive:
            self.focusLost.emit()  # first, so the turn ends as "focus lost", not "released"
            for combo, down in self._matcher.reset():
                self.edge.emit(combo, down)


def _capturing_keys() -> bool:
    """The "press the keys" field has focus: keys are being recorded, not used."""
    from gemini_desk.ui.hotkey_edit import HotkeyEdit

    widget = QApplication.focusWidget()
    return isinstance(widget, HotkeyEdit) and widget.isVisible()


class TalkWiring(QObject):
    """Owns the hotkey listener and the command server; keeps the talk UI current.

    The talk bar follows the conversation's talk state and the talk settings as they
    change; a mode picked on the bar is written to ``settings``, and any change of the
    talk mode while connected reconnects (voice detection is part of the setup). The
    talk key, the button and mute play their sound cues (``cues``) unless turned off.
    """

    def __init__(
        self,
        window: MainWindow,
        conversation: Conversation,
        paths: AppPaths,
        settings: SettingsModel,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._conv = conversation
        self._settings = settings
        self._loop = asyncio.get_running_loop()
        self.support = detect_support()
        self.global_keys: GlobalHotkeys | None = None
        self.portal_keys: PortalHotkeys | None = None  # Wayland: the GlobalShortcuts portal
        self.window_keys: WindowHotkeys | None = None
        current = settings.current
        # Whether to say that the desktop gives no global keys (push-to-talk only, once).
        self.portal_notice = PortalNotice(
            current.shortcuts_portal_told, current.talk_mode == "push_to_talk"
        )
        self.cues = SoundCues(conversation, settings)
        self.server = CommandServer(socket_name(paths.config_dir), self)
        self.server.register("ptt", self._on_command)
        self.server.register("show", self._on_show)
        bar = window.talk_bar
        bar.talkModeChanged.connect(self._on_mode_picked)
        self._unsubscribe = [
            conversation.talk.state.subscribe(lambda _old, state: bar.set_state(state), now=True),
            settings.subscribe(TALK_UI_FIELDS, self._on_talk_settings),
        ]
        self._show_talk_settings(settings.current)

    # --- start / stop -------------------------------------------------------------
    def start(self) -> bool:
        """Listen for commands and keys; False if another instance already runs."""
        if not self.server.listen():
            return False
        bar = self._window.talk_bar
        bar.button.talkPressed.connect(lambda: self._conv.talk.press(KeySource.BUTTON))
        bar.button.talkReleased.connect(lambda: self._conv.talk.release(KeySource.BUTTON))
        self._start_keys()
        return True

    def stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe.clear()
        self.cues.stop()
        if self.global_keys is not None:
            self.global_keys.stop()
            self.global_keys = None
        if self.portal_keys is not None:
            self.portal_keys.stop()
            self.portal_keys = None
        if self.window_keys is not None:
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self.window_keys)
            self.window_keys.deleteLater()
            self.window_keys = None
        self.server.close()

    def _start_keys(self) -> None:
        combos = bindings(self._settings.current)
        if self.support in (HotkeySupport.GLOBAL, HotkeySupport.GLOBAL_NEEDS_PERMISSION):
            try:
                from gemini_desk.hotkeys.pynput_backend import GlobalHotkeys

                keys = GlobalHotkeys(self._loop, combos, self._on_edge_global, self._on_lost)
                keys.start()
                self.global_keys = keys
                log.info("global hotkeys on (%s)", self.support.value)
                if self.support is HotkeySupport.GLOBAL_NEEDS_PERMISSION:
                    QTimer.singleShot(1500, self._check_permission)
                return
            except Exception as exc:  # no X server access, pynput missing: in-window keys
                log.warning("global hotkeys unavailable: %r", exc)
                self.support = HotkeySupport.NONE
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self.window_keys = WindowHotkeys(app, combos)
        self.window_keys.edge.connect(self._on_edge_window)
        self.window_keys.focusLost.connect(self._conv.talk.focus_lost)
        log.info("in-window hotkeys (%s)", self.support.value)
        if self.support is HotkeySupport.WINDOW_ONLY and sys.platform.startswith("linux"):
            self._start_portal(combos)

    def _start_portal(self, combos: dict[str, KeyCombo]) -> None:
        """Wayland: ask the desktop's GlobalShortcuts portal for global keys. The
        in-window keys stay on meanwhile (its dialog may wait for the user) and after a
        refusal, when the user is told once how to bind ``gemini-desk --ptt``."""
        from gemini_desk.hotkeys.portal_dbus import PortalHotkeys

        # What the desktop's shortcut dialog and settings list for each key.
        descriptions = {
            TALK: self.tr("Gemini Desk: push to talk"),
            MUTE: self.tr("Gemini Desk: mute or unmute the microphone"),
        }
        keys = PortalHotkeys(
            self._loop,
            combos,
            descriptions,
            self._on_edge_global,
            self._on_lost,
            self._on_portal_change,
            self._on_portal_fallback,
        )
        self.portal_keys = keys
        keys.start()

    def _on_portal_change(self) -> None:
        keys = self.portal_keys
        if keys is None:
            return
        self.support = HotkeySupport.PORTAL if keys.available else HotkeySupport.WINDOW_ONLY
        self._show_talk_settings(self._settings.current)
        if keys.available:
            self._notice(self.portal_notice.available())

    def _on_portal_fallback(self, reason: str, triggers: tuple[str, ...]) -> None:
        self._notice(self.portal_notice.fallback(reason, triggers))

    def _notice(self, commands: list[Tell | Remember]) -> None:
        for command in commands:
            if isinstance(command, Tell):
                self._window.show_error(command.message)
            else:
                self._settings.update(shortcuts_portal_told=command.told)

    @property
    def desktop_triggers(self) -> dict[str, str]:
        """The keys the desktop bound for us (``{"talk": "Ctrl+Alt+Space"}``), if any."""
        keys = self.portal_keys
        if keys is None or not keys.available:
            return {}
        return {name: text for name, text in keys.triggers.items() if text}

    def _check_permission(self) -> None:
        """macOS: say plainly why the key does nothing in other apps, and how to fix it."""
        if self.global_keys is not None and self.global_keys.permission_missing:
            label = bindings(self._settings.current)[TALK].label()
            text = self.tr(
                "The talk key only works in other apps with Accessibility permission. "
            ) + message_text(explain(self.support, label))
            self._window.notices.show_notice("accessibility_permission", text, Severity.WARNING)

    # --- settings ---------------------------------------------------------------------
    def _on_talk_settings(self, old: Settings, new: Settings) -> None:
        """New keys or talk mode (from Settings, the talk bar or the tray)."""
        self._show_talk_settings(new)
        if old.talk_mode != new.talk_mode:
            notice = self.portal_notice.talk_mode(new.talk_mode == "push_to_talk")
            self._reconnect_for_mode(new.talk_mode)
            self._notice(notice)  # a notice of its own: reconnecting does not end it

    def _show_talk_settings(self, settings: Settings) -> None:
        combos = bindings(settings)
        if self.global_keys is not None:
            self.global_keys.set_bindings(combos)
        if self.window_keys is not None:
            self.window_keys.set_bindings(combos)
        if self.portal_keys is not None:
            self.portal_keys.set_bindings(combos)  # binds again if the keys changed
        bar = self._window.talk_bar
        bar.set_mode(settings.talk_mode)
        chosen = self.desktop_triggers  # the desktop's choice wins over ours
        talk = chosen.get(TALK) or combos[TALK].label()
        bar.button.set_key_label(talk, settings.ptt_behaviour == "toggle")
        bar.set_hint(self._hint(settings, talk, chosen.get(MUTE) or combos[MUTE].label()))

    def _hint(self, settings: Settings, talk: str, mute: str) -> str:
        """Push-to-talk: which key and where it works (the button names the mouse only).
        Hands-free: nothing (the status element says it all; the mute key is on it)."""
        self._window.status.pill.set_mute_key(mute)
        if settings.talk_mode != "push_to_talk":
            return ""
        return message_text(explain(self.support, talk, settings.ptt_behaviour == "toggle"))

    def _on_mode_picked(self, mode: str) -> None:
        self._settings.update(talk_mode=mode)

    def _reconnect_for_mode(self, mode: str) -> None:
        """Reconnect if connected, and say why (information, until the next disconnect)."""
        conv = self._conv
        if conv.state is SessionState.DISCONNECTED:
            return
        name = self.tr("push-to-talk") if mode == "push_to_talk" else self.tr("hands-free")
        note = self.tr(
            "Switched to %1: reconnected, because voice detection is part of the session's setup."
        ).replace("%1", name)

        async def reconnect() -> None:
            await conv.disconnect()
            conv.connect()
            # After the disconnect, which would end it.
            self._window.notices.show_notice(
                "talk_mode_switch", note, Severity.INFO, clears_on=frozenset({C.DISCONNECTED})
            )
            log.info("talk mode %s: reconnecting", mode)

        self._loop.create_task(reconnect())

    # --- key edges ----------------------------------------------------------------------
    def _on_edge_global(self, combo: str, down: bool) -> None:
        self._on_edge(combo, down, KeySource.GLOBAL)

    def _on_edge_window(self, combo: str, down: bool) -> None:
        self._on_edge(combo, down, KeySource.WINDOW)

    def _on_edge(self, combo: str, down: bool, source: KeySource) -> None:
        log.debug("hotkey %s %s (%s)", combo, "down" if down else "up", source.value)
        if combo == TALK:
            if down:
                self._conv.talk.press(source)
            else:
                self._conv.talk.release(source)
        elif combo == MUTE and down:
            # The same path as the menu and Ctrl+M.
            self._window.mute_action.setChecked(not self._conv.muted)

    def _on_lost(self, reason: str) -> None:
        self._conv.talk.listener_lost()
        text = self.tr(
            "The global talk key stopped working (%1). The talk button still works."
        ).replace("%1", reason)
        self._window.notices.show_notice("global_key_lost", text, Severity.WARNING)

    # --- commands from ``gemini-desk --ptt`` ---------------------------------------------
    def _on_command(self, request: Request) -> str:
        talk = self._conv.talk
        if not talk.push_to_talk:
            raise ValueError("Gemini Desk is in hands-free mode; switch it to push-to-talk.")
        # The shortcut was pressed when the command's process started: the words said
        # since then come from the pre-roll.
        if request.arg == "press":
            talk.press(KeySource.COMMAND, late_s=request.age_s)
        elif request.arg == "release":
            talk.release(KeySource.COMMAND)
        elif request.arg == "toggle":
            talk.toggle(late_s=request.age_s)
        else:
            raise ValueError(f"unknown push-to-talk action {request.arg!r}")
        state = talk.display()
        if request.arg != "release" and state in (TalkState.MUTED, TalkState.OFFLINE):
            raise ValueError(
                "The microphone is muted: unmute it to talk."
                if state is TalkState.MUTED
                else "Not connected: connect first, then talk."
            )
        return state.value

    def _on_show(self, request: Request) -> str:
        self._window.showNormal()
        self._window.raise_()
        self._window.activateWindow()
        return "shown"


def run_ptt_command(action: str, paths: AppPaths) -> int:
    """``gemini-desk --ptt ACTION``: hand it to the running app; 0 when it was done."""
    result = send_command(socket_name(paths.config_dir), "ptt", action)
    stream = sys.stdout if result.ok else sys.stderr
    print(result.message, file=stream)
    return 0 if result.ok else 1
