"""The two ways to reach an MCP server, wrapped so the app knows when one went away.

:class:`WatchedTransport` wraps the SDK's transport (``stdio_client`` or
``streamable_http_client``): it says when the transport is open (a stdio server has
been spawned) and when the server's side ended (EOF on the read stream: a stdio server
exited, or an HTTP one went away) — the SDK's session only wakes the requests waiting
then, and nothing would tell the app a quiet server is gone.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from types import TracebackType
from typing import Any

import anyio
import httpx2
from mcp.client._transport import TransportStreams  # the SDK names the pair only here
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.message import SessionMessage

# httpx2's timeouts as the SDK's own HTTP client has them (the read one is long: a
# response stream may stay open).
HTTP_TIMEOUT = httpx2.Timeout(30.0, read=300.0)


@asynccontextmanager
async def http_transport(url: str, headers: Mapping[str, str]) -> AsyncIterator[TransportStreams]:
    """Streamable HTTP to ``url``, sending ``headers`` with every request."""
    async with (
        httpx2.AsyncClient(headers=dict(headers), timeout=HTTP_TIMEOUT) as http,
        streamable_http_client(url, http_client=http) as streams,
    ):
        yield streams


class WatchedTransport:
    """A transport that says when it is open (the server started) and when the server's
    side ended (EOF on the read stream: a stdio server exited, an HTTP one went away)."""

    def __init__(
        self,
        inner: AbstractAsyncContextManager[TransportStreams],
        on_open: Callable[[], None],
        on_eof: Callable[[], None],
    ) -> None:
        self._inner = inner
        self._on_open = on_open
        self._on_eof = on_eof

    async def __aenter__(self) -> TransportStreams:
        read, write = await self._inner.__aenter__()
        self._on_open()
        return _EofWatchingStream(read, self._on_eof), write

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> bool | None:
        return await self._inner.__aexit__(exc_type, exc, tb)


class _EofWatchingStream:
    """A read stream that calls ``on_eof`` when it ends."""

    def __init__(self, inner: Any, on_eof: Callable[[], None]) -> None:
        self._inner = inner
        self._on_eof = on_eof

    @property
    def last_context(self) -> Any:  # the SDK reads the sender's context here (HTTP)
        return getattr(self._inner, "last_context", None)

    async def receive(self) -> SessionMessage | Exception:
        try:
            item: SessionMessage | Exception = await self._inner.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            self._on_eof()
            raise
        return item

    async def aclose(self) -> None:
        await self._inner.aclose()

    def __aiter__(self) -> _EofWatchingStream:
        return self

    async def __anext__(self) -> SessionMessage | Exception:
        try:
            return await self.receive()
        except anyio.EndOfStream:
            raise StopAsyncIteration from None

    async def __aenter__(self) -> _EofWatchingStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
