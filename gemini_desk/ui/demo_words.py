"""The local demo server's captions in the UI language.

The demo server (gemini_desk/sim) speaks the Live API, so it answers with text, in
English, like a service would: "(2.9 s of speech)" for what it heard and "Local demo
server: playing back what you said (2.9 s)" for its answer. These few fixed captions
are the app's own words, not the user's or a model's, so in demo mode the window shows
them in the UI language. Anything else passes through unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QCoreApplication

from gemini_desk.core.transcript import Turn

__all__ = ["demo_turn", "demo_words"]

translate = QCoreApplication.translate
_SECONDS = r"(\d+(?:\.\d+)?)"


def _heard() -> str:
    return translate("DemoServer", "(%1 s of speech)")


def _so_far() -> str:
    return translate("DemoServer", "(%1 s of speech so far)")


def _playback() -> str:
    return translate("DemoServer", "Local demo server: playing back what you said (%1 s)")


def _playback_voice() -> str:
    return translate(
        "DemoServer",
        "Local demo server: the voice %1 is not available here; playing back what you said (%2 s)",
    )


def _nothing() -> str:
    return translate("DemoServer", "Local demo server: I received nothing I can play back")


_PLAY = rf"playing back what you said \({_SECONDS} s\)"
# The sim's captions (gemini_desk/sim/model.py, listener.py), and how each is said here.
_CAPTIONS: tuple[tuple[re.Pattern[str], Callable[[], str]], ...] = (
    (re.compile(rf"\({_SECONDS} s of speech\)"), _heard),
    (re.compile(rf"\({_SECONDS} s of speech so far\)"), _so_far),
    (re.compile(rf"Local demo server: {_PLAY}"), _playback),
    (
        re.compile(rf"Local demo server: the voice (\w+) is not available here; {_PLAY}"),
        _playback_voice,
    ),
    (re.compile("Local demo server: I received nothing I can play back"), _nothing),
)


def demo_words(text: str) -> str:
    """``text`` in the UI language if it is one of the demo server's captions."""
    if not text:
        return text
    for pattern, words in _CAPTIONS:
        found = pattern.fullmatch(text)
        if found is not None:
            said = words()
            for i, value in enumerate(found.groups(), 1):
                said = said.replace(f"%{i}", value)
            return said
    return text


def demo_turn(turn: Turn) -> Turn:
    """``turn`` as the window shows it in demo mode (a copy when a caption changed)."""
    text, interim = demo_words(turn.text), demo_words(turn.interim)
    if (text, interim) == (turn.text, turn.interim):
        return turn
    return replace(turn, text=text, interim=interim)
