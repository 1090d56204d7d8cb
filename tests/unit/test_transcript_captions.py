"""Live captions, blocked answers and grounding in the transcript (sans-I/O)."""

from __future__ import annotations

import pytest
from google.genai import types

from gemini_desk.core.events import (
    Grounding,
    InputTranscript,
    InterimInputTranscript,
    Interrupted,
    ModelText,
    OutputTranscript,
    TurnComplete,
)
from gemini_desk.core.transcript import Role, Transcript, Turn
from gemini_desk.core.turn_reasons import BlockedBy, blocked_by


def make() -> tuple[Transcript, list[Turn], list[Turn]]:
    changed: list[Turn] = []
    finished: list[Turn] = []
    clock = iter(range(100, 1000))
    t = Transcript(changed.append, finished.append, clock=lambda: float(next(clock)))
    return t, changed, finished


def rows(t: Transcript) -> list[tuple[Role, str, str, bool]]:
    return [(x.role, x.text, x.interim, x.finished) for x in t.turns]


# --- live captions -------------------------------------------------------------------


def test_interim_captions_are_replaced_by_the_final_text() -> None:
    t, changed, finished = make()
    t.apply(InterimInputTranscript("wats the"))
    user = t.turns[0]
    assert (user.role, user.text, user.interim, user.finished) == (Role.USER, "", "wats the", False)
    assert user.shown_text == "wats the"
    t.apply(InterimInputTranscript("what's the weather"))
    assert user.interim == "what's the weather" and user.text == ""
    assert user.shown_text == "what's the weather"
    t.apply(InputTranscript("What's the weather?"))
    assert (user.text, user.interim) == ("What's the weather?", "")
    assert user.shown_text == "What's the weather?"
    assert len(t.turns) == 1 and changed and all(c is user for c in changed)
    t.apply(TurnComplete())
    assert finished == [user]
    assert (user.text, user.interim, user.finished) == ("What's the weather?", "", True)


def test_a_repeated_caption_is_not_reported_again() -> None:
    t, changed, _ = make()
    t.apply(InterimInputTranscript("hello"))
    n = len(changed)
    t.apply(InterimInputTranscript("hello"))
    assert len(changed) == n
    t.apply(InterimInputTranscript("hello there"))
    assert len(changed) == n + 1 and changed[-1].interim == "hello there"


def test_shown_text_is_the_final_text_then_the_caption() -> None:
    t, _, _ = make()
    t.apply(InputTranscript("Hello"))
    t.apply(InterimInputTranscript("ther"))
    user = t.turns[0]
    assert (user.text, user.interim, user.shown_text) == ("Hello", "ther", "Hello ther")
    t.apply(InputTranscript(" there"))
    assert (user.text, user.interim, user.shown_text) == ("Hello there", "", "Hello there")


def test_a_caption_turn_sits_before_the_open_answer() -> None:
    t, _, finished = make()
    t.apply(OutputTranscript("Sure,"))
    t.apply(InterimInputTranscript("and also the"))
    assert rows(t) == [
        (Role.USER, "", "and also the", False),
        (Role.MODEL, "Sure,", "", False),
    ]
    t.apply(InputTranscript("And also the time?"))
    t.apply(OutputTranscript(" here it is."))
    t.apply(TurnComplete())
    assert rows(t) == [
        (Role.USER, "And also the time?", "", True),
        (Role.MODEL, "Sure, here it is.", "", True),
    ]
    assert [x.role for x in finished] == [Role.USER, Role.MODEL]
    assert [x.id for x in t.turns] == [2, 1]  # the caption's turn came second, sits first


