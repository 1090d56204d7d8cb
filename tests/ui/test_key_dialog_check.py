"""File > API key checks the key as the welcome does: models.list through the real SDK
against the local server, the service's answer in the dialog, and the key used only
once it works."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QSignalSpy, QTest
from PySide6.QtWidgets import QApplication

from gemini_desk.core.events import SessionState
from gemini_desk.core.messages import MessageId, message
from gemini_desk.desktop.key_dialog import check_keys_in
from gemini_desk.live.config import Endpoint
from gemini_desk.live.key_check import KeyCheck, check_key
from gemini_desk.sim import SimConfig, SimThread
from gemini_desk.ui.api_key_dialog import ApiKeyDialog
from gemini_desk.ui.main_window import MainWindow
from gemini_desk.ui.message_text import message_text
from gemini_desk.ui.notices import Severity
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401

KEY = "dialog-test-key"


def _floor() -> tuple[float, float, bool]:
    return (-90.0, -90.0, False)


async def _until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        process_events()
        await asyncio.sleep(0.01)


def test_the_key_dialog_checks_a_key_before_it_is_used(
    qapp: QApplication,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sim = SimThread(SimConfig(api_key=KEY)).start()
    monkeypatch.setenv("SSL_CERT_FILE", str(sim.ca_file))
    window = MainWindow(_floor, _floor)
    dialog = ApiKeyDialog(window)
    checked: list[str] = []

    async def check(key: str) -> KeyCheck:
        checked.append(key)
        return await check_key(Endpoint(api_key=key, base_url=sim.base_url))

    check_keys_in(dialog, check, window)
    entered = QSignalSpy(dialog.keyEntered)

    async def main() -> None:
        window.show()
        dialog.open()
        process_events()
        QTest.keyClicks(dialog.key_edit, "not-the-key")
        QTest.keyClick(dialog.key_edit, Qt.Key.Key_Return)
        assert dialog.status.text() == "Checking your key…"
        await _until(lambda: not dialog.key_edit.isReadOnly(), 20, "the first check")
        assert dialog.status.text() == message_text(message(MessageId.BAD_KEY))
        assert entered.count() == 0 and dialog.isVisible()
        dialog.key_edit.setText(KEY)
        QTest.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)
        await _until(lambda: entered.count() == 1, 20, "the second check")
        assert entered.at(0) == [KEY] and not dialog.isVisible()
        assert checked == ["not-the-key", KEY]
        # The visible result stays in the window until the app is connected.
        works = window.notices.texts(Severity.INFO)
        assert len(works) == 1 and works[0].startswith("Your key works ("), works
        window.set_session_state(SessionState.CONNECTING)
        assert window.notices.texts(Severity.INFO) == works
        window.set_session_state(SessionState.CONNECTED)
        assert window.notices.texts() == []

    try:
        asyncio.run(asyncio.wait_for(main(), 60))
    finally:
        sim.stop()
        dialog.deleteLater()
        window.close_now()
        window.deleteLater()
        process_events()
