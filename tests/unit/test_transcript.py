"""The transcript joins streamed fragments into ordered, timestamped turns."""

from gemini_desk.core.events import (
    InputTranscript,
    Interrupted,
    ModelAudio,
    OutputTranscript,
    TurnComplete,
)
from gemini_desk.core.transcript import Role, Transcript, Turn


def make() -> tuple[Transcript, list[Turn], list[Turn]]:
    changed: list[Turn] = []
    finished: list[Turn] = []
    clock = iter(range(100, 1000))
    t = Transcript(changed.append, finished.append, clock=lambda: float(next(clock)))
    return t, changed, finished


def test_fragments_join_into_one_turn_per_speaker() -> None:
    t, _, finished = make()
    for ev in (
        InputTranscript("Hello"),
        InputTranscript(" there"),
        OutputTranscript("Hi,"),
        OutputTranscript(" how can I help?"),
        TurnComplete(),
    ):
        t.apply(ev)
    assert [(x.role, x.text) for x in t.turns] == [
        (Role.USER, "Hello there"),
        (Role.MODEL, "Hi, how can I help?"),
    ]
    assert [x.id for x in finished] == [1, 2]
    assert all(x.finished for x in t.turns)
    assert t.turns[0].started_at < t.turns[1].started_at


def test_late_user_fragment_stays_with_its_turn_before_the_answer() -> None:
    t, _, _ = make()
    t.apply(OutputTranscript("Answer"))
    t.apply(InputTranscript("question"))  # first words of the user arrive late
    t.apply(InputTranscript(" continued"))
    t.apply(OutputTranscript(" goes on"))
    t.apply(TurnComplete())
    assert [(x.role, x.text) for x in t.turns] == [
        (Role.USER, "question continued"),
        (Role.MODEL, "Answer goes on"),
    ]


def test_each_exchange_gets_new_turns() -> None:
    t, _, _ = make()
    for _ in range(2):
        t.apply(InputTranscript("q"))
        t.apply(OutputTranscript("a"))
        t.apply(TurnComplete())
    assert [x.role for x in t.turns] == [Role.USER, Role.MODEL, Role.USER, Role.MODEL]
    assert len({x.id for x in t.turns}) == 4


def test_streaming_updates_are_reported_in_place() -> None:
    t, changed, _ = make()
    t.apply(OutputTranscript("a"))
    t.apply(OutputTranscript("b"))
    assert [c.id for c in changed] == [1, 1]
    assert changed[-1].text == "ab"
    assert not changed[-1].finished


def test_interruption_marks_the_open_answer_and_turn_complete_closes_it() -> None:
    t, _, finished = make()
    t.apply(OutputTranscript("I was say"))
    t.apply(Interrupted())
    assert t.turns[0].interrupted and not t.turns[0].finished
    t.apply(TurnComplete())
    assert finished[0].interrupted and finished[0].text == "I was say"


def test_typed_turn_is_finished_at_once_and_closes_open_turns() -> None:
    t, _, finished = make()
    t.apply(OutputTranscript("half"))
    typed = t.add_typed("  hi there ")
    assert typed.typed and typed.finished and typed.text == "hi there"
    assert [x.id for x in finished] == [1, 2]


def test_latency_waits_for_the_answer_turn() -> None:
    t, _, _ = make()
    t.apply(InputTranscript("q"))
    t.set_latency(321.0)  # audio played before the first output transcription
    t.apply(OutputTranscript("a"))
    t.apply(TurnComplete())
    assert t.turns[1].latency_ms == 321.0
    assert t.turns[0].latency_ms is None


def test_server_share_is_kept_with_the_answer() -> None:
    t, _, _ = make()
    t.apply(InputTranscript("q"))
    t.set_latency(612.0, 480.0)  # before the answer's turn exists: both figures wait
    t.apply(OutputTranscript("a"))
    t.apply(TurnComplete())
    answer = t.turns[1].to_dict()
    assert (answer["latency_ms"], answer["server_ms"]) == (612.0, 480.0)
    assert t.turns[0].to_dict()["server_ms"] is None
    t.apply(OutputTranscript("b"))  # the pending figures went to the first answer only
    assert t.turns[2].server_ms is None
    t.set_latency(300.0, 250.0)  # with the answer open: attached at once
    assert (t.turns[2].latency_ms, t.turns[2].server_ms) == (300.0, 250.0)


def test_finished_flag_closes_a_role_and_non_transcript_events_are_ignored() -> None:
    t, _, finished = make()
    t.apply(InputTranscript("done", finished=True))
    t.apply(ModelAudio(b"\0\0"))
    assert finished and finished[0].role is Role.USER
    t.apply(InputTranscript("next"))
    assert len(t.turns) == 2


def test_late_latency_never_lands_on_the_next_answer() -> None:
    t, _, _ = make()
    t.apply(InputTranscript("q1"))
    t.apply(OutputTranscript("a1"))
    t.apply(TurnComplete())
    t.set_latency(500.0, 16.0)  # the first sample played only after the turn closed
    assert t.turns[1].latency_ms == 500.0 and t.turns[1].server_ms == 16.0
    t.apply(InputTranscript("q2"))
    t.apply(OutputTranscript("a2"))
    t.apply(TurnComplete())
    assert t.turns[3].latency_ms is None


def test_a_figure_for_an_answer_without_transcription_is_dropped_at_turn_end() -> None:
    t, _, _ = make()
    t.apply(InputTranscript("q1"))
    t.set_latency(300.0)  # audio came, but no transcription ever did
    t.apply(TurnComplete())
    t.apply(InputTranscript("q2"))
    t.apply(OutputTranscript("a2"))
    t.apply(TurnComplete())
    assert t.turns[-1].latency_ms is None
