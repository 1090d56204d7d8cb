"""The observable state: Observable, SessionStatus, and the talk state the talk
controller keeps current (without polling)."""

from __future__ import annotations

import asyncio

import pytest

from gemini_desk.core.desk_state import DeskState, SessionStatus, TalkState
from gemini_desk.core.events import SessionState
from gemini_desk.core.messages import MessageId, message
from gemini_desk.core.observable import Observable
from gemini_desk.core.ptt import KeySource
from gemini_desk.core.settings import Settings
from gemini_desk.session.talk import TalkController


def test_observers_hear_each_change_once_in_order() -> None:
    value = Observable(0)
    heard: list[tuple[str, int, int]] = []
    value.subscribe(lambda old, new: heard.append(("a", old, new)))
    value.subscribe(lambda old, new: heard.append(("b", old, new)))
    assert value.set(1) is True
    assert value.set(1) is False  # the same value: nobody is told
    value.set(2)
    assert heard == [("a", 0, 1), ("b", 0, 1), ("a", 1, 2), ("b", 1, 2)]
    assert value.value == 2


def test_subscribe_now_and_unsubscribe() -> None:
    value = Observable("x")
    heard: list[tuple[str, str]] = []
    stop = value.subscribe(lambda old, new: heard.append((old, new)), now=True)
    value.set("y")
    stop()
    value.set("z")
    assert heard == [("x", "x"), ("x", "y")]


def test_a_change_made_while_telling_waits_its_turn() -> None:
    value = Observable(0)
    heard: list[tuple[str, int, int]] = []

    def bump(old: int, new: int) -> None:
        heard.append(("bump", old, new))
        if new == 1:
            value.set(2)

    value.subscribe(bump)
    value.subscribe(lambda old, new: heard.append(("late", old, new)))
    value.set(1)
    assert heard == [("bump", 0, 1), ("late", 0, 1), ("bump", 1, 2), ("late", 1, 2)]


def test_an_observer_that_raises_does_not_wedge_the_value() -> None:
    value = Observable(0)

    def boom(old: int, new: int) -> None:
        if new == 1:
            raise RuntimeError("observer failed")

    value.subscribe(boom)
    with pytest.raises(RuntimeError):
        value.set(1)
    heard: list[int] = []
    value.subscribe(lambda old, new: heard.append(new))
    value.set(2)
    assert heard == [2], "later changes are still told"


@pytest.mark.parametrize(
    ("state", "live", "busy"),
    [
        (SessionState.DISCONNECTED, False, False),
        (SessionState.CONNECTING, False, True),
        (SessionState.CONNECTED, True, False),
        (SessionState.CLOSING, False, True),
        (SessionState.RECONNECTING, True, False),
    ],
)
def test_session_status(state: SessionState, live: bool, busy: bool) -> None:
    status = SessionStatus(state, message(MessageId.RETRY_LOST, 4))
    assert (status.live, status.busy) == (live, busy)


def test_desk_state_starts_offline() -> None:
    state = DeskState()
    assert state.session.value == SessionStatus(SessionState.DISCONNECTED, None)
    assert (state.muted.value, state.talk.value, state.sharing.value) == (
        False,
        TalkState.OFFLINE,
        None,
    )
    assert TalkState("speaking") is TalkState.SPEAKING and TalkState.IDLE == "idle"


class FakeSpeaker:
    def __init__(self) -> None:
        self.is_playing = False
        self.queued_seconds = 0.0
        self.clears = 0

    def clear(self) -> None:
        self.clears += 1


def _controller(speaker: FakeSpeaker, **settings: object) -> tuple[TalkController, list[str]]:
    talk = TalkController(Settings(**settings), lambda: None, lambda: speaker, lambda m: None)  # type: ignore[arg-type]
    states: list[str] = []
    talk.state.subscribe(lambda _old, new: states.append(new.value))
    return talk, states


def test_talk_state_follows_every_input() -> None:
    async def main() -> list[str]:
        talk, states = _controller(FakeSpeaker(), talk_mode="push_to_talk")
        talk.set_connected(True)
        talk.press(KeySource.BUTTON)
        talk.release(KeySource.BUTTON)
        talk.model_answering(True)
        talk.model_answering(False)
        talk.set_muted(True)
        talk.press(KeySource.BUTTON)  # refused while muted: no change
        talk.set_muted(False)
        talk.configure(Settings(talk_mode="hands_free"))
        talk.set_connected(False)
        return states

    states = asyncio.run(main())
    assert states == [
        "idle",
        "listening",
        "idle",
        "speaking",
        "idle",
        "muted",
        "idle",
        "hands_free",
        "offline",
    ]


def test_speaking_ends_when_the_speaker_runs_dry_not_on_a_poll() -> None:
    """The answer is complete, the speaker still plays 0.2 s: one timer, at the end."""

    async def main() -> tuple[list[str], float]:
        speaker = FakeSpeaker()
        talk, states = _controller(speaker)
        talk.set_connected(True)
        talk.model_answering(True)
        speaker.is_playing, speaker.queued_seconds = True, 0.2
        loop = asyncio.get_running_loop()
        done = asyncio.Event()
        talk.state.subscribe(lambda _old, new: done.set() if new is TalkState.HANDS_FREE else None)
        talk.model_answering(False)  # turn complete; still playing
        assert talk.state.value is TalkState.SPEAKING
        ended = loop.time()
        loop.call_later(0.15, setattr, speaker, "is_playing", False)  # the device drains
        await asyncio.wait_for(done.wait(), 2)
        return states, loop.time() - ended

    states, waited = asyncio.run(main())
    assert states == ["hands_free", "speaking", "hands_free"]
    assert waited >= 0.2, "looked again when the queue should have run dry, not before"
