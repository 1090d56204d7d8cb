"""A turn that streams for ever is bounded (issue 18, finding 19): the first
``MAX_TURN_CHARS`` characters are kept, the turn is marked ``truncated`` (the view says
so in words, the file keeps the mark) and further fragments cost nothing."""

from __future__ import annotations

from gemini_desk.core.events import (
    InputTranscript,
    InterimInputTranscript,
    OutputTranscript,
    TurnComplete,
)
from gemini_desk.core.transcript import MAX_TURN_CHARS, Role, Transcript, Turn


def test_an_answer_that_never_ends_keeps_its_first_characters_and_a_mark() -> None:
    changes: list[Turn] = []
    t = Transcript(on_change=changes.append)
    fragment = " endless"
    count = 3 * MAX_TURN_CHARS // len(fragment)
    for _ in range(count):
        t.apply(OutputTranscript(fragment))
    [turn] = t.turns
    assert len(turn.text) == MAX_TURN_CHARS
    expected = ("endless" + fragment * count)[:MAX_TURN_CHARS]
    assert turn.text == expected
    assert turn.truncated
    # Past the cap a fragment changes nothing, so nothing is notified (nothing redrawn).
    notified = len(changes)
    assert notified < count // 2
    t.apply(OutputTranscript(fragment))
    assert len(changes) == notified
    t.apply(TurnComplete())
    assert turn.finished and turn.truncated and len(turn.text) <= MAX_TURN_CHARS


def test_one_huge_fragment_is_capped_too() -> None:
    t = Transcript()
    t.apply(InputTranscript("x" * (MAX_TURN_CHARS * 2)))
    t.apply(InterimInputTranscript("y" * (MAX_TURN_CHARS * 2)))
    [turn] = t.turns
    assert len(turn.text) == MAX_TURN_CHARS and turn.truncated
    assert len(turn.interim) <= MAX_TURN_CHARS
    t.apply(TurnComplete())
    assert turn.role is Role.USER and len(turn.text) <= MAX_TURN_CHARS


def test_the_mark_is_stored_and_read_back() -> None:
    turn = Turn(1, Role.MODEL, "abc", finished=True, truncated=True)
    assert turn.to_dict()["truncated"] is True
    assert Turn.from_dict(turn.to_dict()).truncated
    plain = Turn(2, Role.MODEL, "abc", finished=True)
    assert "truncated" not in plain.to_dict()  # files of ordinary turns do not change
    assert not Turn.from_dict(plain.to_dict()).truncated


def test_a_normal_answer_is_untouched() -> None:
    t = Transcript()
    for word in ("Hello", " there,", " friend."):
        t.apply(OutputTranscript(word))
    t.apply(TurnComplete())
    assert t.turns[0].text == "Hello there, friend." and not t.turns[0].truncated
