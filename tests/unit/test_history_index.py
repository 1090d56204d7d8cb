"""The history's full-text index (SQLite FTS5): built from the JSON Lines files, kept
current file by file, ranked, blind to damaged lines, private, and rebuilt when broken."""

# ruff: noqa: RUF001  (Chinese sample text uses full-width punctuation)
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from gemini_desk.core.history import move_to_trash, restore_from_trash
from gemini_desk.core.history_index import HistoryIndex, query_terms

T0 = 1_700_000_000.0


def _write(directory: Path, name: str, *turns: dict[str, object] | bytes) -> Path:
    directory.mkdir(exist_ok=True)
    path = directory / f"{name}.jsonl"
    with open(path, "ab") as fh:
        for turn in turns:
            fh.write(turn if isinstance(turn, bytes) else json.dumps(turn).encode())
            fh.write(b"\n")
    return path


def _user(text: str, at: float = T0) -> dict[str, object]:
    return {"role": "user", "text": text, "started_at": at}


def _model(text: str, at: float = T0) -> dict[str, object]:
    return {"role": "model", "text": text, "started_at": at}


def _index(tmp_path: Path) -> HistoryIndex:
    return HistoryIndex(tmp_path / "data" / "history.sqlite3", tmp_path / "conversations")


def _names(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [h.summary.name for h in hits]


def test_build_lists_every_conversation_with_its_first_line_as_title(tmp_path: Path) -> None:
    convs = tmp_path / "conversations"
    _write(convs, "a", _user("Plan the trip\nto Lyon in May", T0), _model("Sure.", T0 + 1))
    _write(convs, "b", _model("Hello", T0 + 100), _user("What is a zucchini?", T0 + 101))
    index = _index(tmp_path)
    assert index.refresh() == 2
    listing = index.listing()
    assert [(s.name, s.title, s.turn_count) for s in listing.conversations] == [
        ("b", "What is a zucchini?", 2),
        ("a", "Plan the trip", 2),
    ]
    assert _names(index.search("zucchini")) == ["b"]
    assert _names(index.search("ZUCCH")) == ["b"], "case-folded, and a word's start matches"
    assert _names(index.search("trip lyon")) == ["a"], "every word must match"
    assert index.search("trip zucchini") == []
    assert index.search("  ") == []


def test_incremental_update_reindexes_only_what_changed(tmp_path: Path) -> None:
    convs = tmp_path / "conversations"
    _write(convs, "a", _user("apples"))
    b = _write(convs, "b", _user("bananas"))
    index = _index(tmp_path)
    assert index.refresh() == 2
    assert index.refresh() == 0, "nothing changed: nothing is read again"
    _write(convs, "b", _model("cherries taste better", T0 + 5))  # a turn appended
    os.utime(b, ns=(b.stat().st_atime_ns, b.stat().st_mtime_ns + 1_000_000))
    assert index.refresh() == 1
    assert _names(index.search("cherries")) == ["b"]
    assert index.listing().conversations[0].turn_count == 2
    (convs / "a.jsonl").unlink()
    assert index.refresh() == 0
    assert index.search("apples") == []
    assert [s.name for s in index.listing().conversations] == ["b"]
    index.close()
    again = _index(tmp_path)  # the next run starts from what is on disk
    assert again.refresh() == 0 and _names(again.search("bananas")) == ["b"]


def test_ranking_puts_the_closest_match_first(tmp_path: Path) -> None:
    convs = tmp_path / "conversations"
    filler = " ".join(f"word{i}" for i in range(80))
    _write(convs, "once", _user(f"{filler} telescope {filler}", T0 + 50))
    _write(
        convs, "often", _user("telescope telescope: which telescope?", T0), _model("A telescope.")
    )
    _write(convs, "none", _user("microscope", T0 + 99))
    index = _index(tmp_path)
    index.refresh()
    hits = index.search("telescope")
    assert _names(hits) == ["often", "once"]
    assert hits[0].matches == 2 and hits[1].matches == 1
    assert hits[0].turn == 0
    assert "telescope" in hits[1].snippet and hits[1].snippet.startswith("…")
    assert len(hits[1].snippet) < 100


def test_the_best_turn_is_pointed_at(tmp_path: Path) -> None:
    convs = tmp_path / "conversations"
    _write(convs, "c", _user("hello"), _model("hi"), _user("tell me about comets"))
    index = _index(tmp_path)
    index.refresh()
    (hit,) = index.search("comet")
    assert hit.turn == 2 and hit.snippet == "tell me about comets"


def test_damaged_lines_are_skipped_and_damaged_files_listed(tmp_path: Path) -> None:
    convs = tmp_path / "conversations"
    _write(convs, "mixed", _user("good walrus"), b'{"role": "user", "text": "torn wal', b"\xff\xfe")
    _write(convs, "broken", b"not json at all walrus")
    index = _index(tmp_path)
    index.refresh()
    listing = index.listing()
    assert [(s.name, s.turn_count, s.damaged_lines) for s in listing.conversations] == [
        ("mixed", 1, 2)
    ]
    assert [d.name for d in listing.damaged] == ["broken"]
    assert _names(index.search("walrus")) == ["mixed"]
    assert index.search("torn") == []


def test_chinese_words_are_found_inside_sentences(tmp_path: Path) -> None:
    convs = tmp_path / "conversations"
    _write(convs, "zh", _user("这张图表说了什么？"), _model("图上有五根彩色条。"))
    _write(convs, "en", _user("What does the chart say?"))
    index = _index(tmp_path)
    index.refresh()
    assert query_terms("图表 chart") == ["图表", "chart"]
    assert _names(index.search("图表")) == ["zh"]
    assert _names(index.search("表图")) == [], "the characters in their order"
    hit = index.search("彩色")[0]
    assert hit.turn == 1 and "彩色" in hit.snippet


def test_fts_syntax_in_a_query_is_taken_as_words(tmp_path: Path) -> None:
    convs = tmp_path / "conversations"
    _write(convs, "q", _user('say "NEAR" OR (maybe) AND not*'))
    index = _index(tmp_path)
    index.refresh()
    assert _names(index.search('"near" OR')) == ["q"]
    assert index.search('")(*') == []


def test_delete_and_undo(tmp_path: Path) -> None:
    convs = tmp_path / "conversations"
    path = _write(convs, "gone", _user("ephemeral words"))
    index = _index(tmp_path)
    index.refresh()
    trashed = move_to_trash(path)
    index.forget(path)
    assert index.search("ephemeral") == [] and index.listing().conversations == []
    assert index.refresh() == 0, "the trash is not listed"
    assert restore_from_trash(trashed) == path
    assert index.refresh() == 1
    assert _names(index.search("ephemeral")) == ["gone"]


def test_the_index_is_private_and_rebuilt_when_damaged(tmp_path: Path) -> None:
    convs = tmp_path / "conversations"
    _write(convs, "k", _user("kiwi"))
    index = _index(tmp_path)
    index.refresh()
    index.close()
    db = tmp_path / "data" / "history.sqlite3"
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    db.write_bytes(b"this is not a database" * 100)
    again = _index(tmp_path)
    assert again.refresh() == 1
    assert _names(again.search("kiwi")) == ["k"]
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
