"""A tiny Live server that misbehaves on purpose, for the real SDK to meet in tests.

It speaks just enough of the Live protocol over TLS (the local server's own helpers make
the certificate): it reads the client's setup, then follows a script. What it does is
chosen per connection by ``script(n)`` (n counts from 1), so a test can make the first
connections misbehave and later ones work. It runs on the test's own event loop.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from gemini_desk.live.config import Endpoint
from gemini_desk.sim.tls import TlsFiles, generate_tls

SETUP_COMPLETE = json.dumps({"setupComplete": {}})
GO_AWAY = json.dumps({"goAway": {"timeLeft": "1s"}})
TURN_COMPLETE = json.dumps({"serverContent": {"turnComplete": True}})


def handle_update(handle: str) -> str:
    return json.dumps({"sessionResumptionUpdate": {"newHandle": handle, "resumable": True}})


def model_text(text: str) -> str:
    return json.dumps({"serverContent": {"modelTurn": {"parts": [{"text": text}]}}})


def model_audio(pcm: bytes, b64: str | None = None) -> str:
    """An audio part; ``b64`` replaces the encoded data (to send invalid base64)."""
    data = b64 if b64 is not None else base64.b64encode(pcm).decode()
    blob = {"mimeType": "audio/pcm;rate=24000", "data": data}
    return json.dumps({"serverContent": {"modelTurn": {"parts": [{"inlineData": blob}]}}})


# What to do after reading the setup: a list of frames to send (str or bytes), with
# None meaning "stay silent until the client leaves"; an int closes with that code.
Step = str | bytes | int | None


@dataclass
class Connection:
    """One connection the server accepted: when, its setup, what the client sent."""

    opened: float
    setup: dict[str, Any] = field(default_factory=dict)
    received: list[str | bytes] = field(default_factory=list)
    closed: float | None = None


class MisbehavingLive:
    """``async with MisbehavingLive(script, tmp_path) as server``: ``server.endpoint``."""

    def __init__(self, script: Callable[[int], list[Step]], directory: Path) -> None:
        self._script = script
        self._tls: TlsFiles = generate_tls(directory)
        self._server: Server | None = None
        self.connections: list[Connection] = []

    @property
    def endpoint(self) -> Endpoint:
        assert self._server is not None
        port = next(iter(self._server.sockets)).getsockname()[1]
        return Endpoint(
            api_key="test-key", base_url=f"https://127.0.0.1:{port}", ca_file=self._tls.ca_file
        )

    async def __aenter__(self) -> MisbehavingLive:
        self._server = await serve(
            self._handle, "127.0.0.1", 0, ssl=self._tls.server_context(), max_size=None
        )
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _handle(self, ws: ServerConnection) -> None:
        conn = Connection(opened=time.monotonic())
        self.connections.append(conn)
        steps = self._script(len(self.connections))
        try:
            conn.setup = json.loads(await ws.recv())
            for step in steps:
                if step is None:
                    async for frame in ws:  # silent, but pings are answered
                        conn.received.append(frame)
                    return
                if isinstance(step, int):
                    await ws.close(step, "scripted close")
                    return
                await ws.send(step)
            async for frame in ws:
                conn.received.append(frame)
        except ConnectionClosed:
            pass
        finally:
            conn.closed = time.monotonic()


async def wait_until(predicate: Callable[[], bool], timeout: float, what: str) -> None:
    """Wait (polling the loop) until ``predicate()`` holds; fail after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.01)
