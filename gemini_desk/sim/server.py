"""SimServer: the local TLS websocket stand-in for the Gemini Live API."""

from __future__ import annotations

import asyncio
import email.utils
import hmac
import itertools
import json
import logging
import re
import secrets
import shutil
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import numpy as np
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from . import protocol as p
from .catalogue import check_setup, find_model
from .config import SimConfig
from .connection import ConnectionContext, SimConnection
from .faults import INTERNAL_ERROR_REASON, Fault, check_pacing
from .model import LocalModel, ScriptedReply
from .records import SimSession, SimToolCall
from .rest import KeyState, RestReply, handle_rest
from .tls import TlsFiles, generate_tls
from .tools import read_declarations
from .ws_connections import EARLY_LEAVERS, TrackedConnection, unfinished

log = logging.getLogger("gemini_desk.sim")

PATH_RE = re.compile(
    r"/ws/google\.ai\.generativelanguage\.(?P<version>v\w+)\.GenerativeService\.BidiGenerateContent"
)
BAD_KEY_REASON = "API key not valid. Please pass a valid API key."
# The handle is part of the setup payload, like the fields refused as an invalid
# argument (1007), so an unknown or expired handle is refused the same way.
BAD_HANDLE_REASON = "Session resumption handle is invalid or has expired."
LOCAL_HOSTS = ("127.0.0.1", "localhost")


def json_response(reply: RestReply) -> Response:
    """An HTTP/1.1 response with a JSON body; the sim closes the connection after it,
    so it says ``Connection: close`` and the client does not try to reuse it."""
    body = json.dumps(reply.body, indent=2).encode("utf-8") + b"\n"
    headers = Headers(
        [
            ("Date", email.utils.formatdate(usegmt=True)),
            ("Content-Type", "application/json; charset=UTF-8"),
            ("Content-Length", str(len(body))),
            ("Connection", "close"),
        ]
    )
    return Response(reply.status.value, reply.status.phrase, headers, body)