@pytest.mark.parametrize(
    "closing",
    [
        [TurnComplete()],
        [InputTranscript("", finished=True)],
        [OutputTranscript("OK.", finished=True), TurnComplete()],
    ],
    ids=["turn-complete", "input-finished", "answer-then-turn-complete"],
)
def test_a_caption_without_final_text_is_kept_as_the_text(closing: list[object]) -> None:
    t, _, finished = make()
    t.apply(InterimInputTranscript(" turn it up "))
    for event in closing:
        t.apply(event)  # type: ignore[arg-type]
    user = t.turns[0]
    assert (user.role, user.text, user.interim, user.finished) == (
        Role.USER,
        "turn it up",
        "",
        True,
    )
    assert user.shown_text == "turn it up"
    assert [x for x in finished if x.role is Role.USER] == [user]


def test_finish_all_keeps_the_caption_too() -> None:
    t, _, _ = make()
    t.apply(InterimInputTranscript("are you there"))
    t.finish_all()  # a disconnect
    assert rows(t) == [(Role.USER, "are you there", "", True)]


def test_a_trailing_caption_after_final_text_is_not_lost_when_the_turn_ends() -> None:
    t, _, _ = make()
    t.apply(InputTranscript("Hello"))
    t.apply(InterimInputTranscript("there"))
    assert t.turns[0].shown_text == "Hello there"
    t.apply(TurnComplete())
    assert t.turns[0].text == "Hello there"


def test_an_empty_caption_does_not_make_a_blank_turn() -> None:
    t, _, finished = make()
    t.apply(InterimInputTranscript(""))
    t.apply(OutputTranscript("Hi"))
    t.apply(TurnComplete())
    assert [(x.role, x.text) for x in finished] == [(Role.MODEL, "Hi")]


def test_interruption_and_model_text_leave_the_caption_alone() -> None:
    t, _, _ = make()
    t.apply(ModelText("Let me"))
    t.apply(InterimInputTranscript("stop"))
    t.apply(Interrupted())
    user, model = t.turns
    assert (user.role, user.interim, user.interrupted) == (Role.USER, "stop", False)
    assert (model.role, model.text, model.interrupted) == (Role.MODEL, "Let me", True)


# --- blocked answers -----------------------------------------------------------------

_EXPECTED_BLOCK: dict[str, BlockedBy | None] = {
    "TURN_COMPLETE_REASON_UNSPECIFIED": None,
    "NEED_MORE_INPUT": None,
    "MALFORMED_FUNCTION_CALL": BlockedBy.TOOL_CALL,
    "RESPONSE_REJECTED": BlockedBy.REJECTED,
    "MAX_REGENERATION_REACHED": BlockedBy.REJECTED,
    "PROHIBITED_INPUT_CONTENT": BlockedBy.INPUT,
    "IMAGE_PROHIBITED_INPUT_CONTENT": BlockedBy.INPUT,
    "INPUT_TEXT_CONTAIN_PROMINENT_PERSON_PROHIBITED": BlockedBy.INPUT,
    "INPUT_IMAGE_CELEBRITY": BlockedBy.INPUT,
    "INPUT_IMAGE_PHOTO_REALISTIC_CHILD_PROHIBITED": BlockedBy.INPUT,
    "INPUT_TEXT_NCII_PROHIBITED": BlockedBy.INPUT,
    "INPUT_OTHER": BlockedBy.INPUT,
    "INPUT_IP_PROHIBITED": BlockedBy.INPUT,
    "BLOCKLIST": BlockedBy.INPUT,
    "UNSAFE_PROMPT_FOR_IMAGE_GENERATION": BlockedBy.INPUT,
    "GENERATED_IMAGE_SAFETY": BlockedBy.OUTPUT,
    "GENERATED_CONTENT_SAFETY": BlockedBy.OUTPUT,
    "GENERATED_AUDIO_SAFETY": BlockedBy.OUTPUT,
    "GENERATED_VIDEO_SAFETY": BlockedBy.OUTPUT,
    "GENERATED_CONTENT_PROHIBITED": BlockedBy.OUTPUT,
    "GENERATED_CONTENT_BLOCKLIST": BlockedBy.OUTPUT,
    "GENERATED_IMAGE_PROHIBITED": BlockedBy.OUTPUT,
    "GENERATED_IMAGE_CELEBRITY": BlockedBy.OUTPUT,
    "GENERATED_IMAGE_PROMINENT_PEOPLE_DETECTED_BY_REWRITER": BlockedBy.OUTPUT,
    "GENERATED_IMAGE_IDENTIFIABLE_PEOPLE": BlockedBy.OUTPUT,
    "GENERATED_IMAGE_MINORS": BlockedBy.OUTPUT,
    "OUTPUT_IMAGE_IP_PROHIBITED": BlockedBy.OUTPUT,
    "GENERATED_OTHER": BlockedBy.OUTPUT,
}
SDK_REASONS = [r.value for r in types.TurnCompleteReason]
BLOCKING = [r for r in SDK_REASONS if _EXPECTED_BLOCK.get(r) is not None]
NOT_BLOCKING = ["", *(r for r in SDK_REASONS if _EXPECTED_BLOCK.get(r, BlockedBy.OTHER) is None)]


