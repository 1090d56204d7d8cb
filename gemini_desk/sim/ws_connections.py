"""websockets server connections the sim can find again when it stops, opening ones too."""

from __future__ import annotations

import logging
import weakref
from typing import Any, ClassVar

from websockets.asyncio.server import Server, ServerConnection
from websockets.protocol import State

__all__ = ["EarlyLeaverFilter", "TrackedConnection", "unfinished"]


class TrackedConnection(ServerConnection):
    """A ``ServerConnection`` remembered from the moment the client connects, so a stop
    can cut off clients still in their opening handshake: ``Server.all_connections``
    lists open ones only, and ``wait_closed`` waits for the others' 10 s open timeout."""

    _existing: ClassVar[weakref.WeakSet[TrackedConnection]] = weakref.WeakSet()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        TrackedConnection._existing.add(self)


def unfinished(server: Server) -> list[ServerConnection]:
    """``server``'s connections not closed yet: open, or still opening."""
    return [
        conn
        for conn in list(TrackedConnection._existing)
        if conn.server is server and conn.protocol.state is not State.CLOSED
    ]


class EarlyLeaverFilter(logging.Filter):
    """websockets logs "! no valid HTTP request" with a traceback (at DEBUG) when a client
    connects and goes before sending its request, e.g. an app quitting while its first
    request was opening. That is routine for a server: keep the line, drop the
    traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        early = record.exc_info and isinstance(record.exc_info[1], EOFError)
        if early and record.getMessage() == "! no valid HTTP request":
            record.exc_info = None
            record.exc_text = None
        return True


EARLY_LEAVERS = EarlyLeaverFilter()
