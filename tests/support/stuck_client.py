"""A Live client that sets up a session and then never reads again: it never answers
the server's close frame, so a server that waits for the close handshake waits for it."""

from __future__ import annotations

import base64
import json
import os
import socket
import ssl
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from gemini_desk.sim.tls import client_ssl_context

LIVE_PATH = "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"


def masked_text_frame(text: str) -> bytes:
    """One client-to-server websocket text frame (FIN, masked)."""
    payload = text.encode("utf-8")
    n = len(payload)
    if n < 126:
        header = struct.pack("!BB", 0x81, 0x80 | n)
    elif n < 1 << 16:
        header = struct.pack("!BBH", 0x81, 0x80 | 126, n)
    else:
        header = struct.pack("!BBQ", 0x81, 0x80 | 127, n)
    mask = os.urandom(4)
    return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def _read_until(sock: ssl.SSLSocket, marker: bytes, limit: int = 1 << 16) -> bytes:
    data = b""
    while marker not in data:
        chunk = sock.recv(4096)
        if not chunk or len(data) > limit:
            raise ConnectionError(f"no {marker!r} from the server: {data[:200]!r}")
        data += chunk
    return data


@contextmanager
def stuck_client(
    base_url: str, ca_file: Path, api_key: str, model: str = "gemini-3.8-live"
) -> Iterator[ssl.SSLSocket]:
    """A session past setupComplete whose client then goes silent (closed on exit)."""
    url = urlsplit(base_url)
    host, port = url.hostname or "127.0.0.1", url.port or 443
    raw = socket.create_connection((host, port), timeout=10)
    sock = client_ssl_context(ca_file).wrap_socket(raw, server_hostname=host)
    try:
        ws_key = base64.b64encode(os.urandom(16)).decode()
        request = (
            f"GET {LIVE_PATH}?key={api_key} HTTP/1.1\r\n"
            f"Host: {host}:{port}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {ws_key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        )
        sock.sendall(request.encode("ascii"))
        head = _read_until(sock, b"\r\n\r\n")
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise ConnectionError(f"no websocket upgrade: {head[:200]!r}")
        setup = {"setup": {"model": f"models/{model}"}}
        sock.sendall(masked_text_frame(json.dumps(setup)))
        if b"setupComplete" not in head:
            _read_until(sock, b"setupComplete")
        yield sock
    finally:
        sock.close()
