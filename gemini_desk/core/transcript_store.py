"""Appends finished turns to a JSON Lines file per conversation, fsynced."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from gemini_desk.core.transcript import Turn


class TranscriptStore:
    """One ``<start time>.jsonl`` file per conversation under ``directory``.

    The file is created on the first finished turn, so empty conversations leave
    nothing behind. Each line is written, flushed and fsynced before ``append`` returns:
    a crash loses at most the turn in progress.
    """

    def __init__(self, directory: Path, started_at: float | None = None) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(started_at or time.time()))
        self.directory = directory
        self.path = directory / f"{stamp}.jsonl"
        suffix = 1
        while self.path.exists():
            suffix += 1
            self.path = directory / f"{stamp}-{suffix}.jsonl"

    def append(self, turn: Turn) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        line = json.dumps(turn.to_dict(), ensure_ascii=False) + "\n"
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())

    @staticmethod
    def read(path: Path) -> list[dict[str, object]]:
        """The turns stored in ``path``; a torn last line (crash mid-write) is skipped."""
        turns: list[dict[str, object]] = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                item = json.loads(line)
            except ValueError:
                continue
            if isinstance(item, dict):
                turns.append(item)
        return turns