def test_the_expected_table_covers_every_reason_the_sdk_knows() -> None:
    assert set(SDK_REASONS) == set(_EXPECTED_BLOCK)
    assert "NEED_MORE_INPUT" in NOT_BLOCKING and BLOCKING


@pytest.mark.parametrize("reason", SDK_REASONS)
def test_blocked_by_every_sdk_reason(reason: str) -> None:
    assert blocked_by(reason) is _EXPECTED_BLOCK[reason]
    assert blocked_by(f"  {reason.lower()} ") is _EXPECTED_BLOCK[reason]


@pytest.mark.parametrize("reason", ["SOMETHING_NEW_IN_2027", "x"])
def test_blocked_by_an_unknown_reason_is_other(reason: str) -> None:
    assert blocked_by(reason) is BlockedBy.OTHER


def test_blocked_by_nothing_is_none() -> None:
    assert blocked_by("") is None and blocked_by("   ") is None


@pytest.mark.parametrize("reason", BLOCKING)
def test_a_block_with_no_answer_yet_creates_a_blocked_model_turn(reason: str) -> None:
    t, _, finished = make()
    t.apply(InputTranscript("something not allowed"))
    t.apply(TurnComplete(reason=reason))
    assert [(x.role, x.text, x.blocked, x.finished) for x in t.turns] == [
        (Role.USER, "something not allowed", "", True),
        (Role.MODEL, "", reason, True),
    ]
    assert [x.role for x in finished] == [Role.USER, Role.MODEL]


@pytest.mark.parametrize("reason", BLOCKING)
def test_a_block_marks_the_open_answer(reason: str) -> None:
    t, changed, _ = make()
    t.apply(OutputTranscript("I can"))
    t.apply(TurnComplete(reason=reason))
    assert [(x.role, x.text, x.blocked, x.finished) for x in t.turns] == [
        (Role.MODEL, "I can", reason, True),
    ]
    assert changed[-1].blocked == reason


@pytest.mark.parametrize("reason", NOT_BLOCKING)
def test_reasons_that_are_not_a_block_create_no_model_turn(reason: str) -> None:
    t, _, _ = make()
    t.apply(InputTranscript("and then"))
    t.apply(TurnComplete(reason=reason))
    assert [(x.role, x.blocked, x.finished) for x in t.turns] == [(Role.USER, "", True)]


@pytest.mark.parametrize("reason", NOT_BLOCKING)
def test_reasons_that_are_not_a_block_leave_the_answer_unmarked(reason: str) -> None:
    t, _, _ = make()
    t.apply(OutputTranscript("Sure."))
    t.apply(TurnComplete(reason=reason))
    assert [(x.role, x.text, x.blocked, x.finished) for x in t.turns] == [
        (Role.MODEL, "Sure.", "", True)
    ]


