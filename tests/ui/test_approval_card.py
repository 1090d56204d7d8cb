"""The approval card in the main window: what it shows, keys, queue, focus, countdown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
from PySide6.QtTest import QSignalSpy, QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from gemini_desk.core.events import SessionState
from gemini_desk.core.tools import ApprovalRequest
from gemini_desk.ui.approval_card import ARM_DELAY_S, ApprovalCard
from gemini_desk.ui.main_window import MainWindow
from tests.support.qt import qapp, qt_warnings_fatal  # noqa: F401


class Clock:
    """The card's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _silence() -> tuple[float, float, bool]:
    return float("-inf"), float("-inf"), False


@pytest.fixture
def window(qapp, qtbot: QtBot) -> Iterator[MainWindow]:  # noqa: F811
    win = MainWindow(_silence, _silence)
    win.set_session_state(SessionState.CONNECTED)
    win.show()
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    win.text_box.setFocus()
    qtbot.waitUntil(win.text_box.hasFocus)
    yield win
    win.close_now()
    win.deleteLater()


def _request(call_id: str = "c1", name: str = "open_url", **fields: object) -> ApprovalRequest:
    args = fields.pop("args", {"url": "https://example.com/"})
    return ApprovalRequest(call_id, name, args, **fields)  # type: ignore[arg-type]


def _decisions(spy: QSignalSpy) -> list[tuple[str, str]]:
    return [(spy.at(i)[0], spy.at(i)[1]) for i in range(spy.count())]


def test_the_card_shows_the_tool_its_source_and_arguments(window: MainWindow) -> None:
    card = window.approval_card
    assert not card.isVisible()
    long_text = "Artemis II: crew of four. " * 10
    window.show_approval(
        _request(
            name="write_clipboard",
            source="mcp:desktop",
            description="Puts text on the clipboard.",
            args={"text": long_text, "append": False},
        )
    )
    assert card.isVisible()
    assert card.title_label.text() == "Allow Gemini to use “write_clipboard”?"
    assert card.source_label.text() == "From: MCP server desktop"
    assert card.description_label.text() == "Puts text on the clipboard."
    values = {label.accessibleName(): label for label in card.args_box.findChildren(QLabel)}
    shown = values[f"text: {long_text!r}".replace("'", '"')]
    assert shown.text().endswith("…") and len(shown.text()) <= 90
    assert long_text.strip() in shown.toolTip()  # the full value, in the tooltip
    assert QFontInfo(shown.font()).fixedPitch()  # monospace
    assert values["append: false"].text() == "false"
    assert not card.waiting_label.isVisible()
    assert card.accessibleName() == "Approval needed: write_clipboard"


def test_tool_names_and_arguments_are_plain_text(window: MainWindow) -> None:
    card = window.approval_card
    window.show_approval(_request(name="<b>x</b>", args={"<i>k</i>": "<a href='y'>z</a>"}))
    for label in card.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
    assert "<b>x</b>" in card.title_label.text()


def test_no_arguments_and_many_arguments(window: MainWindow) -> None:
    card = window.approval_card
    window.show_approval(_request("a", args={}))
    texts = [label.text() for label in card.args_box.findChildren(QLabel) if label.isVisible()]
    assert texts == ["No arguments."]
    card.decide("deny")
    window.show_approval(_request("b", args={f"k{i}": i for i in range(9)}))
    more = card.args_box.findChild(QLabel, "approvalMoreArgs")
    assert more is not None and more.text() == "… and 3 more"
    assert '"k8": 8' in more.toolTip()


def test_enter_allows_once_and_focus_goes_back(window: MainWindow, qtbot: QtBot) -> None:
    spy = QSignalSpy(window.approvalDecided)
    window.show_approval(_request())
    card = window.approval_card
    assert card.once_button.hasFocus()  # the card took the focus in the active window
    qtbot.waitUntil(card.ready)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert _decisions(spy) == [("c1", "once")]
    assert not card.isVisible()
    assert window.text_box.hasFocus()  # back to where the user was


def test_escape_denies(window: MainWindow, qtbot: QtBot) -> None:
    spy = QSignalSpy(window.approvalDecided)
    window.show_approval(_request())
    qtbot.waitUntil(window.approval_card.ready)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    assert _decisions(spy) == [("c1", "deny")]
    assert window.text_box.hasFocus()


def test_enter_presses_the_focused_button(window: MainWindow, qtbot: QtBot) -> None:
    spy = QSignalSpy(window.approvalDecided)
    window.show_approval(_request("a"))
    window.show_approval(_request("b"))
    card = window.approval_card
    QTest.keyClick(card.once_button, Qt.Key.Key_Tab)
    assert card.always_button.hasFocus()
    qtbot.waitUntil(card.ready)
    QTest.keyClick(card.always_button, Qt.Key.Key_Return)
    qtbot.waitUntil(card.ready)
    QTest.keyClick(card.once_button, Qt.Key.Key_Tab)  # the next request, focus on Allow
    QTest.keyClick(card.always_button, Qt.Key.Key_Tab)
    assert card.deny_button.hasFocus()
    QTest.keyClick(card.deny_button, Qt.Key.Key_Enter)
    assert _decisions(spy) == [("a", "always"), ("b", "deny")]


def test_mnemonics_press_the_buttons(window: MainWindow, qtbot: QtBot) -> None:
    spy = QSignalSpy(window.approvalDecided)
    for call_id in ("a", "b", "c"):
        window.show_approval(_request(call_id))
    alt = Qt.KeyboardModifier.AltModifier
    for key in (Qt.Key.Key_W, Qt.Key.Key_D, Qt.Key.Key_O):
        count = spy.count()
        qtbot.waitUntil(window.approval_card.ready)
        QTest.keyClick(window, key, alt)
        qtbot.waitUntil(lambda count=count: spy.count() == count + 1)  # an animated click
    assert _decisions(spy) == [("a", "always"), ("b", "deny"), ("c", "once")]


