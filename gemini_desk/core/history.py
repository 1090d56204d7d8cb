"""The list of past conversations stored as JSON Lines files, newest first."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gemini_desk.core.tools import ToolCallRecord
from gemini_desk.core.transcript import Turn
from gemini_desk.core.transcript_store import TranscriptStore

log = logging.getLogger("gemini_desk.history")

TITLE_CHARS = 60


@dataclass(frozen=True, slots=True)
class ConversationSummary:
    """One stored conversation, enough to list it."""

    path: Path
    started_at: float  # epoch seconds of the first turn (file time when it has none)
    turn_count: int
    title: str  # the first thing the user said or typed, shortened

    @property
    def name(self) -> str:
        return self.path.stem


def _title(turns: list[dict[str, Any]]) -> str:
    for turn in turns:
        text = " ".join(str(turn.get("text") or "").split())
        if turn.get("role") == "user" and text:
            return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"
    return "(no words from you)"


def summarize(path: Path) -> ConversationSummary | None:
    """A summary of one file; None when it cannot be read."""
    try:
        turns = TranscriptStore.read(path)
        mtime = path.stat().st_mtime
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("cannot read conversation %s: %r", path, exc)
        return None
    first = turns[0].get("started_at") if turns else None
    started = float(first) if isinstance(first, int | float) else mtime
    return ConversationSummary(path, started, len(turns), _title(turns))


def list_conversations(directory: Path) -> list[ConversationSummary]:
    """Every readable ``*.jsonl`` conversation under ``directory``, newest first."""
    if not directory.is_dir():
        return []
    found = [summarize(p) for p in directory.glob("*.jsonl")]
    summaries = [s for s in found if s is not None and s.turn_count > 0]
    return sorted(summaries, key=lambda s: (s.started_at, s.name), reverse=True)


def load_turns(path: Path) -> list[dict[str, Any]]:
    """The stored turns of one conversation, in the order they finished."""
    return [dict(t) for t in TranscriptStore.read(path)]


def load_transcript(path: Path) -> list[Turn]:
    """The stored turns of one conversation as transcript turns (tool rows with their
    :class:`ToolCallRecord`), in the order they finished."""
    return [Turn.from_dict(t) for t in TranscriptStore.read(path)]


def tool_record(turn: Mapping[str, Any]) -> ToolCallRecord | None:
    """The tool call a stored turn shows, if it is a tool row."""
    data = turn.get("tool")
    return ToolCallRecord.from_dict(data) if isinstance(data, Mapping) else None
