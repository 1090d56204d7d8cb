"""TranscriptView: streaming upserts, order, markers, auto-scroll."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from gemini_desk.core.transcript import Role, Transcript, Turn
from gemini_desk.ui.transcript_view import TranscriptView
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


@pytest.fixture
def view(qapp) -> Iterator[TranscriptView]:  # noqa: F811
    widget = TranscriptView()
    widget.resize(420, 300)
    widget.show()
    process_events()
    yield widget
    widget.close()
    widget.deleteLater()


def test_placeholder_until_first_turn_and_after_clear(view: TranscriptView) -> None:
    assert view.placeholder_visible
    view.show_turn(Turn(1, Role.USER, "hi"))
    assert not view.placeholder_visible
    view.clear()
    process_events()
    assert view.placeholder_visible
    assert view.turn_ids() == []
    assert view.all_text() == ""


def test_fragments_update_the_same_bubble_in_place(view: TranscriptView) -> None:
    transcript = Transcript(on_change=view.show_turn)
    from gemini_desk.core.events import OutputTranscript, TurnComplete

    transcript.apply(OutputTranscript("Hello"))
    assert view.turn_text(1) == "Hello"
    transcript.apply(OutputTranscript(" there,"))
    transcript.apply(OutputTranscript(" friend."))
    assert view.turn_ids() == [1]
    assert view.turn_text(1) == "Hello there, friend."
    transcript.apply(TurnComplete())
    assert view.turn_ids() == [1]
    assert "Gemini" in view.turn_header(1)


def test_order_follows_the_core_transcript(view: TranscriptView) -> None:
    from gemini_desk.core.events import InputTranscript, OutputTranscript, TurnComplete

    transcript = Transcript(on_change=view.show_turn)
    transcript.add_typed("first")
    transcript.apply(OutputTranscript("answer"))
    # The user's words arrive after the answer began: they go above it.
    transcript.apply(InputTranscript("late words"))
    transcript.apply(TurnComplete())
    transcript.apply(InputTranscript("next question"))
    assert view.turn_ids() == [t.id for t in transcript.turns]
    texts = [view.turn_text(i) for i in view.turn_ids()]
    assert texts == ["first", "late words", "answer", "next question"]


def test_streaming_placeholder_then_text(view: TranscriptView) -> None:
    turn = Turn(7, Role.MODEL, "")
    view.show_turn(turn)
    assert view.turn_text(7) == "…"
    turn.text = "Now"
    view.show_turn(turn)
    assert view.turn_text(7) == "Now"


def test_header_time_latency_and_interrupted(view: TranscriptView) -> None:
    started = time.mktime((2026, 11, 3, 14, 5, 9, 0, 0, -1))
    turn = Turn(3, Role.MODEL, "Once upon", started_at=started)
    view.show_turn(turn)
    header = view.turn_header(3)
    assert "14:05:09" in header
    assert "latency" not in header
    assert "(interrupted)" not in header
    turn.latency_ms = 412.4
    turn.interrupted = True
    view.show_turn(turn)
    header = view.turn_header(3)
    # The answer's delay is a figure for the curious: on hover, not on the main screen.
    assert "latency" not in header and "412" not in header
    assert view.turn_header_tip(3) == "Answered 412 ms after you stopped"
    assert "(interrupted)" in header
    assert "(interrupted)" in view.all_text()


def test_user_latency_is_not_shown(view: TranscriptView) -> None:
    view.show_turn(Turn(1, Role.USER, "hi", latency_ms=100))
    assert "latency" not in view.turn_header(1)
    assert view.turn_header_tip(1) == ""


def test_text_is_plain_and_selectable(view: TranscriptView) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QLabel

    view.show_turn(Turn(1, Role.MODEL, "<b>not bold</b>"))
    [body] = [label for label in view.findChildren(QLabel) if label.text() == "<b>not bold</b>"]
    assert body.textFormat() == Qt.TextFormat.PlainText
    assert body.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert view.turn_text(1) == "<b>not bold</b>"


def test_auto_scrolls_unless_the_user_scrolled_up(view: TranscriptView) -> None:
    bar = view.scroll_area().verticalScrollBar()
    for i in range(1, 30):
        view.show_turn(Turn(i, Role.USER if i % 2 else Role.MODEL, f"line {i} " * 8, finished=True))
        process_events()
    assert bar.maximum() > 0
    assert bar.value() == bar.maximum()
    assert view.following

    bar.setValue(0)  # the user scrolls up to read
    assert not view.following
    view.show_turn(Turn(100, Role.MODEL, "more text " * 10))
    process_events()
    assert bar.value() == 0

    bar.setValue(bar.maximum())  # back at the bottom: follow again
    view.show_turn(Turn(101, Role.MODEL, "even more " * 10))
    process_events()
    assert bar.value() == bar.maximum()


def test_streaming_growth_keeps_the_bottom_in_view(view: TranscriptView) -> None:
    bar = view.scroll_area().verticalScrollBar()
    for i in range(1, 20):
        view.show_turn(Turn(i, Role.USER, f"turn {i}", finished=True))
    turn = Turn(50, Role.MODEL, "")
    view.show_turn(turn)
    for _ in range(15):
        turn.text += " and then another sentence arrived from the model"
        view.show_turn(turn)
        process_events()
    assert bar.value() == bar.maximum()


def test_a_turn_streaming_fragments_is_not_re_rendered_per_fragment(
    view: TranscriptView,
) -> None:
    """Issue 18, finding 19: 20 000 fragments of one answer cost a handful of full
    re-renders (each costs time in the turn's length), not one per fragment, and what
    is shown is still exactly the turn's text."""
    from gemini_desk.core.events import OutputTranscript, TurnComplete

    transcript = Transcript(on_change=view.show_turn)
    words = ["la", "lo", "li"]
    for i in range(20_000):
        transcript.apply(OutputTranscript(" " + words[i % 3]))
    [turn] = transcript.turns
    assert view.turn_text(turn.id) == turn.text  # shown correctly when looked at
    process_events(100)
    assert view.renders(turn.id) <= 3, "re-rendered on every fragment"
    transcript.apply(TurnComplete())
    assert view.turn_text(turn.id) == turn.text and turn.finished
    assert view.renders(turn.id) <= 4


def test_streamed_text_appears_without_being_looked_at(view: TranscriptView) -> None:
    """Throttled, not lost: the last fragment reaches the screen by itself."""
    from PySide6.QtWidgets import QLabel

    from gemini_desk.core.events import OutputTranscript

    transcript = Transcript(on_change=view.show_turn)
    transcript.apply(OutputTranscript("first"))
    transcript.apply(OutputTranscript(" second"))
    transcript.apply(OutputTranscript(" third"))
    deadline = time.monotonic() + 5.0
    shown: list[str] = []
    while time.monotonic() < deadline:
        process_events(10)
        shown = [label.text() for label in view.findChildren(QLabel)]
        if "first second third" in shown:
            break
    assert "first second third" in shown