def test_mnemonics_do_not_clash_in_the_window(window: MainWindow) -> None:
    window.show_approval(_request())
    texts = [a.text() for a in window.menuBar().actions()]
    texts += [b.text() for b in window.findChildren(QAbstractButton) if b.isVisible()]
    texts += [
        label.text()
        for label in window.findChildren(QLabel)
        if label.isVisible() and label.buddy() is not None
    ]
    letters = [t[t.index("&") + 1].lower() for t in texts if "&" in t.replace("&&", "")]
    assert {"o", "w", "d"} <= set(letters)
    assert len(letters) == len(set(letters)), texts


def test_requests_queue_and_withdrawn_ones_leave(window: MainWindow) -> None:
    spy = QSignalSpy(window.approvalDecided)
    card = window.approval_card
    for call_id in ("a", "b", "c"):
        window.show_approval(_request(call_id, name=f"tool_{call_id}"))
    assert card.pending() == ["a", "b", "c"]
    assert card.waiting_label.isVisible() and card.waiting_label.text() == "2 more waiting"
    window.withdraw_approval("b")  # a queued one: the card stays on "a"
    assert card.current() is not None and card.current().call_id == "a"
    assert card.waiting_label.text() == "1 more waiting"
    window.withdraw_approval("a")  # the one on show timed out: the next shows
    assert card.title_label.text() == "Allow Gemini to use “tool_c”?"
    assert not card.waiting_label.isVisible()
    assert card.once_button.hasFocus()  # the focus stays in the card for the next one
    window.withdraw_approval("zzz")  # unknown: nothing happens
    assert card.pending() == ["c"]
    window.withdraw_approval("c")
    assert not card.isVisible()
    assert spy.count() == 0  # withdrawn requests are not decisions
    assert window.text_box.hasFocus()


def test_a_request_asked_twice_is_shown_once(window: MainWindow) -> None:
    card = window.approval_card
    window.show_approval(_request("a", args={"url": "https://one.example/"}))
    window.show_approval(_request("a", args={"url": "https://two.example/"}))
    assert card.pending() == ["a"]
    names = [label.accessibleName() for label in card.args_box.findChildren(QLabel)]
    assert 'url: "https://two.example/"' in names


def test_a_background_window_keeps_its_focus(window: MainWindow, qtbot: QtBot) -> None:
    other = QWidget()
    other.show()
    other.activateWindow()
    qtbot.waitUntil(other.isActiveWindow)
    window.show_approval(_request())
    card = window.approval_card
    assert card.isVisible()
    assert not card.once_button.hasFocus()
    other.close()
    other.deleteLater()


def test_the_countdown_follows_the_clock(qapp, qtbot: QtBot) -> None:  # noqa: F811
    clock = Clock()
    host = QWidget()
    card = ApprovalCard(host, clock=clock)
    host.show()
    card.add_request(_request(timeout_s=60))
    assert card.countdown_label.text() == "Denied in 60 s if you do not answer"
    clock.now += 30.2
    qtbot.waitUntil(lambda: card.countdown_label.text() == "Denied in 30 s if you do not answer")
    clock.now += 40
    qtbot.waitUntil(lambda: card.countdown_label.text() == "Time is up")
    assert card.isVisible()  # the timeout is the caller's: it withdraws the request
    card.withdraw("c1")
    assert not card.isVisible()
    host.close()
    host.deleteLater()


def test_keys_count_only_once_the_request_has_been_seen(qapp, qtbot: QtBot) -> None:  # noqa: F811
    clock = Clock()
    host = QWidget()
    card = ApprovalCard(host, clock=clock)
    spy = QSignalSpy(card.decided)
    host.show()
    host.activateWindow()
    qtbot.waitUntil(host.isActiveWindow)
    card.add_request(_request("a"))
    card.add_request(_request("b"))
    assert card.once_button.hasFocus()
    QTest.keyClick(card.once_button, Qt.Key.Key_Return)  # an Enter meant for the text box
    QTest.mouseClick(card.deny_button, Qt.MouseButton.LeftButton)
    assert spy.count() == 0 and card.pending() == ["a", "b"]
    clock.now += ARM_DELAY_S
    QTest.keyClick(card.once_button, Qt.Key.Key_Return)
    QTest.keyClick(card.once_button, Qt.Key.Key_Return)  # a double press: "b" is new
    assert _decisions(spy) == [("a", "once")]
    assert card.current() is not None and card.current().call_id == "b"
    clock.now += ARM_DELAY_S
    QTest.keyClick(card.once_button, Qt.Key.Key_Escape)
    assert _decisions(spy) == [("a", "once"), ("b", "deny")]
    host.close()
    host.deleteLater()


def test_every_button_says_what_it_does_to_which_tool(window: MainWindow) -> None:
    window.show_approval(_request(name="read_clipboard"))
    card = window.approval_card
    names = [b.accessibleName() for b in (card.once_button, card.always_button, card.deny_button)]
    assert names == [
        "Allow read_clipboard once",
        "Always allow read_clipboard",
        "Deny read_clipboard",
    ]


def test_unknown_decisions_are_refused(qapp) -> None:  # noqa: F811
    card = ApprovalCard()
    with pytest.raises(ValueError, match="maybe"):
        card.decide("maybe")
    card.deleteLater()
