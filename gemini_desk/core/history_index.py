"""A full-text index of every stored conversation (SQLite FTS5, from the standard
library), rebuilt from the JSON Lines files, which stay the source of truth.

The index is a cache: a file that changed (size or modification time) is indexed again,
a file that is gone is forgotten, and an index that cannot be read is thrown away and
built anew. Words are tokenized by FTS5's ``unicode61`` (case and accents folded); CJK
characters are indexed one by one, so a Chinese word is found as a phrase of its
characters. The database is private (0600).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gemini_desk.core.history import (
    ConversationSummary,
    Damage,
    DamagedFile,
    HistoryListing,
    examine_with_turns,
)
from gemini_desk.core.private_files import open_private, private_dir

__all__ = ["INDEX_VERSION", "HistoryIndex", "SearchHit", "query_terms"]

log = logging.getLogger("gemini_desk.history")

INDEX_VERSION = 1  # bumped when the schema or the tokenizing changes: rebuilt then
_SNIPPET_CHARS = 90
# CJK ideographs, kana, hangul and CJK punctuation-free letters: one token each.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_TERM = re.compile(f"[{_CJK}]+|[^\\W{_CJK}]+")
_SCHEMA = """
CREATE TABLE files (
    name TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, started_at REAL,
    turn_count INTEGER, title TEXT, damaged_lines INTEGER, damage TEXT, detail TEXT
);
CREATE VIRTUAL TABLE turns USING fts5(
    body, name UNINDEXED, turn UNINDEXED, text UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2'
);
"""


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A conversation that matches a search, with its best-matching turn."""

    summary: ConversationSummary
    turn: int  # index of the best-matching turn among the file's good turns
    snippet: str  # that turn's words around the first match
    matches: int  # how many of its turns match


def _spaced(text: str) -> str:
    """``text`` with every CJK character on its own (a token of its own for FTS5)."""
    return _CJK_CHAR.sub(lambda m: f" {m.group(0)} ", text)


def query_terms(query: str) -> list[str]:
    """The words of ``query`` (a CJK run is one term)."""
    return _TERM.findall(query)


def _fts_query(terms: list[str]) -> str:
    """An FTS5 query: every term must match; a word matches as a prefix, a CJK run as a
    phrase of its characters. Terms are quoted, so no FTS syntax gets through."""
    parts = []
    for term in terms:
        if _CJK_CHAR.match(term):
            parts.append('"' + " ".join(term) + '"')
        else:
            parts.append('"' + term.replace('"', "") + '"*')
    return " AND ".join(parts)