class SimServer:
    """Serve the Live API protocol on 127.0.0.1 over TLS with a generated certificate."""

    def __init__(
        self,
        config: SimConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        cert_dir: Path | str | None = None,
    ) -> None:
        if host not in LOCAL_HOSTS:
            raise ValueError(f"the sim only listens on 127.0.0.1, not {host!r}")
        self.config = config or SimConfig()
        check_pacing(self.config.pacing)
        self.requested_port = port
        self.cert_dir = Path(cert_dir) if cert_dir is not None else None
        self._limits = self.config.record_limits()
        self.sessions: list[SimSession] = []
        self.rest_requests: list[str] = []  # path and query of each REST GET answered
        self.model = LocalModel()
        self.tls: TlsFiles | None = None
        self._pacing = self.config.pacing
        self._server: Server | None = None
        self._port: int | None = None
        self._ids = itertools.count(1)
        self._handles: dict[str, int] = {}
        self._live: dict[int, SimConnection] = {}
        self._scripts: list[list[Fault]] = []
        self._queued_calls: list[tuple[str, dict[str, Any] | None]] = []

    # ---- lifecycle ---------------------------------------------------------------

    async def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("SimServer already started")
        self.tls = generate_tls(self.cert_dir)
        ws_log = logging.getLogger("gemini_desk.sim.websockets")
        if EARLY_LEAVERS not in ws_log.filters:
            ws_log.addFilter(EARLY_LEAVERS)
        self._server = await serve(
            self._handle,
            "127.0.0.1",
            self.requested_port,
            ssl=self.tls.server_context(),
            process_request=self._process_request,
            max_size=self.config.max_message_bytes,
            ping_interval=None,
            logger=ws_log,
            create_connection=TrackedConnection,
        )
        self._port = self._server.sockets[0].getsockname()[1]
        log.info("sim listening on %s (CA %s)", self.base_url, self.ca_file)

    async def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.close()
        # Clients get stop_grace_s to finish the close handshake; then they are cut off,
        # with those still opening theirs.
        try:
            await asyncio.wait_for(asyncio.shield(server.wait_closed()), self.config.stop_grace_s)
        except TimeoutError:
            stuck = unfinished(server)
            log.info("sim: cutting off %d client(s) that did not close in time", len(stuck))
            for conn in stuck:
                transport = getattr(conn, "transport", None)  # set once TLS is through
                if transport is not None:
                    transport.abort()
            await server.wait_closed()
        if self.cert_dir is None and self.tls is not None:
            shutil.rmtree(self.tls.directory, ignore_errors=True)
        log.info("sim stopped")

    async def __aenter__(self) -> SimServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("SimServer not started")
        return self._port

    @property
    def base_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def ca_file(self) -> Path:
        if self.tls is None:
            raise RuntimeError("SimServer not started")
        return self.tls.ca_file

    @property
    def connections(self) -> list[SimConnection]:
        """Connections past setup that are still open."""
        return list(self._live.values())

    # ---- test controls -----------------------------------------------------------

    def queue_reply(
        self,
        text: str,
        audio: np.ndarray | None = None,
        input_text: str | None = None,
        *,
        turn_complete_reason: str | None = None,
        thoughts: Sequence[str] | None = None,
        grounding: Mapping[str, Any] | None = None,
        waiting_for_input: bool = False,
    ) -> None:
        """Answer the next user turn (any connection) with this instead of the echo.

        ``turn_complete_reason`` (e.g. ``"PROHIBITED_INPUT_CONTENT"``) blocks the answer:
        only ``audio`` (none if not given) goes out, then turnComplete with that reason.
        ``thoughts`` are sent first as thought parts; ``grounding`` (a groundingMetadata
        dict) rides on the answer; ``waiting_for_input`` sends waitingForInput instead.
        """
        self.model.scripted.append(
            ScriptedReply(
                text=text,
                audio=audio,
                input_text=input_text,
                turn_complete_reason=turn_complete_reason,
                thoughts=None if thoughts is None else tuple(thoughts),
                grounding=None if grounding is None else dict(grounding),
                waiting_for_input=waiting_for_input,
            )
        )

    def script_next_connection(self, *faults: Fault) -> None:
        """Faults for the next connection that completes setup."""
        self._scripts.append(list(faults))

    def set_pacing(self, mode: str) -> None:
        """``normal`` (config.pace times real time), ``burst`` or ``slow``, for all connections."""
        self._pacing = check_pacing(mode)
        for conn in self.connections:
            conn.pacing = None

    @property
    def pacing(self) -> str:
        return self._pacing

    async def drop(self) -> int:
        """Abort every live connection (no close frame). Returns how many."""
        conns = self.connections
        for conn in conns:
            conn.drop()
        return len(conns)

    async def fail(self, code: int = 1011, reason: str = INTERNAL_ERROR_REASON) -> int:
        """Start closing every live connection with ``code`` (default 1011 internal error).

        Returns at once: the close handshake needs the client, which may be waiting on us.
        """
        conns = self.connections
        for conn in conns:
            conn.close_soon(code, reason)
        return len(conns)

    async def go_away(self, time_left_s: float = 5.0, close_after: bool = True) -> int:
        """Send ``goAway``; close each connection once the time left has passed."""
        conns = self.connections
        await asyncio.gather(*(c.go_away(time_left_s, close_after) for c in conns))
        return len(conns)

    def forget_handles(self) -> int:
        """Expire every resumption handle issued so far (as the service does after ~2 h)."""
        count = len(self._handles)
        self._handles.clear()
        return count

    async def send_tool_call(
        self, name: str, args: dict[str, Any] | None = None, call_id: str | None = None
    ) -> str:
        """Send a ``toolCall`` with one function call to every live connection now
        (recorded with origin ``test``); its response is answered like any other."""
        call_id = call_id or f"call-{secrets.token_hex(4)}"
        await asyncio.gather(
            *(c.send_tool_call(name, dict(args or {}), call_id) for c in self.connections)
        )
        return call_id

    async def cancel_tool_calls(self, ids: Sequence[str]) -> None:
        """Send ``toolCallCancellation`` for ``ids`` to every live connection now."""
        await asyncio.gather(*(c.cancel_tool_calls(list(ids)) for c in self.connections))

    def queue_tool_call(self, name: str, args: dict[str, Any] | None = None) -> None:
        """Have the next spoken turn (any connection) call ``name``, with ``args`` or
        else example arguments from its declaration. Calls queued before one spoken
        turn all go out in its one ``toolCall``."""
        self._queued_calls.append((name, None if args is None else dict(args)))

    def _take_queued_calls(self) -> list[tuple[str, dict[str, Any] | None]]:
        taken, self._queued_calls = self._queued_calls, []
        return taken

    def tool_calls(self) -> list[SimToolCall]:
        """Every call issued, on every connection, in order."""
        return sorted((c for s in self.sessions for c in s.tool_calls), key=lambda c: c.issued_at)

    def late_tool_responses(self) -> list[dict[str, Any]]:
        """Responses that came for cancelled or unknown calls (never answered)."""
        return [r for s in self.sessions for r in s.late_tool_responses]

    # ---- websocket handling ------------------------------------------------------

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        config = self.config
        rest = handle_rest(
            request.path, self._key_state(request), config.api_versions, config.models
        )
        if rest is not None:
            self.rest_requests.append(request.path)
            if self._limits is not None:
                del self.rest_requests[: max(0, len(self.rest_requests) - self._limits.entries)]
            log.info("sim: GET %s -> %d", urlsplit(request.path).path, rest.status)
            return json_response(rest)
        match = PATH_RE.fullmatch(urlsplit(request.path).path)
        if match is None or match["version"] not in config.api_versions:
            log.info("sim: 404 for %s", urlsplit(request.path).path)
            return connection.respond(HTTPStatus.NOT_FOUND, "Not Found\n")
        return None

    def _key_state(self, request: Request) -> KeyState:
        key = request.headers.get("x-goog-api-key")
        if key is None:
            keys = parse_qs(urlsplit(request.path).query).get("key")
            key = keys[0] if keys else None
        if key is None:
            return "missing"
        ok = hmac.compare_digest(key.encode("utf-8"), self.config.api_key.encode("utf-8"))
        return "ok" if ok else "bad"

    def _issue_handle(self, record: SimSession) -> str:
        handle = f"sim-{record.id}-{secrets.token_urlsafe(12)}"
        self._handles[handle] = record.id
        return handle

    async def _refuse(
        self, ws: ServerConnection, record: SimSession, code: int, reason: str
    ) -> None:
        reason = p.truncate_reason(reason)
        record.close_code, record.close_reason = code, reason
        log.info("sim session %d refused: %d %s", record.id, code, reason)
        await ws.close(code, reason)

    async def _handle(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        record = SimSession(id=next(self._ids), path=ws.request.path, limits=self._limits)
        self.sessions.append(record)
        try:
            await self._run_session(ws, record)
        except ConnectionClosed:
            pass
        finally:
            self._live.pop(record.id, None)
            if record.close_code is None and ws.close_code is not None:
                record.close_code = ws.close_code
            record.end()
            self._forget_ended()

    def _forget_ended(self) -> None:
        """Bounded records: keep the summaries of the newest ended sessions only."""
        if self._limits is None:
            return
        ended = [s for s in self.sessions if s.closed]
        drop = {id(s) for s in ended[: max(0, len(ended) - self._limits.entries)]}
        if drop:
            self.sessions = [s for s in self.sessions if id(s) not in drop]

    async def _run_session(self, ws: ServerConnection, record: SimSession) -> None:
        assert ws.request is not None
        # Like the service, read the setup before refusing a bad key: the SDK sends its
        # setup right after the handshake and expects the close code when it reads.
        try:
            first = await asyncio.wait_for(ws.recv(), self.config.setup_timeout_s)
        except TimeoutError:
            first = None
        if self._key_state(ws.request) != "ok":
            await self._refuse(ws, record, 1008, BAD_KEY_REASON)
            return
        record.api_key_ok = True
        if first is None:
            await self._refuse(ws, record, 1007, "Setup message not received in time.")
            return
        try:
            obj = p.decode_frame(first)
            setup = p.parse_client_message(obj)
        except p.ProtocolError as exc:
            await self._refuse(ws, record, 1007, str(exc))
            return
        if not isinstance(setup, p.Setup):
            await self._refuse(ws, record, 1007, "The first message must be a setup message.")
            return
        record.setup = setup.raw
        record.model = setup.model
        declarations = read_declarations(setup.raw)
        record.declarations = [dict(d) for d in declarations.functions]
        record.google_search = declarations.google_search
        path = PATH_RE.fullmatch(urlsplit(ws.request.path).path)
        version = path["version"] if path else "v1beta"
        refusal = check_setup(setup.model, version, setup.raw, self.config.models)
        if refusal is not None:
            await self._refuse(ws, record, *refusal)
            return
        spec = find_model(setup.model, version)
        assert spec is not None
        if setup.resume_handle is not None:
            if setup.resume_handle not in self._handles:
                await self._refuse(ws, record, 1007, BAD_HANDLE_REASON)
                return
            record.resumed_from = setup.resume_handle
        ctx = ConnectionContext(
            config=self.config,
            model=self.model,
            issue_handle=self._issue_handle,
            pacing=lambda: self._pacing,
            queued_calls=self._take_queued_calls,
        )
        script = self._scripts.pop(0) if self._scripts else []
        conn = SimConnection(ws, ctx, record, script)
        self._live[record.id] = conn
        log.info("sim session %d: setup for %s", record.id, setup.model)
        await conn.serve(setup, spec)
