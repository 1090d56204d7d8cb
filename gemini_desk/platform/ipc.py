"""Single-instance local socket: later ``gemini-desk --ptt ...`` calls reach the running app.

The wire format is one JSON object per line each way. A request is
``{"action": "ptt", "arg": "press"}``; the reply ``{"ok": true, "message": "..."}``.
The app registers one handler per action (:meth:`CommandServer.register`), so other
commands (``--connect``, ``--show`` ...) can be forwarded the same way later. The
socket is a QLocalSocket: a Unix socket readable by this user only, or a named pipe on
Windows. Its name is derived from the config folder, so each ``GEMINI_DESK_HOME`` (and
each user) has its own instance.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

__all__ = [
    "CommandResult",
    "CommandServer",
    "Request",
    "send_command",
    "socket_name",
]

log = logging.getLogger("gemini_desk.ipc")


@dataclass(frozen=True, slots=True)
class Request:
    """One command. ``age_s``: how long ago the sending process started, i.e. how late
    this arrives after the user pressed the shortcut that launched it (0 if unknown)."""

    action: str
    arg: str = ""
    age_s: float = 0.0


Handler = Callable[[Request], str]
CONNECT_TIMEOUT_MS = 1000
REPLY_TIMEOUT_MS = 3000
MAX_REQUEST = 4096


def socket_name(config_dir: Path) -> str:
    """A short, per-user, per-config-folder name (Unix socket paths must stay short)."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name at all (rare containers): the folder still separates
        user = "user"
    digest = hashlib.sha256(f"{user}\0{config_dir.resolve()}".encode()).hexdigest()[:16]
    return f"gemini-desk-{digest}"


class CommandResult:
    """What the running app answered (``ok`` false when nobody is listening)."""

    def __init__(self, ok: bool, message: str, reached: bool) -> None:
        self.ok = ok
        self.message = message
        self.reached = reached  # an app instance answered


def process_age_s() -> float:
    """Seconds since this process started (Linux; 0.0 where unknown)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: start, in ticks
        return max(0.0, time.clock_gettime(time.CLOCK_BOOTTIME) - started)
    except (OSError, ValueError, IndexError, AttributeError):
        return 0.0


def send_command(name: str, action: str, arg: str = "") -> CommandResult:
    """Send one request to the running app and wait for its reply (blocking, no event loop)."""
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(CONNECT_TIMEOUT_MS):
        return CommandResult(False, "Gemini Desk is not running.", reached=False)
    request = {"action": action, "arg": arg, "age": round(process_age_s(), 3)}
    sock.write((json.dumps(request) + "\n").encode())
    sock.flush()
    data = b""
    while b"\n" not in data and sock.waitForReadyRead(REPLY_TIMEOUT_MS):
        data += bytes(sock.readAll().data())
    sock.disconnectFromServer()
    try:
        reply = json.loads(data.decode("utf-8").splitlines()[0])
        return CommandResult(bool(reply.get("ok")), str(reply.get("message", "")), reached=True)
    except (ValueError, IndexError, AttributeError):
        return CommandResult(False, "Gemini Desk did not answer.", reached=True)


class CommandServer(QObject):
    """Listens on the local socket and calls the handler registered for each action.

    Handlers run on the GUI/loop thread and return a short message for the caller.
    ``listen()`` returns False when another instance already serves the name.
    """

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._handlers: dict[str, Handler] = {}
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_new_connection)

    def register(self, action: str, handler: Handler) -> None:
        self._handlers[action] = handler

    def listen(self) -> bool:
        """Serve the name; False only when another instance already answers on it.

        A stale socket left by a crashed instance is replaced. If the socket cannot be
        made at all, the app still runs (without ``--ptt``) and the log says why.
        """
        if send_command(self.name, "ping").reached:
            return False
        QLocalServer.removeServer(self.name)
        if not self._server.listen(self.name):
            log.warning("command socket unavailable: %s", self._server.errorString())
            return True
        log.info("listening for commands on %s", self._server.fullServerName())
        return True

    def close(self) -> None:
        self._server.close()

    def _on_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            buf = bytearray()

            def on_ready(sock: QLocalSocket = sock, buf: bytearray = buf) -> None:
                buf.extend(bytes(sock.readAll().data()))
                if b"\n" in buf or len(buf) > MAX_REQUEST:
                    sock.readyRead.disconnect()
                    reply = self._dispatch(bytes(buf).split(b"\n", 1)[0])
                    sock.write((json.dumps(reply) + "\n").encode())
                    sock.flush()
                    sock.disconnectFromServer()

            sock.readyRead.connect(on_ready)
            sock.disconnected.connect(sock.deleteLater)
            if sock.bytesAvailable():  # the request came with the connection
                on_ready()

    def _dispatch(self, line: bytes) -> dict[str, object]:
        try:
            raw = json.loads(line.decode("utf-8"))
            age = float(raw.get("age", 0.0))
            request = Request(str(raw["action"]), str(raw.get("arg", "")), max(0.0, age))
        except (ValueError, KeyError, TypeError, AttributeError):
            return {"ok": False, "message": "bad request"}
        if request.action == "ping":
            return {"ok": True, "message": "pong"}
        handler = self._handlers.get(request.action)
        if handler is None:
            return {"ok": False, "message": f"unknown command {request.action!r}"}
        try:
            return {"ok": True, "message": handler(request)}
        except ValueError as exc:
            return {"ok": False, "message": str(exc)}
        except Exception as exc:  # a failing handler must not take the app down
            log.exception("command %s failed", request.action)
            return {"ok": False, "message": f"failed: {exc}"}
