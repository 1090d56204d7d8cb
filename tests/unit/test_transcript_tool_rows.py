"""Tool calls and search sources in the transcript, the stored history and the exports."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

from gemini_desk.core.events import Grounding, InputTranscript, OutputTranscript, TurnComplete
from gemini_desk.core.export import duration_text, to_json, to_markdown, turn_sources
from gemini_desk.core.grounding import sources, sources_of
from gemini_desk.core.history import list_conversations, load_transcript, load_turns, tool_record
from gemini_desk.core.tools import CallState, ToolCallRecord
from gemini_desk.core.transcript import Role, Transcript, Turn
from gemini_desk.core.transcript_store import TranscriptStore

T0 = 1_700_000_000.0
RUNNING = ToolCallRecord(
    "c1", "get_current_time", {"detail": "full"}, state=CallState.RUNNING, started_at=T0
)
DONE = dataclasses.replace(
    RUNNING, state=CallState.DONE, duration_s=0.012, summary="It is 12:05.", status="ok"
)
METADATA = {
    "grounding_chunks": [
        {"web": {"uri": "https://example.org/a", "title": "Example A"}},
        {"web": {"uri": "https://example.org/b", "domain": "example.org"}},
        {"web": {"uri": "https://example.org/a", "title": "Example A again"}},
        {"web": {"uri": "javascript:alert(1)", "title": "Not a link"}},
        {"retrieved_context": {"uri": "gs://bucket/doc"}},
        "garbage",
    ],
    "web_search_queries": ["what is new"],
}
WIRE = {"groundingChunks": [{"web": {"uri": "https://news.example/c", "title": "  News \n C "}}]}


def make() -> tuple[Transcript, list[Turn], list[Turn]]:
    changed: list[Turn] = []
    finished: list[Turn] = []
    clock = iter(range(100, 1000))
    t = Transcript(changed.append, finished.append, clock=lambda: float(next(clock)))
    return t, changed, finished


# --- the transcript ------------------------------------------------------------------------
def test_a_call_shows_as_a_row_after_the_open_answer_updated_in_place() -> None:
    t, changed, finished = make()
    t.apply(InputTranscript("what time is it"))
    t.apply(OutputTranscript("Let me look"))
    t.show_tool_call(RUNNING)
    assert [x.role for x in t.turns] == [Role.USER, Role.MODEL, Role.TOOL]
    row = t.turns[2]
    assert row.tool == RUNNING and not row.finished and row.text == ""
    assert changed[-1] is row and finished == []
    t.apply(TurnComplete())  # the answer ends; the call goes on
    assert [x.id for x in finished] == [1, 2] and not row.finished
    t.show_tool_call(DONE)
    assert row.tool == DONE and row.finished and finished[-1] is row
    assert [c.id for c in changed].count(row.id) == 3  # created, updated, finished
    assert len(t.turns) == 3


def test_several_calls_each_get_a_row_and_a_later_call_with_a_reused_id_a_new_one() -> None:
    t, _, finished = make()
    t.show_tool_call(RUNNING)
    t.show_tool_call(dataclasses.replace(RUNNING, call_id="c2", name="open_url"))
    t.show_tool_call(DONE)
    assert [(x.tool.name, x.finished) for x in t.turns if x.tool] == [
        ("get_current_time", True),
        ("open_url", False),
    ]
    t.show_tool_call(dataclasses.replace(RUNNING, started_at=T0 + 60))
    again = t.turns[-1]
    assert len(t.turns) == 3 and again.tool is not None and not again.finished
    assert finished == [t.turns[0]]


def test_a_call_that_ends_at_once_is_a_finished_row() -> None:
    t, _, finished = make()
    denied = dataclasses.replace(RUNNING, state=CallState.DENIED, reason="policy")
    t.show_tool_call(denied)
    row = t.turns[0]
    assert row.finished and finished == [row] and row.tool == denied


def test_the_user_turn_stays_before_the_answer_and_its_calls() -> None:
    t, _, _ = make()
    t.apply(OutputTranscript("Sure"))
    t.show_tool_call(RUNNING)
    t.apply(InputTranscript("late words"))  # the user's first fragment arrives late
    assert [x.role for x in t.turns] == [Role.USER, Role.MODEL, Role.TOOL]


def test_sources_are_web_links_in_order_each_once() -> None:
    t, _, _ = make()
    t.apply(OutputTranscript("The news is"))
    t.apply(Grounding(METADATA))
    t.apply(Grounding(WIRE))
    answer = t.turns[0]
    assert sources(answer) == [
        ("Example A", "https://example.org/a"),
        ("example.org", "https://example.org/b"),
        ("News C", "https://news.example/c"),
    ]
    assert sources_of([{"groundingChunks": [{"web": {"uri": "http://x.test"}}]}]) == [
        ("http://x.test", "http://x.test")
    ]
    assert sources_of([]) == [] and sources_of([{"grounding_chunks": "nope"}, 5]) == []


# --- storage and history -------------------------------------------------------------------
def stored_conversation(directory: Path) -> Path:
    store = TranscriptStore(directory, started_at=T0)
    store.append(Turn(id=1, role=Role.USER, text="what's new?", started_at=T0, finished=True))
    answer = Turn(id=2, role=Role.MODEL, text="Two things.", started_at=T0 + 1, finished=True)
    answer.grounding = [METADATA]
    answer.latency_ms = 310.0
    store.append(answer)
    store.append(Turn(id=3, role=Role.TOOL, started_at=T0 + 2, finished=True, tool=DONE))
    return store.path


def test_history_keeps_tool_rows_and_grounding(tmp_path: Path) -> None:
    path = stored_conversation(tmp_path)
    stored = load_turns(path)
    assert stored[2]["role"] == "tool" and stored[2]["tool"] == DONE.to_dict()
    assert tool_record(stored[2]) == DONE and tool_record(stored[0]) is None
    turns = load_transcript(path)
    assert [t.role for t in turns] == [Role.USER, Role.MODEL, Role.TOOL]
    assert turns[2].tool == DONE and turns[2].finished
    assert turns[1].grounding == [METADATA] and turns[1].latency_ms == 310.0
    assert sources(turns[1])[0] == ("Example A", "https://example.org/a")
    assert turns[0].to_dict() == stored[0]  # a round trip
    summary = list_conversations(tmp_path)[0]
    assert summary.title == "what's new?" and summary.turn_count == 3


def test_odd_stored_turns_load_with_defaults() -> None:
    turn = Turn.from_dict({"role": "alien", "id": True, "latency_ms": "fast", "tool": []})
    assert turn.role is Role.MODEL and turn.id == 0 and turn.latency_ms is None
    assert turn.tool is None and turn.grounding == [] and turn.text == ""


# --- exports -------------------------------------------------------------------------------
def test_markdown_lists_tool_calls_and_sources_as_links(tmp_path: Path) -> None:
    md = to_markdown(load_turns(stored_conversation(tmp_path)), "Chat")
    stamp = time.strftime("%H:%M:%S", time.localtime(T0 + 2))
    assert f"**Tool** `get_current_time` ({stamp}, done, 12 ms): It is 12:05." in md
    assert 'Arguments: `{"detail": "full"}`' in md
    assert (
        "> Two things.\n\nSources:\n\n"
        "- [Example A](https://example.org/a)\n"
        "- [example.org](https://example.org/b)\n"
    ) in md
    assert "javascript" not in md


def test_markdown_says_why_a_call_ended_and_escapes_what_tools_said() -> None:
    cancelled = dataclasses.replace(
        RUNNING, state=CallState.CANCELLED, reason="barge_in", args={}, duration_s=2.5
    )
    odd = dataclasses.replace(
        DONE, call_id="c2", summary="*bold* [x](javascript:y)", args={"q": "a`b"}
    )
    titled = {
        "grounding": [
            {"grounding_chunks": [{"web": {"uri": "https://e.test/(1) x", "title": "[T]"}}]}
        ]
    }
    md = to_markdown(
        [
            {"role": "tool", "started_at": T0, "tool": cancelled.to_dict()},
            {"role": "tool", "started_at": T0, "tool": odd.to_dict()},
            {"role": "model", "text": "ok", **titled},
        ]
    )
    blocks = md.split("\n\n")
    assert blocks[2].endswith(", cancelled, talked over, 2.5 s)")  # no summary
    assert blocks[3].startswith("**Tool**")  # and no arguments
    assert r"\*bold\* \[x\](javascript:y)" in md
    assert 'Arguments: ``{"q": "a`b"}``' in md
    assert r"- [\[T\]](https://e.test/%281%29%20x)" in md
    assert duration_text(None) == "" and duration_text(0.0004) == "0 ms"


def test_json_keeps_tool_and_sources(tmp_path: Path) -> None:
    doc = json.loads(to_json(load_turns(stored_conversation(tmp_path)), "Chat"))
    user, answer, tool = doc["turns"]
    assert user["tool"] is None and user["sources"] == []
    assert answer["sources"] == [
        {"title": "Example A", "uri": "https://example.org/a"},
        {"title": "example.org", "uri": "https://example.org/b"},
    ]
    assert tool["role"] == "tool" and tool["tool"] == DONE.to_dict()
    assert turn_sources({"grounding": "nope"}) == []
