"""Wakes the event loop from an audio thread through a socket pair: one byte per wake.

qasync's ``call_soon_threadsafe`` emits a Qt signal carrying the callback and its
arguments as Python objects, which cost the microphone's PortAudio thread ~0.2 ms of CPU
per wake-up (py-spy on the idle app: the largest share of that thread). Sending one
byte on a non-blocking socket costs a system call; the loop sees the socket readable
(qasync: a ``QSocketNotifier``; asyncio's selector loops alike), drains it and runs the
callback once for however many wakes arrived. Where the loop cannot watch a socket
(asyncio's proactor loop on Windows), ``wake`` falls back to ``call_soon_threadsafe``.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Callable

__all__ = ["LoopWaker"]

_BYTE = b"\x00"


class LoopWaker:
    """``wake()`` from any thread makes ``callback()`` run on ``loop`` soon after."""

    def __init__(self, loop: asyncio.AbstractEventLoop, callback: Callable[[], None]) -> None:
        self._loop = loop
        self._callback = callback
        self._reader: socket.socket | None = None
        self._writer: socket.socket | None = None
        self._closed = False
        reader, writer = socket.socketpair()
        reader.setblocking(False)
        writer.setblocking(False)
        try:
            loop.add_reader(reader.fileno(), self._on_readable)
        except NotImplementedError:
            reader.close()
            writer.close()
            return
        self._reader, self._writer = reader, writer

    @property
    def uses_socket(self) -> bool:
        """True when wakes go through the socket pair (not ``call_soon_threadsafe``)."""
        return self._writer is not None

    def wake(self) -> bool:
        """Any thread: ask for one ``callback()`` on the loop. False once closed."""
        writer = self._writer
        if self._closed:
            return False
        if writer is None:
            try:
                self._loop.call_soon_threadsafe(self._callback)
            except RuntimeError:  # the loop is closed
                return False
            return True
        try:
            writer.send(_BYTE)
        except BlockingIOError:
            pass  # the socket is full of wakes the loop has not read yet: it will
        except OSError:  # closed
            return False
        return True

    def close(self) -> None:
        """Loop thread: stop watching the socket and close both ends."""
        self._closed = True
        reader, writer = self._reader, self._writer
        self._reader = self._writer = None
        if reader is not None:
            with contextlib.suppress(Exception):  # the loop may be closed already
                self._loop.remove_reader(reader.fileno())
            reader.close()
        if writer is not None:
            writer.close()

    def _on_readable(self) -> None:
        reader = self._reader
        if reader is None:
            return
        with contextlib.suppress(BlockingIOError):
            while reader.recv(4096):
                pass
        self._callback()
