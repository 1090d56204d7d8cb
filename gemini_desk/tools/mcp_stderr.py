"""The last lines a stdio MCP server wrote to stderr, for its status in Settings.

The SDK's ``stdio_client`` hands the server a file for stderr (``errlog``); this gives it
the write end of a pipe and keeps the last lines read from the other end, on a small
reader thread (portable: the server's stderr is an ordinary pipe on every OS). The
lines are shown, never logged: a server may print anything there.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import os
import threading
from typing import TextIO

MAX_LINE_CHARS = 500
_READ_SIZE = 4096


class StderrCapture:
    """A pipe for a server's stderr and the last ``lines`` lines that came through it.

    Made on the MCP loop (it tells that loop when the pipe reaches its end); ``tail``
    may be read from any thread.
    """

    def __init__(self, name: str, lines: int) -> None:
        read_fd, write_fd = os.pipe()
        self._read_fd = read_fd
        self.writer: TextIO = open(write_fd, "w", encoding="utf-8", closefd=True)  # noqa: SIM115
        self._max = max(lines, 1)
        self._lines: collections.deque[str] = collections.deque(maxlen=self._max)
        self._partial = ""
        self._lock = threading.Lock()
        self._loop = asyncio.get_running_loop()
        self._ended = asyncio.Event()
        self._thread = threading.Thread(target=self._read, name=f"mcp-stderr-{name}", daemon=True)
        self._thread.start()

    def tail(self) -> str:
        """The last lines (and a line still being written), oldest first."""
        with self._lock:
            lines = list(self._lines)
            if self._partial.strip():
                lines.append(self._partial)
        return "\n".join(lines[-self._max :])

    def close_writer(self) -> None:
        """Close this process's copy of the write end (the server holds its own), so the
        pipe ends when the server does. Safe twice."""
        with contextlib.suppress(OSError):
            self.writer.close()

    async def ended(self, timeout_s: float) -> bool:
        """Wait (at most ``timeout_s``) until every writer has closed the pipe, so that a
        server that just exited has had all its last words read."""
        self.close_writer()
        try:
            await asyncio.wait_for(self._ended.wait(), timeout_s)
        except TimeoutError:
            return False
        return True

    def close(self, timeout_s: float = 2.0) -> None:
        """Stop reading; the reader thread ends at the pipe's end (the server's process
        group is gone by now)."""
        self.close_writer()
        self._thread.join(timeout_s)

    def _read(self) -> None:
        try:
            while chunk := os.read(self._read_fd, _READ_SIZE):
                self._add(chunk.decode("utf-8", errors="replace"))
        except OSError:
            pass
        finally:
            os.close(self._read_fd)
            with contextlib.suppress(RuntimeError):  # the MCP loop is already closed
                self._loop.call_soon_threadsafe(self._ended.set)

    def _add(self, text: str) -> None:
        with self._lock:
            pieces = (self._partial + text.replace("\r\n", "\n")).split("\n")
            self._partial = pieces.pop()[:MAX_LINE_CHARS]
            self._lines.extend(p[:MAX_LINE_CHARS] for p in pieces if p.strip())
