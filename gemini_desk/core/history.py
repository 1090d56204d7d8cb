"""The list of past conversations stored as JSON Lines files, newest first."""

from __future__ import annotations

import enum
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gemini_desk.core.stored_turns import read_turns
from gemini_desk.core.tools import ToolCallRecord
from gemini_desk.core.transcript import Turn

__all__ = [
    "TRASH",
    "ConversationSummary",
    "Damage",
    "DamagedFile",
    "HistoryListing",
    "StoredConversation",
    "conversation_title",
    "empty_trash",
    "examine",
    "examine_with_turns",
    "list_conversations",
    "load_transcript",
    "load_turns",
    "move_to_trash",
    "read_conversation",
    "restore_from_trash",
    "scan_conversations",
    "summarize",
    "tool_record",
]

log = logging.getLogger("gemini_desk.history")

TITLE_CHARS = 60
TRASH = ".deleted"  # a deleted conversation waits here until undo is no longer offered


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    """One stored conversation, enough to list it."""

    path: Path
    started_at: float  # epoch seconds of the first turn (file time when it has none)
    turn_count: int
    title: str  # the first line the user said or typed, shortened ("": none)
    damaged_lines: int = 0  # lines that could not be read (skipped)

    @property
    def name(self) -> str:
        return self.path.stem


class Damage(enum.Enum):
    """Why a conversation file cannot be listed."""

    UNREADABLE = "unreadable"  # the file cannot be opened or read (``detail`` says why)
    NO_TURNS = "no_turns"  # it has lines, but not one of them is a readable turn


@dataclass(frozen=True, slots=True)
class DamagedFile:
    """A conversation file that cannot be shown, for the History dialog to list."""

    path: Path
    damage: Damage
    detail: str = ""  # the OS's reason (UNREADABLE)
    damaged_lines: int = 0

    @property
    def name(self) -> str:
        return self.path.stem


@dataclass(frozen=True, slots=True)
class HistoryListing:
    """Everything in the conversation folder: good conversations newest first (some
    may have damaged lines), then the files that cannot be shown, by name."""

    conversations: list[ConversationSummary]
    damaged: list[DamagedFile]


@dataclass(frozen=True, slots=True)
class StoredConversation:
    """The good turns of one conversation, in order, and how many lines were skipped."""

    turns: list[dict[str, Any]]
    damaged_lines: int


def conversation_title(turns: list[dict[str, Any]]) -> str:
    """A conversation's title: the first line of the first thing the user said or
    typed, shortened ("" when the user said nothing)."""
    for turn in turns:
        if turn.get("role") != "user":
            continue
        lines = [" ".join(line.split()) for line in str(turn.get("text") or "").splitlines()]
        text = next((line for line in lines if line), "")
        if text:
            return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"
    return ""


def examine(path: Path) -> ConversationSummary | DamagedFile | None:
    """One file as a summary, as damaged, or None when it holds nothing at all."""
    return examine_with_turns(path)[0]


def examine_with_turns(
    path: Path,
) -> tuple[ConversationSummary | DamagedFile | None, list[dict[str, Any]]]:
    """:func:`examine`, and the file's good turns (read once)."""
    try:
        stored = read_turns(path)
        mtime = path.stat().st_mtime
    except OSError as exc:
        log.warning("cannot read conversation %s: %r", path, exc)
        return DamagedFile(path, Damage.UNREADABLE, exc.strerror or type(exc).__name__), []
    if stored.damaged_lines:
        log.warning("%d damaged lines in conversation %s", stored.damaged_lines, path.name)
    if not stored.turns:
        if stored.damaged_lines:
            return DamagedFile(path, Damage.NO_TURNS, damaged_lines=stored.damaged_lines), []
        return None, []
    first = stored.turns[0].get("started_at")
    started = float(first) if isinstance(first, int | float) else mtime
    title = conversation_title(stored.turns)
    summary = ConversationSummary(path, started, len(stored.turns), title, stored.damaged_lines)
    return summary, stored.turns


def summarize(path: Path) -> ConversationSummary | None:
    """A summary of one file; None when it cannot be read or holds no readable turn."""
    found = examine(path)
    return found if isinstance(found, ConversationSummary) else None


def scan_conversations(directory: Path) -> HistoryListing:
    """Every ``*.jsonl`` under ``directory``: the readable conversations, newest first,
    and the damaged files, by name. One bad file never hides the others."""
    if not directory.is_dir():
        return HistoryListing([], [])
    good: list[ConversationSummary] = []
    damaged: list[DamagedFile] = []
    for path in directory.glob("*.jsonl"):
        found = examine(path)
        if isinstance(found, ConversationSummary):
            good.append(found)
        elif isinstance(found, DamagedFile):
            damaged.append(found)
    good.sort(key=lambda s: (s.started_at, s.name), reverse=True)
    damaged.sort(key=lambda d: d.name)
    return HistoryListing(good, damaged)


def list_conversations(directory: Path) -> list[ConversationSummary]:
    """Every readable conversation under ``directory``, newest first."""
    return scan_conversations(directory).conversations


def read_conversation(path: Path) -> StoredConversation:
    """The good turns of one conversation and the count of damaged lines; raises only
    OSError."""
    stored = read_turns(path)
    return StoredConversation(stored.turns, stored.damaged_lines)


def load_turns(path: Path) -> list[dict[str, Any]]:
    """The stored turns of one conversation, in the order they finished (damaged lines
    skipped); raises only OSError."""
    return read_conversation(path).turns


def load_transcript(path: Path) -> list[Turn]:
    """The stored turns of one conversation as transcript turns (tool rows with their
    :class:`ToolCallRecord`), in the order they finished."""
    return [Turn.from_dict(t) for t in read_turns(path).turns]


def tool_record(turn: Mapping[str, Any]) -> ToolCallRecord | None:
    """The tool call a stored turn shows, if it is a tool row."""
    data = turn.get("tool")
    return ToolCallRecord.from_dict(data) if isinstance(data, Mapping) else None


def move_to_trash(path: Path) -> Path:
    """Delete a conversation so that it can still be undone: it moves to the ``TRASH``
    folder beside it (never listed). Returns where it went; raises OSError."""
    trash = path.parent / TRASH
    trash.mkdir(mode=0o700, exist_ok=True)
    target = trash / path.name
    path.replace(target)
    return target


def restore_from_trash(trashed: Path) -> Path:
    """Undo :func:`move_to_trash`; returns the conversation's path again."""
    target = trashed.parent.parent / trashed.name
    trashed.replace(target)
    return target


def empty_trash(directory: Path) -> int:
    """Delete for good what waits in ``directory``'s trash; returns how many files."""
    trash = directory / TRASH
    gone = 0
    for path in trash.glob("*.jsonl") if trash.is_dir() else ():
        try:
            path.unlink()
            gone += 1
        except OSError as exc:
            log.warning("could not delete a conversation for good: %r", exc)
    return gone
