"""Wayland push-to-talk through the GlobalShortcuts portal, end to end below the screen.

A private ``dbus-daemon --session`` runs the portal double (tests/support/portal_double);
the app's talk wiring (window, talk bar, in-window keys, the portal backend) and the
real conversation talk to the local Live server with the real google-genai SDK, on
an asyncio loop that runs Qt's events. The "desktop" presses and releases the bound shortcut.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from gemini_desk.core.events import SessionState
from gemini_desk.core.messages import Message, MessageId, message
from gemini_desk.core.ptt import EndReason
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.desktop.talk_wiring import TalkWiring
from gemini_desk.hotkeys.platform import HotkeySupport
from gemini_desk.live.config import Endpoint
from gemini_desk.platform.paths import AppPaths
from gemini_desk.session.conversation import Conversation
from gemini_desk.sim import SimConfig, SimThread
from gemini_desk.ui.main_window import MainWindow
from gemini_desk.ui.message_text import message_text
from gemini_desk.ui.notices import Severity
from tests.integration.test_conversation import FakeMic, FakeSpeaker
from tests.integration.test_ptt_conversation import local_match, onset, onset_received
from tests.support.dbus_session import SessionBus, private_bus
from tests.support.portal_double import PortalDouble
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401
from tests.support.sim_fixtures import espeak_pcm16k, sim

__all__ = ["private_bus", "sim"]

CHUNK = 320  # 20 ms at 16 kHz
SILENCE_MS = SimConfig().vad_silence_ms + 100
TALK_ID = "push-to-talk"


def _floor() -> tuple[float, float, bool]:
    return (-90.0, -90.0, False)


@dataclass
class App:
    """The parts of the app that push-to-talk on Wayland goes through."""

    window: MainWindow
    settings: SettingsModel
    conv: Conversation
    wiring: TalkWiring
    mics: list[FakeMic]
    speaker: FakeSpeaker
    said: list[Message | str]  # everything shown in the window's banner

    async def until(self, predicate: Callable[[], bool], timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            assert time.monotonic() < deadline, "timed out waiting"
            await asyncio.sleep(0.01)

    async def feed(self, pcm: np.ndarray) -> None:
        """Push ``pcm`` through the fake mic in 20 ms chunks at real time."""
        start = time.monotonic()
        for i in range(0, len(pcm) - CHUNK + 1, CHUNK):
            self.mics[-1].on_chunk(pcm[i : i + CHUNK].tobytes())
            await asyncio.sleep(max(0.0, start + (i + CHUNK) / 16000 - time.monotonic()))

    def portal_said(self) -> list[Message | str]:
        ids = (MessageId.SHORTCUTS_PORTAL_MISSING, MessageId.SHORTCUTS_REFUSED)
        return [m for m in self.said if isinstance(m, Message) and m.id in ids]


@pytest.fixture
def wayland(monkeypatch: pytest.MonkeyPatch, private_bus: SessionBus) -> SessionBus:
    """A Wayland session whose session bus is the private one."""
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-test")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", private_bus.address)
    return private_bus


async def pump_qt_events(qapp: QApplication) -> None:  # noqa: F811
    """Qt's events on this asyncio loop (timers, sockets, window events): a pump, not a
    wait for a condition."""
    while True:
        qapp.processEvents()
        await asyncio.sleep(0.002)


def run_app(
    qapp: QApplication,  # noqa: F811
    tmp: Path,
    sim: SimThread | None,
    scenario: Callable[[App], object],
    stored: Settings | None = None,
) -> Settings:
    """Build the app's talk parts on an asyncio loop that also runs Qt's events (a task
    processes them every few ms), run ``scenario(app)``, take it down; the settings start
    as ``stored`` (push-to-talk by default) and end as returned.

    Not qasync's loop: under CPU load, a test after these crashed (SIGSEGV) in pytest-qt's
    event processing when they ran on a qasync loop of their own."""
    window = MainWindow(_floor, _floor)
    said: list[Message | str] = []
    show_error = window.show_error

    def record(what: Message | str, action: str | None = None) -> None:
        said.append(what)
        show_error(what, action)

    window.show_error = record  # type: ignore[method-assign]
    start = stored if stored is not None else Settings(talk_mode="push_to_talk")
    settings = SettingsModel(start, save=lambda _s: None)
    mics: list[FakeMic] = []
    speaker = FakeSpeaker()

    def make_mic(on_chunk: Callable[[bytes], None]) -> FakeMic:
        mics.append(FakeMic(on_chunk))
        return mics[-1]

    async def main() -> None:
        conv = Conversation(window, settings, tmp / "conversations", make_mic, lambda: speaker)
        if sim is not None:
            conv.endpoint = Endpoint(api_key="demo-key", base_url=sim.base_url, ca_file=sim.ca_file)
        window.muteToggled.connect(conv.set_muted)
        paths = AppPaths(tmp / "config", tmp / "data", tmp / "log")
        wiring = TalkWiring(window, conv, paths, settings)
        assert wiring.start(), "the command socket listens"
        app = App(window, settings, conv, wiring, mics, speaker, said)
        qt = asyncio.create_task(pump_qt_events(qapp))
        try:
            await asyncio.wait_for(scenario(app), 60)  # type: ignore[arg-type]
        finally:
            wiring.stop()
            await conv.shutdown()
            window.close_now()
            window.deleteLater()
            qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)
            qt.cancel()

    asyncio.run(main())
    del window.show_error  # the recording wrapper made a cycle through the window
    gc.collect()  # what this app left is freed here, on the Qt thread, not in a server's
    process_events(0)
    return settings.current


@pytest.fixture
def portal(wayland: SessionBus) -> Iterator[PortalDouble]:
    double = PortalDouble(wayland.address).start()
    yield double
    double.stop()


def test_desktop_shortcut_hold_and_release_drive_activity_with_preroll(
    qapp: QApplication,  # noqa: F811
    tmp_path: Path,
    sim: SimThread,
    portal: PortalDouble,
) -> None:
    portal.chosen = {TALK_ID: "Pause"}  # the desktop's dialog picked another key
    speech = espeak_pcm16k("hello there, first word matters")
    lead = int(np.flatnonzero(np.abs(speech) > 0.02 * 32768)[0])
    before_key = (lead + 16 * 200) // CHUNK * CHUNK  # the key lands ~200 ms into the word

    async def scenario(app: App) -> None:
        await app.until(lambda: app.wiring.support is HotkeySupport.PORTAL)
        bind = portal.calls_of("BindShortcuts")[0]
        assert bind.signature == "oa(sa{sv})sa{sv}"
        asked = dict(bind.body[1])
        assert asked[TALK_ID]["preferred_trigger"] == "CTRL+ALT+space"
        assert asked["mute"]["preferred_trigger"] == "CTRL+ALT+m"
        await app.until(lambda: "Pause" in app.window.talk_bar.hint.text())
        hint = app.window.talk_bar.hint.text()
        assert hint.startswith(message_text(message(MessageId.HOLD_KEY_ANYWHERE, "Pause")))
        assert app.wiring.desktop_triggers == {"talk": "Pause", "mute": "Ctrl+Alt+M"}

        app.conv.connect()
        await app.until(lambda: app.conv.state is SessionState.CONNECTED and bool(app.mics))
        assert app.window.talk_bar.button.text() == "Hold to talk"  # the key is in the hint
        session = sim.server.sessions[0]
        await app.feed(np.zeros(16000, np.int16))
        assert session.audio_chunk_sizes == [], "nothing is sent while the key is up"
        await app.feed(speech[:before_key])
        portal.activate(TALK_ID, 5_000_000)
        await app.until(lambda: app.conv.talk.ptt.talking)
        await app.feed(speech[before_key:])
        await app.feed(np.zeros(16 * SILENCE_MS, np.int16))
        sent = app.conv.talk.preroll_ms // 20 + (len(speech) - before_key) // CHUNK
        sent += 16 * SILENCE_MS // CHUNK
        await app.until(lambda: len(session.audio_chunk_sizes) >= sent)
        assert [(a.kind, a.source) for a in session.activity] == [("start", "client")]
        assert not session.turns and not app.speaker.fed, "no answer before the release"
        portal.deactivate(TALK_ID, 5_003_100)
        await app.until(lambda: len(session.activity) == 2)
        assert [(a.kind, a.source) for a in session.activity] == [
            ("start", "client"),
            ("end", "client"),
        ]
        await app.until(lambda: bool(app.speaker.fed))
        received = np.frombuffer(session.audio_bytes, "<i2")
        assert local_match(onset(speech, 100), received) > 0.95, "the first 100 ms arrived"
        assert onset_received(speech, received) > 0.95, "the pre-roll carried the onset"
        assert app.conv.talk.activities_ended == [EndReason.RELEASED]

        portal.activate("mute", 5_010_000)  # the mute shortcut, like Ctrl+M
        await app.until(lambda: app.conv.muted)
        portal.deactivate("mute", 5_010_090)
        portal.activate("mute", 5_020_000)
        await app.until(lambda: not app.conv.muted)
        assert app.portal_said() == [], "nothing to apologise for"

    run_app(qapp, tmp_path, sim, scenario)
    assert portal.closed, "quitting closed the portal session"


def test_changed_keys_are_bound_again_in_a_new_session(
    qapp: QApplication,  # noqa: F811
    tmp_path: Path,
    portal: PortalDouble,
) -> None:
    async def scenario(app: App) -> None:
        await app.until(lambda: app.wiring.support is HotkeySupport.PORTAL)
        first = portal.session_of(TALK_ID)
        app.settings.update(ptt_hotkey="f8")  # the Settings dialog's OK
        await app.until(lambda: len(portal.calls_of("BindShortcuts")) == 2)
        asked = dict(portal.calls_of("BindShortcuts")[1].body[1])
        assert asked[TALK_ID]["preferred_trigger"] == "F8"
        await app.until(lambda: app.wiring.desktop_triggers.get("talk") == "F8")
        assert first in portal.closed, "a session binds once: the old one was closed"
        assert "F8" in app.window.talk_bar.hint.text()
        # The user changes the key in the desktop's own settings later.
        portal.change_trigger(TALK_ID, "Shift+F8")
        await app.until(lambda: "Shift+F8" in app.window.talk_bar.hint.text())
        app.settings.update(talk_mode="hands_free")  # not a key change: no new binding
        app.settings.update(talk_mode="push_to_talk")
        assert len(portal.calls_of("BindShortcuts")) == 2

    run_app(qapp, tmp_path, None, scenario)


def test_session_closed_by_the_desktop_ends_the_turn_and_binds_again(
    qapp: QApplication,  # noqa: F811
    tmp_path: Path,
    sim: SimThread,
    portal: PortalDouble,
) -> None:
    async def scenario(app: App) -> None:
        await app.until(lambda: app.wiring.support is HotkeySupport.PORTAL)
        app.conv.connect()
        await app.until(lambda: app.conv.state is SessionState.CONNECTED and bool(app.mics))
        session = sim.server.sessions[0]
        first = portal.session_of(TALK_ID)
        portal.activate(TALK_ID, 100)
        await app.feed(espeak_pcm16k("one two"))
        await app.until(lambda: [a.kind for a in session.activity] == ["start"])
        portal.close_session(first)
        await app.until(lambda: [a.kind for a in session.activity] == ["start", "end"])
        lost = [t for t in app.window.notices.texts(Severity.WARNING) if "stopped working" in t]
        assert lost, app.window.notices.texts()
        await app.until(lambda: len(portal.calls_of("BindShortcuts")) == 2)
        await app.until(lambda: app.wiring.support is HotkeySupport.PORTAL)
        assert portal.session_of(TALK_ID) != first
        portal.activate(TALK_ID, 200)  # the new session's key works
        await app.until(lambda: len(session.activity) == 3)
        portal.deactivate(TALK_ID, 900)
        await app.until(lambda: len(session.activity) == 4)

    run_app(qapp, tmp_path, sim, scenario)


@pytest.mark.parametrize("mode", ["refuse", "refuse_session"])
def test_refusal_says_the_fallback_once_and_the_window_key_still_works(
    qapp: QApplication,  # noqa: F811
    tmp_path: Path,
    sim: SimThread,
    wayland: SessionBus,
    mode: str,
) -> None:
    portal = PortalDouble(wayland.address, mode=mode).start()

    async def scenario(app: App) -> None:
        await app.until(lambda: bool(app.portal_said()))
        assert app.portal_said() == [message(MessageId.SHORTCUTS_REFUSED)]
        text = message_text(message(MessageId.SHORTCUTS_REFUSED))
        assert "gemini-desk --ptt toggle" in text and "GNOME" in text and "KDE" in text
        assert app.window.notices.message == text
        assert app.wiring.support is HotkeySupport.WINDOW_ONLY
        assert app.wiring.window_keys is not None, "the in-window key stays"
        hint = app.window.talk_bar.hint.text()
        assert hint.startswith(message_text(message(MessageId.KEY_WAYLAND, "Ctrl+Alt+Space")))
        told = app.settings.current.shortcuts_portal_told
        assert told == "refused:CTRL+ALT+space,CTRL+ALT+m", "remembered for the next run"
        # Changing the keys asks the desktop again; a refusal of the new keys is told.
        app.settings.update(ptt_hotkey="f8")
        await app.until(lambda: len(portal.calls_of("CreateSession")) == 2)
        await app.until(lambda: len(app.portal_said()) == 2)
        assert app.portal_said()[1] == message(MessageId.SHORTCUTS_REFUSED)
        assert app.settings.current.shortcuts_portal_told == "refused:F8,CTRL+ALT+m"
        # The in-window key (what is left) drives push-to-talk against the server.
        app.conv.connect()
        await app.until(lambda: app.conv.state is SessionState.CONNECTED and bool(app.mics))
        window_keys = app.wiring.window_keys
        assert window_keys is not None
        window_keys.edge.emit("talk", True)
        await app.feed(espeak_pcm16k("one two"))
        window_keys.edge.emit("talk", False)
        session = sim.server.sessions[0]
        await app.until(lambda: [a.kind for a in session.activity] == ["start", "end"])

    try:
        run_app(qapp, tmp_path, sim, scenario)
    finally:
        portal.stop()


@pytest.mark.parametrize("mode", ["missing", "old"])
def test_missing_portal_falls_back_to_the_window_key_and_says_so_once(
    qapp: QApplication,  # noqa: F811
    tmp_path: Path,
    wayland: SessionBus,
    mode: str,
) -> None:
    """No portal on the bus, or one without GlobalShortcuts (Debian 12's 1.16)."""
    portal = PortalDouble(wayland.address, mode=mode).start()

    async def scenario(app: App) -> None:
        await app.until(lambda: bool(app.portal_said()))
        keys = app.wiring.portal_keys
        assert keys is not None and keys.fallback == "missing"
        app.settings.update(ptt_hotkey="f8")  # nothing to ask: no second attempt or message
        assert app.portal_said() == [message(MessageId.SHORTCUTS_PORTAL_MISSING)]
        assert app.settings.current.shortcuts_portal_told == "missing"
        assert app.wiring.support is HotkeySupport.WINDOW_ONLY
        assert app.wiring.desktop_triggers == {}
        assert "gemini-desk --ptt toggle" in app.window.talk_bar.hint.text()

    try:
        run_app(qapp, tmp_path, None, scenario)
    finally:
        portal.stop()
    assert portal.calls_of("CreateSession") == []


def test_a_missing_portal_is_told_in_push_to_talk_only_and_once_per_install(
    qapp: QApplication,  # noqa: F811
    tmp_path: Path,
    wayland: SessionBus,
) -> None:
    """Hands-free needs no talk key: no banner at launch. Choosing push-to-talk tells
    it; the next launch (the settings saved) does not tell it again."""
    portal = PortalDouble(wayland.address, mode="old").start()  # Debian 12's portal 1.16

    async def hands_free(app: App) -> None:
        keys = app.wiring.portal_keys
        await app.until(lambda: keys is not None and keys.fallback == "missing")
        assert app.portal_said() == [], "hands-free: nothing to say"
        assert app.settings.current.shortcuts_portal_told == ""
        app.settings.update(talk_mode="push_to_talk")  # the talk bar's mode switch
        assert app.portal_said() == [message(MessageId.SHORTCUTS_PORTAL_MISSING)]
        app.settings.update(talk_mode="hands_free")
        app.settings.update(talk_mode="push_to_talk")
        assert len(app.portal_said()) == 1

    async def next_launch(app: App) -> None:
        keys = app.wiring.portal_keys
        await app.until(lambda: keys is not None and keys.fallback == "missing")
        assert app.wiring.support is HotkeySupport.WINDOW_ONLY
        assert app.portal_said() == [], "told once per install"

    try:
        saved = run_app(qapp, tmp_path, None, hands_free, Settings(talk_mode="hands_free"))
        assert saved.shortcuts_portal_told == "missing"
        run_app(qapp, tmp_path, None, next_launch, saved)
    finally:
        portal.stop()


def test_switching_to_push_to_talk_while_connected_keeps_the_notice_in_view(
    qapp: QApplication,  # noqa: F811
    tmp_path: Path,
    sim: SimThread,
    wayland: SessionBus,
) -> None:
    """The switch reconnects (voice detection is part of the setup) and says so, as
    information; the portal's notice shows beside it, as a warning of its own."""
    portal = PortalDouble(wayland.address, mode="missing").start()

    async def scenario(app: App) -> None:
        keys = app.wiring.portal_keys
        await app.until(lambda: keys is not None and keys.fallback == "missing")
        app.conv.connect()
        await app.until(lambda: app.conv.state is SessionState.CONNECTED)
        app.settings.update(talk_mode="push_to_talk")
        await app.until(lambda: len(sim.server.sessions) == 2)
        await app.until(lambda: app.conv.state is SessionState.CONNECTED)
        notices = app.window.notices
        # The switch's note is information; the portal's is a notice of its own.
        switched = [t for t in notices.texts(Severity.INFO) if "reconnected" in t]
        assert len(switched) == 1, notices.texts()
        missing = message_text(message(MessageId.SHORTCUTS_PORTAL_MISSING))
        assert notices.texts(Severity.WARNING) == [missing], notices.texts()
        assert app.settings.current.shortcuts_portal_told == "missing"

    try:
        run_app(qapp, tmp_path, sim, scenario, Settings(talk_mode="hands_free"))
    finally:
        portal.stop()
