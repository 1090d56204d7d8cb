"""Notices: their styles, what screen readers hear, and that they clear themselves when
their condition ends; the connection banner's countdown and "Retry now" against the
local Live server with the real SDK; typed messages "sending…" and "not sent"."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from gemini_desk.core.backoff import Backoff
from gemini_desk.core.desk_state import SessionStatus, Shared, ShareKind
from gemini_desk.core.events import RetryWait, SessionState
from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.observable import Observable
from gemini_desk.core.settings import Settings
from gemini_desk.desktop.notices_wiring import wire_notices
from gemini_desk.live.config import Endpoint
from gemini_desk.session.conversation import Conversation
from gemini_desk.sim import SimConfig, SimThread
from gemini_desk.sim.tls import generate_tls
from gemini_desk.ui.connection_banner import ConnectionBanner
from gemini_desk.ui.main_window import MainWindow
from gemini_desk.ui.message_text import message_text
from gemini_desk.ui.notices import Severity
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


def _floor() -> tuple[float, float, bool]:
    return (-90.0, -90.0, False)


@pytest.fixture
def window() -> MainWindow:
    win = MainWindow(_floor, _floor)
    win.show()
    yield win
    win.close_now()
    win.deleteLater()
    process_events()


def test_each_severity_has_its_own_style_and_only_errors_are_called_errors(
    window: MainWindow,
) -> None:
    window.show_error(message(MessageId.APPLY_NEXT_CONNECT))
    window.show_error(message(MessageId.MUTED_CANNOT_TALK))
    window.show_error(message(MessageId.NO_CAMERA))
    rows = {row.spec.severity: row for row in window.notices.rows}
    assert set(rows) == {Severity.INFO, Severity.WARNING, Severity.ERROR}
    assert rows[Severity.INFO].spec.text == message_text(message(MessageId.APPLY_NEXT_CONNECT))
    assert rows[Severity.INFO].accessibleName() == "Information"
    assert rows[Severity.WARNING].accessibleName() == "Warning"
    assert rows[Severity.ERROR].accessibleName() == "Error"
    # Each is painted in its own colours.
    backgrounds = {row.grab().toImage().pixelColor(4, 4).name() for row in rows.values()}
    assert len(backgrounds) == 3


def test_apply_when_you_next_connect_clears_on_connect(window: MainWindow) -> None:
    window.set_session_state(SessionState.CONNECTED)
    window.show_error(message(MessageId.APPLY_NEXT_CONNECT))
    window.set_session_state(SessionState.DISCONNECTED)
    assert window.notices.isVisible(), "still to apply"
    window.set_session_state(SessionState.CONNECTING)
    assert window.notices.isHidden() and window.notices.rows == []


def test_no_camera_clears_when_a_share_starts(window: MainWindow, tmp_path: Path) -> None:
    conversation = Conversation(window, Settings(), tmp_path, None, None)
    shared: Observable[Shared | None] = Observable(None)
    wire_notices(window, conversation, shared)
    window.show_error(message(MessageId.NO_CAMERA))
    window.show_error(message(MessageId.APPLY_NEXT_CONNECT))
    shared.set(Shared(ShareKind.REGION, width=800, height=600))
    assert window.notices.texts() == [message_text(message(MessageId.APPLY_NEXT_CONNECT))]


def test_the_muted_warning_clears_on_unmute(window: MainWindow) -> None:
    window.set_muted(True)
    window.show_error(message(MessageId.MUTED_CANNOT_TALK))
    assert window.notices.severity_of(window.notices.message) is Severity.WARNING
    window.set_muted(False)
    assert window.notices.rows == []


def test_a_notice_replaces_its_older_self_and_dismiss_removes_it(window: MainWindow) -> None:
    window.show_error(message(MessageId.NO_CAMERA))
    window.show_error(message(MessageId.NO_CAMERA))
    [row] = window.notices.rows
    QTest.mouseClick(row.dismiss_button, Qt.MouseButton.LeftButton)
    assert window.notices.rows == [] and window.notices.isHidden()


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_countdown_follows_the_clock_and_a_new_wait_starts_afresh() -> None:
    clock = Clock()
    banner = ConnectionBanner(clock=clock)
    wait = message(MessageId.RETRY_REFUSED, 8)
    banner.show_status(SessionStatus(SessionState.RECONNECTING, wait, RetryWait(8.0, 1)))
    assert banner.isVisibleTo(banner.parentWidget() or banner)
    assert banner.title_label.text() == "Cannot connect", "it never connected"
    assert "refused" in banner.cause_label.text()
    assert "network" not in banner.cause_label.text().lower()
    assert banner.countdown_label.text() == "Retrying in 8 s"
    clock.now += 2.5
    banner._update_countdown()
    assert banner.countdown_label.text() == "Retrying in 6 s"
    # The same words again are a new wait: its own countdown.
    banner.show_status(SessionStatus(SessionState.RECONNECTING, wait, RetryWait(8.0, 2)))
    assert banner.seconds_left == 8
    banner.show_status(SessionStatus(SessionState.CONNECTED))
    assert banner.isHidden()
    banner.show_status(SessionStatus(SessionState.RECONNECTING, wait, RetryWait(8.0, 3)))
    assert banner.title_label.text() == "Connection lost", "it was connected"
    banner.deleteLater()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


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


def test_a_refused_connection_counts_down_and_retry_now_connects(
    qapp: QApplication,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Nothing listens at first: the banner says the connection was refused (not "waiting
    for the network"), its countdown goes down; the server starts, "Retry now" connects
    at once, long before the wait would have ended."""
    port = _free_port()
    tls = tmp_path / "tls"  # the server made later writes its CA here, over this one
    ca_file = generate_tls(tls).ca_file
    settings = Settings()
    holder: list[SimThread] = []

    window = MainWindow(_floor, _floor)
    window.show()

    async def main() -> None:
        conv = Conversation(window, settings, tmp_path, None, None)
        conv.make_backoff = lambda: Backoff(base=30.0, cap=30.0, jitter=0.0)
        conv.endpoint = Endpoint(api_key="k", base_url=f"https://127.0.0.1:{port}", ca_file=ca_file)
        wire_notices(window, conv, Observable(None))
        banner = window.connection_banner
        try:
            conv.connect()
            await _until(lambda: banner.isVisible(), 20, "the connection banner")
            assert conv.state is SessionState.RECONNECTING
            assert banner.title_label.text() == "Cannot connect"
            assert "refused" in banner.cause_label.text()
            first = banner.seconds_left
            assert first is not None and 25 <= first <= 30
            await _until(
                lambda: banner.countdown_label.text() != f"Retrying in {first} s", 3, "a tick"
            )
            assert banner.countdown_label.text() == f"Retrying in {first - 1} s"
            holder.append(SimThread(SimConfig(api_key="k"), port=port, cert_dir=tls).start())
            clicked = time.monotonic()
            QTest.mouseClick(banner.retry_button, Qt.MouseButton.LeftButton)
            await _until(lambda: conv.state is SessionState.CONNECTED, 15, "the connection")
            assert time.monotonic() - clicked < 10, "at once, not after the wait"
            assert banner.isHidden()
            assert holder[0].server.sessions, "the local server saw the connection"
        finally:
            await conv.shutdown()
            window.close_now()
            window.deleteLater()

    try:
        _run(main)
    finally:
        for thread in holder:
            thread.stop()


