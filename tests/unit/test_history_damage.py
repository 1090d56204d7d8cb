"""Issue 18, finding 7: each stored conversation file and line is validated; a bad one is
listed as damaged and the others still list, open and export."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from gemini_desk.core.export import to_json, to_markdown
from gemini_desk.core.history import (
    Damage,
    list_conversations,
    load_turns,
    read_conversation,
    scan_conversations,
)

T0 = 1_700_000_000.0


def _write(directory: Path, name: str, *lines: str | bytes) -> Path:
    path = directory / f"{name}.jsonl"
    with open(path, "wb") as fh:
        for line in lines:
            fh.write(line if isinstance(line, bytes) else line.encode())
            fh.write(b"\n")
    return path


def _turn(text: str, started_at: object = T0, **extra: object) -> str:
    return json.dumps({"role": "user", "text": text, "started_at": started_at, **extra})


BAD_LINES = {
    "huge started_at": '{"role": "user", "text": "x", "started_at": 1' + "0" * 400 + "}",
    "NaN started_at": '{"role": "user", "text": "x", "started_at": NaN}',
    "infinite latency": '{"role": "model", "text": "x", "latency_ms": 1e999}',
    "deep nesting": '{"role": "user", "text": ' + "[" * 50_000 + "]" * 50_000 + "}",
    "not an object": "[1, 2, 3]",
    "text not a string": '{"role": "user", "text": {"a": 1}}',
    "bad tool row": '{"role": "tool", "tool": {"name": "x", "started_at": "soon"}}',
    "not UTF-8": b'{"role": "user", "text": "\xff\xfe"}',
}


@pytest.mark.parametrize("bad", list(BAD_LINES.values()), ids=list(BAD_LINES))
def test_a_bad_line_is_counted_and_the_good_ones_still_load(tmp_path: Path, bad: str) -> None:
    path = _write(tmp_path, "20240101-000000", _turn("first"), bad, _turn("last", T0 + 5))
    loaded = read_conversation(path)
    assert [t["text"] for t in loaded.turns] == ["first", "last"]
    assert loaded.damaged_lines == 1
    summary = list_conversations(tmp_path)[0]
    assert (summary.turn_count, summary.damaged_lines) == (2, 1)
    # What the dialog and the exports do with them works.
    time.localtime(summary.started_at)
    assert "last" in to_markdown(load_turns(path)) and "last" in to_json(load_turns(path))


def test_a_wholly_bad_file_is_listed_as_damaged_and_the_rest_work(tmp_path: Path) -> None:
    _write(tmp_path, "20240101-000000", _turn("good one"))
    _write(tmp_path, "20240102-000000", BAD_LINES["deep nesting"], BAD_LINES["NaN started_at"])
    _write(tmp_path, "20240103-000000", _turn("bad start", 10.0**300))
    unreadable = tmp_path / "20240104-000000.jsonl"
    unreadable.mkdir()  # cannot be read as a file
    (tmp_path / "20240105-000000.jsonl").write_bytes(b"")  # empty: nothing to list

    listing = scan_conversations(tmp_path)
    assert [s.title for s in listing.conversations] == ["good one"]
    assert [(d.path.name, d.damage) for d in listing.damaged] == [
        ("20240102-000000.jsonl", Damage.NO_TURNS),
        ("20240103-000000.jsonl", Damage.NO_TURNS),
        ("20240104-000000.jsonl", Damage.UNREADABLE),
    ]
    assert listing.damaged[0].damaged_lines == 2
    assert listing.damaged[2].detail  # the OS's reason, for the dialog to show
    assert [s.title for s in list_conversations(tmp_path)] == ["good one"]


def test_an_over_long_line_is_skipped_without_reading_it_whole(tmp_path: Path) -> None:
    huge = _turn("y" * (9 * 1024 * 1024))
    path = _write(tmp_path, "20240101-000000", huge, _turn("after"))
    loaded = read_conversation(path)
    assert [t["text"] for t in loaded.turns] == ["after"] and loaded.damaged_lines == 1