def test_a_blocked_turn_does_not_carry_over_to_the_next_exchange() -> None:
    t, _, _ = make()
    t.apply(TurnComplete(reason="PROHIBITED_INPUT_CONTENT"))
    t.apply(OutputTranscript("Next answer"))
    t.apply(TurnComplete())
    assert [(x.text, x.blocked) for x in t.turns] == [
        ("", "PROHIBITED_INPUT_CONTENT"),
        ("Next answer", ""),
    ]


# --- grounding -----------------------------------------------------------------------

SEARCH: dict[str, object] = {
    "web_search_queries": ["weather berlin"],
    "grounding_chunks": [{"web": {"uri": "u"}}],
}
MORE: dict[str, object] = {"web_search_queries": ["weather berlin tomorrow"]}


def test_grounding_is_attached_to_the_open_answer_in_order() -> None:
    t, changed, _ = make()
    t.apply(OutputTranscript("It's sunny"))
    t.apply(Grounding(SEARCH))
    t.apply(Grounding(MORE))
    t.apply(TurnComplete())
    (model,) = t.turns
    assert model.role is Role.MODEL and model.text == "It's sunny"
    assert model.grounding == [SEARCH, MORE]
    assert changed[-1] is model


def test_grounding_before_any_words_opens_the_answer() -> None:
    t, _, _ = make()
    t.apply(InputTranscript("weather?"))
    t.apply(Grounding(SEARCH))
    t.apply(OutputTranscript("Sunny."))
    t.apply(TurnComplete())
    assert [(x.role, x.text, x.grounding) for x in t.turns] == [
        (Role.USER, "weather?", []),
        (Role.MODEL, "Sunny.", [SEARCH]),
    ]


def test_grounding_is_per_answer() -> None:
    t, _, _ = make()
    t.apply(OutputTranscript("One"))
    t.apply(Grounding(SEARCH))
    t.apply(TurnComplete())
    t.apply(OutputTranscript("Two"))
    t.apply(TurnComplete())
    assert [x.grounding for x in t.turns] == [[SEARCH], []]


# --- to_dict -------------------------------------------------------------------------

BASE_KEYS = {
    "id",
    "role",
    "text",
    "started_at",
    "finished",
    "typed",
    "interrupted",
    "latency_ms",
    "server_ms",
}


def test_to_dict_leaves_out_blocked_and_grounding_when_unset() -> None:
    turn = Turn(id=1, role=Role.MODEL, text="hi", started_at=5.0)
    assert turn.to_dict() == {
        "id": 1,
        "role": "model",
        "text": "hi",
        "started_at": 5.0,
        "finished": False,
        "typed": False,
        "interrupted": False,
        "latency_ms": None,
        "server_ms": None,
    }


def test_to_dict_never_includes_the_caption() -> None:
    turn = Turn(id=1, role=Role.USER, interim="half a sent")
    assert set(turn.to_dict()) == BASE_KEYS


@pytest.mark.parametrize(
    ("blocked", "grounding"),
    [("GENERATED_AUDIO_SAFETY", []), ("", [SEARCH]), ("RESPONSE_REJECTED", [SEARCH, MORE])],
)
def test_to_dict_includes_blocked_and_grounding_when_set(
    blocked: str, grounding: list[dict[str, object]]
) -> None:
    turn = Turn(id=2, role=Role.MODEL, blocked=blocked, grounding=list(grounding))
    data = turn.to_dict()
    expected = set(BASE_KEYS)
    if blocked:
        expected.add("blocked")
        assert data["blocked"] == blocked
    if grounding:
        expected.add("grounding")
        assert data["grounding"] == grounding
    assert set(data) == expected
    assert data["id"] == 2 and data["role"] == "model"


def test_a_blocked_grounded_answer_round_trips_through_to_dict() -> None:
    t, _, finished = make()
    t.apply(Grounding(SEARCH))
    t.apply(TurnComplete(reason="GENERATED_CONTENT_SAFETY"))
    data = finished[0].to_dict()
    assert data["blocked"] == "GENERATED_CONTENT_SAFETY"
    assert data["grounding"] == [SEARCH]
    assert data["finished"] is True and data["text"] == ""
