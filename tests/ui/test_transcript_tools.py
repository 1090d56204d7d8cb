"""Tool calls and search sources in the transcript: rows, words, order, links."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from gemini_desk.core.events import Grounding, InputTranscript, OutputTranscript, TurnComplete
from gemini_desk.core.tools import CallState, ToolCallRecord
from gemini_desk.core.transcript import Role, Transcript, Turn
from gemini_desk.ui.tool_row import args_text, duration_text, state_text
from gemini_desk.ui.transcript_view import TranscriptView
from tests.support.browser import Browser, browser  # noqa: F401
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


@pytest.fixture
def view(qapp) -> Iterator[TranscriptView]:  # noqa: F811
    widget = TranscriptView()
    widget.resize(640, 480)
    widget.show()
    process_events()
    yield widget
    widget.close()
    widget.deleteLater()


def _record(**fields: object) -> ToolCallRecord:
    defaults: dict[str, object] = {"call_id": "c1", "name": "get_time"}
    return ToolCallRecord(**(defaults | fields))  # type: ignore[arg-type]


# --- words --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("seconds", "words"),
    [(0.0123, "12 ms"), (0.9994, "999 ms"), (2.06, "2.1 s"), (95.4, "95 s"), (None, "")],
)
def test_durations_in_words(seconds: float | None, words: str) -> None:
    assert duration_text(seconds) == words


@pytest.mark.parametrize(
    ("state", "reason", "words"),
    [
        (CallState.WAITING, "", "waiting for your approval"),
        (CallState.RUNNING, "", "running…"),
        (CallState.DONE, "", "done"),
        (CallState.DENIED, "user", "denied: you denied it"),
        (CallState.DENIED, "timeout", "denied: no answer in time"),
        (CallState.DENIED, "policy", "denied: set to Never in Settings"),
        (CallState.CANCELLED, "server", "cancelled: the server withdrew it"),
        (CallState.CANCELLED, "barge_in", "cancelled: you interrupted"),
        (CallState.CANCELLED, "connection", "cancelled: the connection ended"),
        (CallState.CANCELLED, "shutdown", "cancelled: the app was closing"),
        (CallState.FAILED, "timeout", "failed: timed out"),
        (CallState.FAILED, "", "failed"),
        (CallState.FAILED, "something-new", "failed"),  # an unknown reason is not shown
    ],
)
def test_states_in_words(state: CallState, reason: str, words: str) -> None:
    assert state_text(_record(state=state, reason=reason)) == words


def test_arguments_are_shortened_to_one_line() -> None:
    args = {"city": "Paris", "days": 3, "note": "x" * 100, "tags": ["a", "b"]}
    line = args_text(args)
    assert line.startswith('city="Paris", days=3, note="xxx')
    assert "…" in line and "\n" not in line
    assert len(line) <= 90
    assert args_text({}) == ""


# --- rows ---------------------------------------------------------------------------------
def test_a_call_is_one_row_updated_in_place(view: TranscriptView, qtbot: QtBot) -> None:
    transcript = Transcript(on_change=view.show_turn)
    running = _record(args={"timezone": "Asia/Tokyo"}, source="mcp:time")
    turn = transcript.show_tool_call(running)
    assert view.turn_ids() == [turn.id]
    assert view.turn_header(turn.id) == '⚙ get_time(timezone="Asia/Tokyo") · running…'
    row = view.tool_row(turn.id)
    assert not row.summary_label.isVisibleTo(row)
    qtbot.waitUntil(row.isVisible)
    assert row.args_label.text() == '(timezone="Asia/Tokyo")'  # room enough: not elided
    assert "MCP server time" in row.toolTip() and '"timezone": "Asia/Tokyo"' in row.toolTip()

    done = _record(
        args={"timezone": "Asia/Tokyo"},
        source="mcp:time",
        state=CallState.DONE,
        duration_s=0.012,
        summary="21:04 in Tokyo",
        status="ok",
    )
    transcript.show_tool_call(done)
    assert view.turn_ids() == [turn.id]  # the same row, not a second one
    assert view.turn_header(turn.id) == '⚙ get_time(timezone="Asia/Tokyo") · done · 12 ms'
    assert view.turn_text(turn.id).endswith("\n→ 21:04 in Tokyo")
    assert row.summary_label.isVisibleTo(row)
    assert row.accessibleName() == view.turn_header(turn.id)


def test_rows_say_how_calls_ended(view: TranscriptView) -> None:
    transcript = Transcript(on_change=view.show_turn)
    ends = [
        _record(call_id="a", name="open_url", state=CallState.DENIED, reason="user"),
        _record(call_id="b", name="read_clipboard", state=CallState.FAILED, reason="timeout"),
        _record(call_id="c", name="look_at_screen", state=CallState.CANCELLED, reason="barge_in"),
    ]
    ids = [transcript.show_tool_call(r).id for r in ends]
    headers = [view.turn_header(i) for i in ids]
    assert headers == [
        "⚙ open_url · denied: you denied it",
        "⚙ read_clipboard · failed: timed out",
        "⚙ look_at_screen · cancelled: you interrupted",
    ]
    states = [view.tool_row(i).state_label.property("toolState") for i in ids]
    assert states == ["denied", "failed", "cancelled"]


def test_what_a_tool_returns_is_shown_as_plain_text(view: TranscriptView) -> None:
    transcript = Transcript(on_change=view.show_turn)
    html = '<img src="file:///etc/passwd"><a href="x">click</a>'
    record = _record(name="<b>x</b>", state=CallState.DONE, summary=html, duration_s=0.5)
    turn = transcript.show_tool_call(record)
    row = view.tool_row(turn.id)
    for label in (row.name_label, row.summary_label):
        assert label.textFormat() == Qt.TextFormat.PlainText
    assert row.name_label.text() == "<b>x</b>"
    assert row.summary_label.text() == f"→ {html}"


def test_a_long_summary_is_shortened_with_the_full_text_in_the_tooltip(
    view: TranscriptView,
) -> None:
    transcript = Transcript(on_change=view.show_turn)
    long = "word " * 200
    turn = transcript.show_tool_call(_record(state=CallState.DONE, summary=long))
    row = view.tool_row(turn.id)
    assert len(row.summary_label.text()) <= 302 and row.summary_label.text().endswith("…")
    assert row.summary_label.toolTip() == long


def test_tool_rows_keep_the_core_transcripts_order(view: TranscriptView) -> None:
    transcript = Transcript(on_change=view.show_turn)
    transcript.add_typed("what time is it?")
    transcript.apply(OutputTranscript("Let me check"))  # the answer is open…
    transcript.show_tool_call(_record())  # …a call made during it goes after it…
    transcript.apply(InputTranscript("and in Tokyo"))  # …late words go before both
    transcript.show_tool_call(_record(state=CallState.DONE, duration_s=0.01, summary="9 pm"))
    transcript.apply(TurnComplete())
    assert view.turn_ids() == [t.id for t in transcript.turns]
    roles = [t.role for t in transcript.turns]
    assert roles == [Role.USER, Role.USER, Role.MODEL, Role.TOOL]


def test_all_text_has_tool_rows_and_sources(view: TranscriptView) -> None:
    transcript = Transcript(on_change=view.show_turn)
    transcript.show_tool_call(_record(state=CallState.DONE, duration_s=2.06, summary="9 pm"))
    transcript.apply(OutputTranscript("It is nine."))
    transcript.apply(Grounding({"groundingChunks": [{"web": {"uri": "https://a.example/"}}]}))
    transcript.apply(TurnComplete())
    text = view.all_text()
    assert "⚙ get_time · done · 2.1 s\n→ 9 pm\n" in text
    assert "It is nine.\nSources:\n1. https://a.example/ <https://a.example/>" in text


# --- sources ------------------------------------------------------------------------------


GROUNDING = {
    "grounding_chunks": [
        {"web": {"uri": "https://www.nasa.gov/artemis", "title": "Artemis - NASA"}},
        {"web": {"uri": "javascript:alert(1)", "title": "Evil"}},
        {"web": {"uri": "file:///etc/passwd", "title": "Local"}},
        {"web": {"uri": "https://en.wikipedia.org/wiki/Artemis_II", "domain": "wikipedia.org"}},
        {"web": {"uri": "https://www.nasa.gov/artemis", "title": "Artemis - NASA (again)"}},
        {"web": {"uri": "http://example.com/<b>", "title": "<b>bold</b> & co"}},
    ]
}


def _answer_with_sources(view: TranscriptView) -> Turn:
    transcript = Transcript(on_change=view.show_turn)
    transcript.apply(OutputTranscript("Artemis II flies around the Moon."))
    transcript.apply(Grounding(GROUNDING))
    transcript.apply(TurnComplete())
    return transcript.turns[-1]


def test_sources_show_under_the_answer_once_each_in_order(view: TranscriptView) -> None:
    turn = _answer_with_sources(view)
    sources = view.turn_sources(turn.id)
    assert sources is not None and sources.isVisibleTo(view)
    assert sources.sources == [
        ("Artemis - NASA", "https://www.nasa.gov/artemis"),
        ("wikipedia.org", "https://en.wikipedia.org/wiki/Artemis_II"),
        ("<b>bold</b> & co", "http://example.com/<b>"),
    ]
    tips = [link.toolTip() for link in sources.links]
    assert tips == [uri for _title, uri in sources.sources]
    # Rich text for the link only: the title is escaped, never markup.
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co</a>" in sources.links[2].text()
    assert sources.links[0].accessibleName() == "Source 1: Artemis - NASA"


def test_a_turn_without_grounding_has_no_sources(view: TranscriptView) -> None:
    transcript = Transcript(on_change=view.show_turn)
    transcript.apply(OutputTranscript("Hello."))
    sources = view.turn_sources(transcript.turns[-1].id)
    assert sources is not None and not sources.isVisibleTo(view)


def test_a_source_opens_in_the_browser_with_the_keyboard(
    view: TranscriptView,
    browser: Browser,  # noqa: F811
    qtbot: QtBot,
) -> None:
    turn = _answer_with_sources(view)
    sources = view.turn_sources(turn.id)
    assert sources is not None
    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    link = sources.links[1]
    link.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(link.hasFocus)
    QTest.keyClick(link, Qt.Key.Key_Tab)  # into the label's link (a label walks its links)
    assert link.hasFocus()
    QTest.keyClick(link, Qt.Key.Key_Return)
    assert browser.opened == ["https://en.wikipedia.org/wiki/Artemis_II"]


def test_only_web_pages_open(view: TranscriptView, browser: Browser) -> None:  # noqa: F811
    turn = _answer_with_sources(view)
    sources = view.turn_sources(turn.id)
    assert sources is not None
    sources.set_sources([("Local", "file:///etc/passwd"), ("Web", "https://a.example/")])
    assert sources.links[0].textFormat() == Qt.TextFormat.PlainText  # not a link at all
    assert not sources.open_source(0)
    assert sources.open_source(1)
    assert browser.opened == ["https://a.example/"]


def test_arguments_give_way_in_a_narrow_window(view: TranscriptView, qtbot: QtBot) -> None:
    transcript = Transcript(on_change=view.show_turn)
    args = {"query": "quarterly report 2025 final", "folder": "/home/user/Documents/Reports"}
    turn = transcript.show_tool_call(_record(name="search_files", args=args))
    row = view.tool_row(turn.id)
    view.resize(360, 300)
    qtbot.waitUntil(lambda: row.width() <= 360)
    shown = row.args_label.text()
    assert shown.startswith('(query="') and shown.endswith("…")
    assert row.args_label.geometry().right() < row.state_label.geometry().left()
    assert row.state_label.geometry().right() <= row.contentsRect().right()  # not clipped
    full = '(query="quarterly report 2025 final", folder="/home/user/Documents/Reports")'
    assert view.turn_header(turn.id) == f"⚙ search_files{full} · running…"
    view.resize(1400, 300)  # room again: the arguments show in full
    qtbot.waitUntil(lambda: row.args_label.text() == full)
