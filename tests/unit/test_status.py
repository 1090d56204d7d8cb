"""The status element's mapping and the thinking tracker, with literal inputs."""

from __future__ import annotations

import pytest

from gemini_desk.core.desk_state import TalkState
from gemini_desk.core.events import SessionState
from gemini_desk.core.status import Status, StatusInputs, ThinkingTracker, status_of

S, T = SessionState, TalkState


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        (StatusInputs(), Status.OFFLINE),
        (StatusInputs(S.CLOSING, T.HANDS_FREE), Status.OFFLINE),
        (StatusInputs(S.CONNECTING, T.OFFLINE), Status.CONNECTING),
        (StatusInputs(S.RECONNECTING, T.HANDS_FREE, sharing=True), Status.CONNECTING),
        (StatusInputs(S.CONNECTED, T.HANDS_FREE), Status.LISTENING),
        (StatusInputs(S.CONNECTED, T.IDLE), Status.READY),
        (StatusInputs(S.CONNECTED, T.LISTENING), Status.LISTENING),
        (StatusInputs(S.CONNECTED, T.LISTENING, thinking=True), Status.LISTENING),
        (StatusInputs(S.CONNECTED, T.HANDS_FREE, thinking=True), Status.THINKING),
        (StatusInputs(S.CONNECTED, T.IDLE, thinking=True), Status.THINKING),
        (StatusInputs(S.CONNECTED, T.SPEAKING, thinking=True), Status.SPEAKING),
        (StatusInputs(S.CONNECTED, T.SPEAKING, sharing=True), Status.SPEAKING),
        (StatusInputs(S.CONNECTED, T.MUTED), Status.MUTED),
        (StatusInputs(S.CONNECTED, T.HANDS_FREE, muted=True, sharing=True), Status.MUTED),
        (StatusInputs(S.CONNECTED, T.HANDS_FREE, sharing=True), Status.SHARING),
        (StatusInputs(S.CONNECTED, T.IDLE, sharing=True), Status.SHARING),
        (StatusInputs(S.CONNECTED, T.HANDS_FREE, sharing=True, thinking=True), Status.THINKING),
        (StatusInputs(S.DISCONNECTED, T.OFFLINE, muted=True), Status.OFFLINE),
    ],
)
def test_status_of(inputs: StatusInputs, expected: Status) -> None:
    assert status_of(inputs) is expected


def test_every_status_is_reachable() -> None:
    seen = {
        status_of(StatusInputs(s, t, m, sh, th))
        for s in SessionState
        for t in TalkState
        for m in (False, True)
        for sh in (False, True)
        for th in (False, True)
    }
    assert seen == set(Status)


def test_thinking_starts_when_the_turn_ends_and_stops_on_the_answer() -> None:
    tracker = ThinkingTracker(timeout_s=15.0)
    assert not tracker.thinking and tracker.deadline is None
    assert tracker.turn_ended(100.0) is True
    assert tracker.deadline == 115.0
    assert tracker.tick(114.9) is True  # early timer: still waiting
    assert tracker.answer_started() is False
    assert tracker.deadline is None


@pytest.mark.parametrize("stop", ["user_speaking", "answer_ended", "reset"])
def test_thinking_stops(stop: str) -> None:
    tracker = ThinkingTracker()
    tracker.turn_ended(5.0)
    assert getattr(tracker, stop)() is False
    assert tracker.deadline is None


def test_thinking_gives_up_at_the_deadline() -> None:
    tracker = ThinkingTracker(timeout_s=2.0)
    tracker.turn_ended(10.0)
    assert tracker.tick(12.0) is False
    assert tracker.deadline is None
    tracker.turn_ended(20.0)  # a later turn starts again
    assert tracker.turn_ended(21.0) and tracker.deadline == 23.0
