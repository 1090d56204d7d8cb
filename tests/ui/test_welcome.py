"""First run: the welcome view, the key check (models.list through the real SDK against
the local server), and the demo that connects at once."""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from gemini_desk.app.endpoints import Endpoints
from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.model_store import ModelStore
from gemini_desk.core.settings import Settings
from gemini_desk.core.settings_model import SettingsModel
from gemini_desk.desktop.onboarding import Onboarding
from gemini_desk.live.models import ModelCatalog
from gemini_desk.platform.keystore import KeyStore
from gemini_desk.session.conversation import Conversation
from gemini_desk.session.model_wiring import ModelWiring
from gemini_desk.sim import SimConfig, SimThread
from gemini_desk.ui.main_window import MainWindow
from gemini_desk.ui.message_text import message_text
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401

KEY = "welcome-test-key"


def _floor() -> tuple[float, float, bool]:
    return (-90.0, -90.0, False)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    old = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(old)


class Rig:
    def __init__(self, tmp: Path, sim: SimThread, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("SSL_CERT_FILE", str(sim.ca_file))  # as the e2e tests trust it
        self.window = MainWindow(_floor, _floor)
        self.settings = SettingsModel(Settings(), save=lambda _s: None)
        self.conv = Conversation(self.window, self.settings, tmp, None, None)
        catalog = ModelCatalog(ModelStore(tmp / "models.json"))
        wiring = ModelWiring(catalog, self.window, self.settings)
        args = argparse.Namespace(base_url=sim.base_url, demo=False, connect=False)
        self.keys = KeyStore(env={})
        self.endpoints = Endpoints(args, self.keys, self.settings, self.conv, self.window, wiring)
        self.connects = 0
        self.onboarding = Onboarding(self.window, self.endpoints, self.keys, self._connect)

    def _connect(self) -> None:
        self.connects += 1
        self.conv.connect()

    async def shutdown(self) -> None:
        self.onboarding.stop()
        await self.conv.shutdown()
        self.endpoints.stop()
        self.window.close_now()
        self.window.deleteLater()


def _run(main: Callable[[], object]) -> None:
    """Run ``main`` on a plain asyncio loop; Qt's events are processed while it waits."""
    asyncio.run(asyncio.wait_for(main(), 60))  # type: ignore[arg-type]
    process_events()


async def _until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        process_events()
        await asyncio.sleep(0.01)


@pytest.mark.parametrize("sim_key", [KEY])
def test_a_key_is_checked_with_a_visible_result_then_connects(
    qapp: QApplication,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_keyring: None,
    sim_key: str,
) -> None:
    sim = SimThread(SimConfig(api_key=sim_key)).start()
    rig = Rig(tmp_path, sim, monkeypatch)
    window, welcome = rig.window, rig.window.welcome

    async def main() -> None:
        try:
            window.show()
            rig.onboarding.open()
            process_events()
            assert welcome.isVisible() and QApplication.focusWidget() is welcome.key_edit
            assert window.demo_label.isHidden(), "no demo before it is chosen"
            assert rig.endpoints.sim is None, "nothing runs before the user chooses"
            # A wrong key: the service's answer, in words; the field is ready again.
            QTest.keyClicks(welcome.key_edit, "not-the-key")
            QTest.keyClick(welcome.key_edit, Qt.Key.Key_Return)
            assert welcome.status.text() == "Checking your key…"
            await _until(lambda: welcome.key_edit.isEnabled(), 20, "the check")
            assert welcome.status.text() == message_text(message(MessageId.BAD_KEY))
            assert welcome.status.accessibleName() == "Error"
            assert rig.connects == 0 and rig.conv.endpoint is None
            # The right key (pasted): it works, the welcome goes, the app connects.
            QApplication.clipboard().setText(f"  {sim_key}\n")
            QTest.mouseClick(welcome.paste_button, Qt.MouseButton.LeftButton)
            assert welcome.key() == sim_key
            QTest.mouseClick(welcome.continue_button, Qt.MouseButton.LeftButton)
            await _until(lambda: rig.connects == 1, 20, "the key to be checked")
            assert "Your key works" in welcome.status.text()
            assert welcome.isHidden() and window.transcript.isVisible()
            assert rig.keys.get() is not None and rig.keys.get().source == "memory"
            assert window.demo_label.isHidden()
            await _until(lambda: bool(sim.server.sessions), 20, "the connection")
        finally:
            await rig.shutdown()

    try:
        _run(main)
    finally:
        sim.stop()


def test_try_the_demo_connects_at_once_and_says_what_the_demo_is(
    qapp: QApplication,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    no_keyring: None,
) -> None:
    sim = SimThread(SimConfig(api_key=KEY)).start()  # only for the rig; the demo has its own
    rig = Rig(tmp_path, sim, monkeypatch)
    window = rig.window
    welcome = window.welcome

    async def main() -> None:
        try:
            window.show()
            rig.onboarding.open()
            process_events()
            # Alt+D (its mnemonic; the e2e test presses it on a real X server) or a click.
            assert welcome.demo_button.shortcut().toString() == "Alt+D"
            QTest.mouseClick(welcome.demo_button, Qt.MouseButton.LeftButton)
            assert rig.connects == 1, "one action: the demo connects at once"
            assert welcome.isHidden() and window.demo_label.isVisibleTo(window)
            assert rig.settings.current.demo_chosen
            said = message_text(message(MessageId.DEMO_REPLAYS))
            assert window.notices.texts() == [said]
            assert window.notices.rows[0].accessibleName() == "Information"
            demo = rig.endpoints.sim
            assert demo is not None
            await _until(lambda: bool(demo.server.sessions), 20, "the demo connection")
        finally:
            await rig.shutdown()

    try:
        _run(main)
    finally:
        sim.stop()


def _tab_walk(start: QWidget) -> list[QWidget]:
    """Tab from ``start`` until the focus comes back to it (or 20 steps); a label with a
    link keeps the focus for one more Tab while it walks its link."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    seen = [start]
    for _ in range(20):
        current = QApplication.focusWidget()
        assert current is not None
        QTest.keyClick(current, Qt.Key.Key_Tab)
        following = QApplication.focusWidget()
        if following is start or following is None:
            break
        if following is not seen[-1]:
            seen.append(following)
    return seen


def test_the_welcome_s_own_tab_order_wraps(qapp: QApplication) -> None:  # noqa: F811
    """Key field, Paste, Continue (once a key is there), Get a key, Try the demo, and
    round to the key field; nothing of the hidden conversation is reached."""
    window = MainWindow(_floor, _floor)
    welcome = window.welcome
    try:
        window.show()
        window.activateWindow()
        assert QTest.qWaitForWindowActive(window)
        welcome.open()
        process_events()
        assert QApplication.focusWidget() is welcome.key_edit
        without_key = [
            welcome.key_edit,
            welcome.paste_button,
            welcome.get_key_link,
            welcome.demo_button,
        ]
        assert _tab_walk(welcome.key_edit) == without_key
        QTest.keyClicks(welcome.key_edit, KEY)
        assert _tab_walk(welcome.key_edit) == [
            welcome.key_edit,
            welcome.paste_button,
            welcome.continue_button,
            welcome.get_key_link,
            welcome.demo_button,
        ]
    finally:
        window.close_now()
        window.deleteLater()
        process_events()


def test_the_welcome_s_focus_rings_are_two_pixels_of_the_focus_colour(
    qapp: QApplication,  # noqa: F811
) -> None:
    """The key field and the buttons draw a 2 px ring in the palette's focus colour."""
    from gemini_desk.ui.colours import colour

    window = MainWindow(_floor, _floor)
    welcome = window.welcome
    try:
        window.show()
        window.activateWindow()
        assert QTest.qWaitForWindowActive(window)
        welcome.open()
        welcome.key_edit.setText(KEY)  # Continue is enabled
        for widget in (welcome.key_edit, welcome.continue_button, welcome.demo_button):
            widget.setFocus(Qt.FocusReason.TabFocusReason)
            process_events()
            assert widget.hasFocus()
            image = widget.grab().toImage()
            middle = image.height() // 2
            ring = {image.pixelColor(x, middle).name() for x in (0, 1)}
            assert ring == {colour("focus").name()}, (widget.objectName(), ring)
    finally:
        window.close_now()
        window.deleteLater()
        process_events()