def _snippet(text: str, terms: list[str]) -> str:
    """About ``_SNIPPET_CHARS`` of ``text`` on one line, around the first term found."""
    flat = " ".join(text.split())
    folded = flat.casefold()
    found = [i for t in terms if (i := folded.find(t.casefold())) >= 0]
    start = max(0, min(found) - _SNIPPET_CHARS // 3) if found else 0
    piece = flat[start : start + _SNIPPET_CHARS]
    if start > 0:
        piece = "…" + piece.lstrip()
    if start + _SNIPPET_CHARS < len(flat):
        piece = piece.rstrip() + "…"
    return piece


class HistoryIndex:
    """The index at ``db_path`` of the conversations in ``directory``.

    Call :meth:`refresh` before reading (it indexes what changed since); all methods
    run on the thread that made the object. Raises only OSError (the index file cannot
    be made at all).
    """

    def __init__(self, db_path: Path | None, directory: Path) -> None:
        self.db_path = db_path  # None: in memory, built at each start
        self.directory = directory
        self._db = self._open()

    # --- set-up -------------------------------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        if self.db_path is None:
            db = sqlite3.connect(":memory:")
            self._create(db)
            return db
        private_dir(self.db_path.parent)
        for attempt in (1, 2):
            os.close(open_private(self.db_path, os.O_RDWR))  # 0600 before SQLite opens it
            db = sqlite3.connect(self.db_path)
            try:
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version != INDEX_VERSION:
                    self._create(db)
                db.execute("SELECT count(*) FROM files").fetchone()
                return db
            except sqlite3.DatabaseError as exc:
                db.close()
                if attempt == 2:
                    raise OSError(f"the history index cannot be built: {exc}") from exc
                log.warning("history index unreadable (%r): building it anew", exc)
                self._remove_files()
        raise AssertionError("unreachable")

    @staticmethod
    def _create(db: sqlite3.Connection) -> None:
        with db:
            db.execute("DROP TABLE IF EXISTS files")
            db.execute("DROP TABLE IF EXISTS turns")
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version = {INDEX_VERSION}")

    def _remove_files(self) -> None:
        assert self.db_path is not None
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{self.db_path}{suffix}").unlink()

    def close(self) -> None:
        self._db.close()

    # --- keeping it current ----------------------------------------------------------------
    def refresh(self) -> int:
        """Index the files that changed since the last refresh and forget the ones that
        are gone. Returns how many files were (re)indexed."""
        on_disk: dict[str, os.stat_result] = {}
        if self.directory.is_dir():
            for path in self.directory.glob("*.jsonl"):
                with contextlib.suppress(OSError):
                    on_disk[path.name] = path.stat()
        known = {
            name: (size, mtime)
            for name, size, mtime in self._db.execute("SELECT name, size, mtime_ns FROM files")
        }
        with self._db:
            for name in known.keys() - on_disk.keys():
                self._forget(name)
            changed = [
                name
                for name, st in on_disk.items()
                if known.get(name) != (st.st_size, st.st_mtime_ns)
            ]
            for name in changed:
                self._index(name, on_disk[name])
        if changed:
            log.info("history index: %d conversation files indexed", len(changed))
        return len(changed)

    def forget(self, path: Path) -> None:
        """Take one conversation out of the index (its file was deleted or moved)."""
        with self._db:
            self._forget(path.name)

    def _forget(self, name: str) -> None:
        self._db.execute("DELETE FROM files WHERE name = ?", (name,))
        self._db.execute("DELETE FROM turns WHERE name = ?", (name,))

    def _index(self, name: str, st: os.stat_result) -> None:
        self._forget(name)
        path = self.directory / name
        found, turns = examine_with_turns(path)
        row = (name, st.st_size, st.st_mtime_ns)
        if found is None:  # nothing in it (yet): remembered, so it is not read again
            self._db.execute("INSERT INTO files VALUES (?, ?, ?, 0, 0, '', 0, 'empty', '')", row)
            return
        if isinstance(found, DamagedFile):
            self._db.execute(
                "INSERT INTO files VALUES (?, ?, ?, 0, 0, '', ?, ?, ?)",
                (*row, found.damaged_lines, found.damage.value, found.detail),
            )
            return
        self._db.execute(
            "INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, '', '')",
            (*row, found.started_at, found.turn_count, found.title, found.damaged_lines),
        )
        self._db.executemany(
            "INSERT INTO turns (body, name, turn, text) VALUES (?, ?, ?, ?)",
            (
                (_spaced(text), name, i, text)
                for i, turn in enumerate(turns)
                if (text := _turn_words(turn))
            ),
        )

    # --- reading ---------------------------------------------------------------------------
    def listing(self) -> HistoryListing:
        """Every conversation, newest first, and the damaged files, by name."""
        good = [self._summary(row) for row in self._rows("damage = ''")]
        good.sort(key=lambda s: (s.started_at, s.name), reverse=True)
        damaged = [
            DamagedFile(self.directory / name, Damage(damage), detail, lines)
            for name, damage, detail, lines in self._db.execute(
                "SELECT name, damage, detail, damaged_lines FROM files "
                "WHERE damage NOT IN ('', 'empty') ORDER BY name"
            )
        ]
        return HistoryListing(good, damaged)

    def search(self, query: str, limit: int = 200) -> list[SearchHit]:
        """Conversations whose turns hold every word of ``query`` (a word may be the
        start of a longer one), best first: the best-ranked turn (BM25) decides, then
        how many turns match, then the newer conversation. An empty query finds none."""
        terms = query_terms(query)
        if not terms:
            return []
        try:
            rows = self._db.execute(
                "SELECT name, turn, text, bm25(turns) FROM turns WHERE turns MATCH ? "
                "ORDER BY bm25(turns)",
                (_fts_query(terms),),
            ).fetchall()
        except sqlite3.OperationalError as exc:  # a query FTS5 cannot parse
            log.info("history search not understood: %r", exc)
            return []
        best: dict[str, tuple[int, str, float]] = {}
        counts: dict[str, int] = {}
        for name, turn, text, rank in rows:
            counts[name] = counts.get(name, 0) + 1
            if name not in best:
                best[name] = (int(turn), str(text), float(rank))
        summaries = {s.name: s for s in map(self._summary, self._rows("damage = ''"))}
        hits = [
            SearchHit(summaries[Path(name).stem], turn, _snippet(text, terms), counts[name])
            for name, (turn, text, _rank) in best.items()
            if Path(name).stem in summaries
        ]
        hits.sort(
            key=lambda h: (
                best[h.summary.path.name][2],
                -h.matches,
                -h.summary.started_at,
            )
        )
        return hits[:limit]

    def _rows(self, where: str) -> Iterator[tuple[str, float, int, str, int]]:
        yield from self._db.execute(
            f"SELECT name, started_at, turn_count, title, damaged_lines FROM files WHERE {where}"
        )

    def _summary(self, row: tuple[str, float, int, str, int]) -> ConversationSummary:
        name, started_at, turn_count, title, damaged_lines = row
        return ConversationSummary(
            self.directory / name, started_at, turn_count, title, damaged_lines
        )


def _turn_words(turn: dict[str, object]) -> str:
    """What a stored turn says: its text, or a tool row's name and result."""
    text = turn.get("text")
    if isinstance(text, str) and text.strip():
        return text
    tool = turn.get("tool")
    if isinstance(tool, dict):
        parts = [tool.get("name"), tool.get("summary")]
        return " ".join(p for p in parts if isinstance(p, str) and p)
    return ""
