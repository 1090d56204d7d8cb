"""Typed messages marked "sending" until they are on the wire, "not sent" when their
connection ended first; answers cut off with their connection marked interrupted."""

from __future__ import annotations

from gemini_desk.core.events import OutputTranscript, TurnComplete
from gemini_desk.core.transcript import Role, Transcript, Turn


def make() -> tuple[Transcript, list[Turn]]:
    finished: list[Turn] = []
    return Transcript(on_finished=finished.append, clock=lambda: 1.0), finished


def test_a_typed_message_is_sending_until_it_is_sent() -> None:
    transcript, finished = make()
    turn = transcript.add_typed("hello", sending=True)
    assert turn.delivery == "sending" and not turn.finished and finished == []
    transcript.text_sent(turn.id)
    assert turn.delivery == "" and turn.finished and finished == [turn]
    assert "not_sent" not in turn.to_dict()
    transcript.text_sent(turn.id)  # a second report changes nothing
    assert finished == [turn]


def test_messages_still_sending_when_the_connection_ends_are_not_sent() -> None:
    transcript, finished = make()
    sent = transcript.add_typed("first", sending=True)
    waiting = transcript.add_typed("second", sending=True)
    transcript.text_sent(sent.id)
    assert transcript.not_sent() == [waiting]
    assert waiting.delivery == "not_sent" and waiting.finished
    assert finished == [sent, waiting]
    stored = waiting.to_dict()
    assert stored["not_sent"] is True
    assert Turn.from_dict(stored).delivery == "not_sent"
    assert transcript.not_sent() == []


def test_a_turn_complete_leaves_a_message_that_is_still_sending_open() -> None:
    transcript, _ = make()
    turn = transcript.add_typed("hello", sending=True)
    transcript.apply(OutputTranscript("an earlier answer"))
    transcript.apply(TurnComplete())
    assert turn.delivery == "sending" and not turn.finished


def test_a_resent_message_offers_no_retry_any_more() -> None:
    transcript, _ = make()
    turn = transcript.add_typed("hello", sending=True)
    transcript.not_sent()
    assert transcript.mark_resent(turn.id) is turn
    assert turn.delivery == "resent"
    assert transcript.mark_resent(turn.id) is None


def test_an_answer_cut_off_with_its_connection_is_interrupted() -> None:
    transcript, finished = make()
    transcript.apply(OutputTranscript("Half of an"))
    transcript.apply(TurnComplete(cut=True))
    [answer] = finished
    assert answer.role is Role.MODEL and answer.interrupted
    assert answer.to_dict()["interrupted"] is True


def test_an_answer_still_open_at_disconnect_is_interrupted_and_a_finished_one_is_not() -> None:
    transcript, finished = make()
    transcript.apply(OutputTranscript("Complete answer."))
    transcript.apply(TurnComplete())
    transcript.apply(OutputTranscript("Cut"))
    transcript.finish_all(cut=True)
    assert [t.interrupted for t in finished] == [False, True]