def test_a_typed_message_shows_sending_then_not_sent_with_retry(
    qapp: QApplication,  # noqa: F811
    tmp_path: Path,
) -> None:
    """Typed while the connection is being replaced it waits ("sending…"); when the
    conversation ends first it is "not sent", and Retry sends it once connected."""
    port = _free_port()
    config = SimConfig(api_key="k", full_records=True)
    tls = tmp_path / "tls"  # the same CA file, rewritten by each server
    sims = [SimThread(config, port=port, cert_dir=tls).start()]
    sim = sims[0]

    window = MainWindow(_floor, _floor)
    window.show()

    async def main() -> None:
        conv = Conversation(window, Settings(), tmp_path, None, None)
        conv.endpoint = Endpoint(api_key="k", base_url=sim.base_url, ca_file=sim.ca_file)
        wire_notices(window, conv, Observable(None))
        try:
            conv.connect()
            await _until(lambda: conv.state is SessionState.CONNECTED, 20, "the connection")
            conv.send_text("first message")
            [first] = [t for t in conv.transcript.turns if t.text == "first message"]
            await _until(lambda: first.finished, 10, "the first message to go out")
            assert first.delivery == ""
            # The server goes away: the next message can only wait.
            sim.stop()
            await _until(lambda: conv.state is SessionState.RECONNECTING, 20, "reconnecting")
            conv.send_text("second message")
            [second] = [t for t in conv.transcript.turns if t.text == "second message"]
            bubble = window.transcript._bubbles[second.id]
            window.transcript.flush()
            assert bubble.delivery.text() == "sending…"
            await conv.disconnect()
            window.transcript.flush()
            assert second.delivery == "not_sent"
            assert bubble.delivery.text() == "not sent —"
            assert bubble.retry_button.isVisibleTo(bubble)
            # The server is back: Retry connects and sends it, as a new turn.
            sims.append(SimThread(config, port=port, cert_dir=tls).start())
            QTest.mouseClick(bubble.retry_button, Qt.MouseButton.LeftButton)
            await _until(lambda: conv.state is SessionState.CONNECTED, 20, "the connection")
            [again] = [t for t in conv.transcript.turns if t.text == "second message"][1:]
            await _until(lambda: again.finished, 10, "the message to go out")
            assert again.delivery == "" and second.delivery == "resent"
            await _until(
                lambda: any("second message" in s.texts for s in sims[1].server.sessions),
                10,
                "the server to get it",
            )
            window.transcript.flush()
            assert not bubble.retry_button.isVisibleTo(bubble)
        finally:
            await conv.shutdown()
            window.close_now()
            window.deleteLater()

    try:
        _run(main)
    finally:
        for thread in sims:
            thread.stop()
