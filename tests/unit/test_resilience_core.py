"""Backoff, transcript context, history listing and export (pure core)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from google.genai import types

from gemini_desk.core.backoff import Backoff
from gemini_desk.core.context import CONTEXT_HEADER, recent_context
from gemini_desk.core.export import to_json, to_markdown, turn_text
from gemini_desk.core.history import list_conversations, load_turns
from gemini_desk.core.settings import Settings
from gemini_desk.core.transcript import Role, Turn
from gemini_desk.core.transcript_store import TranscriptStore
from gemini_desk.live.config import build_connect_config


def test_backoff_doubles_up_to_the_cap_and_resets() -> None:
    b = Backoff(base=0.5, factor=2, cap=4, jitter=0.0)
    assert [b.next_delay() for _ in range(6)] == [0.5, 1, 2, 4, 4, 4]
    b.reset()
    assert b.next_delay() == 0.5


def test_backoff_jitter_stays_within_the_band() -> None:
    lows = Backoff(base=1, cap=8, jitter=0.5, rng=lambda: 1.0)
    highs = Backoff(base=1, cap=8, jitter=0.5, rng=lambda: 0.0)
    assert [lows.next_delay() for _ in range(5)] == [0.5, 1, 2, 4, 4]
    assert [highs.next_delay() for _ in range(5)] == [1, 2, 4, 8, 8]


def test_backoff_honours_a_minimum_wait_and_rejects_nonsense() -> None:
    assert Backoff(base=0.1, jitter=0).next_delay(at_least=30) == 30
    with pytest.raises(ValueError):
        Backoff(base=0)
    with pytest.raises(ValueError):
        Backoff(base=2, cap=1)


def _turn(i: int, role: Role, text: str, finished: bool = True) -> Turn:
    return Turn(id=i, role=role, text=text, started_at=1_700_000_000 + i, finished=finished)


def test_recent_context_keeps_the_newest_turns_in_order() -> None:
    turns = [_turn(i, Role.USER if i % 2 else Role.MODEL, f"line {i}") for i in range(1, 31)]
    turns.append(_turn(99, Role.USER, "still talking", finished=False))
    text = recent_context(turns, max_turns=4)
    assert text.startswith(CONTEXT_HEADER)
    assert text.splitlines()[1:] == [
        "User: line 27",
        "You: line 28",
        "User: line 29",
        "You: line 30",
    ]
    assert "still talking" not in text
    assert recent_context([]) == ""


def test_recent_context_respects_the_character_budget() -> None:
    turns = [_turn(i, Role.USER, "x" * 100) for i in range(10)]
    text = recent_context(turns, max_chars=350)
    assert len(text.splitlines()) - 1 == 3


def _store(directory: Path, when: float, texts: list[tuple[str, str]]) -> Path:
    store = TranscriptStore(directory, started_at=when)
    for i, (role, text) in enumerate(texts, 1):
        turn = Turn(id=i, role=Role(role), text=text, started_at=when + i, finished=True)
        turn.latency_ms = 412.4 if role == "model" else None
        store.append(turn)
    return store.path


def test_history_lists_newest_first_and_skips_empty_or_torn_files(tmp_path: Path) -> None:
    old = _store(tmp_path, 1_700_000_000, [("user", "the old one"), ("model", "ok")])
    new = _store(tmp_path, 1_700_100_000, [("user", "  the   new one "), ("model", "sure")])
    (tmp_path / "empty.jsonl").write_text("")
    with open(new, "a", encoding="utf-8") as fh:
        fh.write('{"id": 3, "role": "us')  # a crash mid-write
    found = list_conversations(tmp_path)
    assert [s.path for s in found] == [new, old]
    assert found[0].title == "the new one" and found[0].turn_count == 2
    assert [t["text"] for t in load_turns(new)] == ["  the   new one ", "sure"]
    assert list_conversations(tmp_path / "missing") == []


def test_markdown_export_has_times_latency_and_quoted_text(tmp_path: Path) -> None:
    path = _store(tmp_path, 1_700_000_000, [("user", "# not a heading"), ("model", "fine")])
    md = to_markdown(load_turns(path), "Chat")
    assert md.startswith("# Chat\n")
    assert "> # not a heading" in md
    stamp = time.strftime("%H:%M:%S", time.localtime(1_700_000_002))
    assert f"**Gemini** ({stamp}, answered after 412 ms)" in md


def test_json_export_round_trips_with_iso_times(tmp_path: Path) -> None:
    path = _store(tmp_path, 1_700_000_000, [("user", "hi"), ("model", "hello")])
    doc = json.loads(to_json(load_turns(path), "Chat"))
    assert doc["title"] == "Chat"
    assert [(t["role"], t["text"], t["latency_ms"]) for t in doc["turns"]] == [
        ("user", "hi", None),
        ("model", "hello", 412.4),
    ]
    assert doc["turns"][0]["started_at_epoch"] == 1_700_000_001
    assert doc["turns"][0]["started_at"].startswith(
        time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(1_700_000_001))
    )
    assert turn_text({"text": "  spaced  "}) == "spaced"


def test_connect_config_resumes_and_compresses_by_default() -> None:
    config = build_connect_config(Settings(), resume_handle="h-1")
    assert config.session_resumption == types.SessionResumptionConfig(handle="h-1")
    assert config.context_window_compression is not None
    assert config.context_window_compression.sliding_window is not None
    off = build_connect_config(Settings(session_resumption=False, context_compression=False))
    assert off.session_resumption is None and off.context_window_compression is None
    tuned = build_connect_config(Settings(compression_trigger_tokens=20000))
    assert tuned.context_window_compression is not None
    assert tuned.context_window_compression.trigger_tokens == 20000
    window = tuned.context_window_compression.sliding_window
    assert window is not None and window.target_tokens == 10000
