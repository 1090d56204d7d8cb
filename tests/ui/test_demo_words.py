"""The demo server's captions are said in the UI language in demo mode (and only its
captions: what the user typed or said passes through)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QApplication

from gemini_desk.core.transcript import Role, Turn
from gemini_desk.ui.demo_words import demo_turn, demo_words
from gemini_desk.ui.main_window import MainWindow
from tests.support.qt import process_events, qapp, qt_warnings_fatal  # noqa: F401


class Marking(QTranslator):
    """Says every DemoServer string as «…», so a test sees which were translated."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        return f"«{source}»" if context == "DemoServer" else ""


@pytest.fixture
def marking(qapp: QApplication) -> Iterator[None]:  # noqa: F811
    translator = Marking()
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


@pytest.mark.parametrize(
    ("said", "shown"),
    [
        ("(2.9 s of speech)", "«(2.9 s of speech)»"),
        ("(0.3 s of speech so far)", "«(0.3 s of speech so far)»"),
        (
            "Local demo server: playing back what you said (12.5 s)",
            "«Local demo server: playing back what you said (12.5 s)»",
        ),
        (
            "Local demo server: the voice Puck is not available here;"
            " playing back what you said (2.7 s)",
            "«Local demo server: the voice Puck is not available here;"
            " playing back what you said (2.7 s)»",
        ),
        (
            "Local demo server: I received nothing I can play back",
            "«Local demo server: I received nothing I can play back»",
        ),
        # Not the demo's own captions: the user's words, a longer answer.
        ("I said (2.9 s of speech)", "I said (2.9 s of speech)"),
        ("(2.9 s of speech) and more", "(2.9 s of speech) and more"),
        (
            "Local demo server: playing back what you said (2.7 s), and you typed: hi",
            "Local demo server: playing back what you said (2.7 s), and you typed: hi",
        ),
        ("", ""),
    ],
)
def test_demo_words(marking: None, said: str, shown: str) -> None:
    assert demo_words(said) == shown


def test_demo_turn_copies_only_when_a_caption_changes(marking: None) -> None:
    typed = Turn(1, Role.USER, "hello", typed=True)
    assert demo_turn(typed) is typed
    heard = Turn(2, Role.USER, "", interim="(0.6 s of speech so far)")
    shown = demo_turn(heard)
    assert shown.interim == "«(0.6 s of speech so far)»" and shown.id == 2
    assert heard.interim == "(0.6 s of speech so far)", "the transcript's turn is untouched"


def _floor() -> tuple[float, float, bool]:
    return (-90.0, -90.0, False)


def test_the_window_says_the_demo_s_captions_in_demo_mode_only(marking: None) -> None:
    window = MainWindow(_floor, _floor)
    captions: list[str] = []
    window.turn_listeners.append(lambda turn: captions.append(turn.text))
    try:
        window.show_turn(Turn(1, Role.USER, "(2.9 s of speech)", finished=True))
        assert window.transcript.turn_text(1) == "(2.9 s of speech)", "not in demo mode"
        window.set_demo_mode(True)
        window.show_turn(Turn(2, Role.USER, "(1.5 s of speech)", finished=True))
        assert window.transcript.turn_text(2) == "«(1.5 s of speech)»"
        assert captions[-1] == "«(1.5 s of speech)»", "mini mode's captions too"
        window.show_turn(Turn(3, Role.USER, "what I typed", typed=True, finished=True))
        assert window.transcript.turn_text(3) == "what I typed"
    finally:
        window.close_now()
        window.deleteLater()
        process_events()


def test_history_says_a_stored_demo_caption_in_words(marking: None) -> None:
    """History shows the stored text (the source of truth) in the UI language too."""
    from gemini_desk.core.history import ConversationSummary
    from gemini_desk.ui.history_list import title_text
    from gemini_desk.ui.history_turns import describe

    stored = {"role": "user", "text": "(2.9 s of speech)", "started_at": 0.0}
    assert describe(stored).endswith("\n«(2.9 s of speech)»")
    summary = ConversationSummary(Path("c.jsonl"), 0.0, 2, "(2.9 s of speech)")
    assert title_text(summary) == "«(2.9 s of speech)»"
