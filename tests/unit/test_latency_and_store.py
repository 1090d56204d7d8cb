"""Latency bookkeeping and the crash-safe transcript file."""

import json
from pathlib import Path

from gemini_desk.core.latency import LatencyTracker
from gemini_desk.core.transcript import Role, Turn
from gemini_desk.core.transcript_store import TranscriptStore


def test_latency_from_end_of_speech_to_first_played_sample() -> None:
    now = [10.0]
    tracker = LatencyTracker(clock=lambda: now[0])
    tracker.user_turn_ended(at=10.0)
    now[0] = 10.4
    tracker.model_audio_received()
    now[0] = 10.5
    tracker.model_audio_received()  # later chunks do not move the mark
    result = tracker.model_audio_played(at=10.45)
    assert result is not None
    assert round(result.to_first_audio_received_ms) == 400
    assert round(result.to_first_audio_played_ms or 0) == 450
    assert tracker.model_audio_played(at=11.0) is None  # one figure per turn


def test_no_figure_without_a_user_turn() -> None:
    tracker = LatencyTracker(clock=lambda: 1.0)
    tracker.model_audio_received()
    assert tracker.model_audio_played() is None


def test_store_appends_one_json_line_per_turn(tmp_path: Path) -> None:
    store = TranscriptStore(tmp_path / "conv", started_at=0)
    assert not store.path.exists()  # nothing written for an empty conversation
    store.append(Turn(id=1, role=Role.USER, text="hi", finished=True))
    store.append(Turn(id=2, role=Role.MODEL, text="hello", finished=True, latency_ms=300.0))
    lines = store.path.read_text().splitlines()
    assert [json.loads(x)["text"] for x in lines] == ["hi", "hello"]
    assert TranscriptStore.read(store.path)[1]["latency_ms"] == 300.0


def test_torn_last_line_is_skipped_and_names_do_not_collide(tmp_path: Path) -> None:
    a = TranscriptStore(tmp_path, started_at=0)
    a.append(Turn(id=1, role=Role.USER, text="kept", finished=True))
    with open(a.path, "a") as fh:
        fh.write('{"id": 2, "te')
    assert [t["text"] for t in TranscriptStore.read(a.path)] == ["kept"]
    b = TranscriptStore(tmp_path, started_at=0)
    assert b.path != a.path
