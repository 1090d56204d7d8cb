"""Appends finished turns to a private JSON Lines file per conversation, fsynced, on a
background writer when given one."""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from gemini_desk.core.private_files import open_private, private_dir, write_all
from gemini_desk.core.serial_writer import SerialWriter
from gemini_desk.core.stored_turns import read_turns
from gemini_desk.core.transcript import Turn

__all__ = ["TranscriptStore"]

log = logging.getLogger("gemini_desk.transcript")


class TranscriptStore:
    """One ``<start time>.jsonl`` file per conversation under ``directory`` (0600 in a
    0700 folder).

    The file is created on the first finished turn, so empty conversations leave
    nothing behind. Each record is written and fsynced as a whole or not at all: a
    failed append (disk full) is cut back to the last good length, and a fragment that
    is still there when the next record comes (its clean-up failed too) is cut off or,
    when this store did not write it, closed with a newline first. A crash loses at
    most the turn in progress.

    Without a ``writer``, :meth:`append` writes at once and raises OSError. With one,
    it returns at once; the write and fsync run on the writer's thread, in order, and a
    failure goes to ``on_error`` there (the caller moves it to its own thread).
    """

    def __init__(
        self,
        directory: Path,
        started_at: float | None = None,
        *,
        writer: SerialWriter | None = None,
        on_error: Callable[[OSError], None] | None = None,
    ) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(started_at or time.time()))
        self.directory = directory
        self.path = directory / f"{stamp}.jsonl"
        suffix = 1
        while self.path.exists():
            suffix += 1
            self.path = directory / f"{stamp}-{suffix}.jsonl"
        self._writer = writer
        self._on_error = on_error
        self._good: int | None = None  # the file's length after our last whole record

    @classmethod
    def continuing(
        cls,
        path: Path,
        *,
        writer: SerialWriter | None = None,
        on_error: Callable[[OSError], None] | None = None,
    ) -> TranscriptStore:
        """A store that appends to the existing conversation file ``path``."""
        store = cls.__new__(cls)
        store.directory = path.parent
        store.path = path
        store._writer = writer
        store._on_error = on_error
        store._good = None
        return store

    def append(self, turn: Turn) -> None:
        """Store ``turn`` (its words are taken now; a later change to it is not)."""
        record = (json.dumps(turn.to_dict(), ensure_ascii=False) + "\n").encode("utf-8")
        if self._writer is None:
            self._write(record)
        else:
            self._writer.submit(lambda: self._write_reporting(record))

    def flush(self, timeout: float) -> bool:
        """Wait (at most ``timeout`` seconds) until every append is on disk."""
        return self._writer.flush(timeout) if self._writer is not None else True

    def _write_reporting(self, record: bytes) -> None:
        try:
            self._write(record)
        except OSError as exc:
            log.error("could not save the transcript: %r", exc)
            if self._on_error is not None:
                self._on_error(exc)

    def _write(self, record: bytes) -> None:
        private_dir(self.directory)
        fd = open_private(self.path, os.O_RDWR | os.O_APPEND)
        try:
            size = os.fstat(fd).st_size
            if self._good is not None and size > self._good:
                log.warning("cutting a torn record from %s", self.path.name)
                os.ftruncate(fd, self._good)
                size = self._good
            if size > 0 and os.pread(fd, 1, size - 1) != b"\n":
                record = b"\n" + record  # a fragment we did not write: start afresh
            try:
                write_all(fd, record)
                os.fsync(fd)
            except OSError:
                try:
                    os.ftruncate(fd, size)  # take the torn piece back at once
                except OSError as exc:
                    log.warning("could not cut a torn record: %r", exc)
                raise
            self._good = size + len(record)
        finally:
            os.close(fd)

    @staticmethod
    def read(path: Path) -> list[dict[str, object]]:
        """The good turns stored in ``path``; torn or damaged lines are skipped."""
        return list(read_turns(path).turns)
