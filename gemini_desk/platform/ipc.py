"""The command socket: later ``gemini-desk --ptt ...`` calls reach the running app.

The wire format is one JSON object per line each way. A request is
``{"action": "ptt", "arg": "press"}``; the reply ``{"ok": true, "message": "..."}``.
The app registers one handler per action (:meth:`CommandServer.register`).

Only this user gets in, and only this user is believed: the socket lives in a folder
only this user can enter (:mod:`gemini_desk.platform.runtime_dir`), and on Linux each
end checks the other's user id (:mod:`gemini_desk.platform.peer_cred`) before it says
or believes anything. A request is bounded in size, nesting and time: one that is too
big or too deep gets an error reply, a connection that sends no whole request within
the idle time is closed, and only so many connections are open at once. Its name is
derived from the config folder, so each ``GEMINI_DESK_HOME`` has its own socket. Which
process serves it is decided by the instance lock (:mod:`.instance_lock`).
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

from gemini_desk.platform.peer_cred import is_same_user
from gemini_desk.platform.runtime_dir import private_runtime_dir

__all__ = [
    "MAX_AGE_S",
    "CommandResult",
    "CommandServer",
    "Request",
    "parse_request",
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
MAX_REQUEST = 4096  # bytes of one request line; real ones are under 200
MAX_DEPTH = 8  # nesting of JSON arrays and objects (a request is one flat object)
IDLE_TIMEOUT_MS = 5000  # a connection must send its whole request within this
MAX_CONNECTIONS = 16  # open at once; more are closed at once
MAX_AGE_S = 60.0  # a launch older than this is no later than this for the pre-roll


def socket_name(config_dir: Path) -> str:
    """The socket for ``config_dir``: a path in this user's private runtime folder
    (where there is none, a bare name Qt places itself, as on Windows)."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name at all (rare containers): the folder still separates
        user = "user"
    digest = hashlib.sha256(f"{user}\0{config_dir.resolve()}".encode()).hexdigest()[:16]
    folder = private_runtime_dir(fallback=config_dir)
    if folder is None:
        return f"gemini-desk-{digest}"
    return str(folder / f"ipc-{digest}")


class CommandResult:
    """What the running app answered (``ok`` false when nobody is listening)."""

    def __init__(self, ok: bool, message: str, reached: bool) -> None:
        self.ok = ok
        self.message = message
        self.reached = reached  # an app instance of this user answered


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
    """Send one request to the running app and wait for its reply (blocking, no event loop).

    Nothing is sent to a socket of another user: that is not the app, whatever it says.
    """
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(CONNECT_TIMEOUT_MS):
        return CommandResult(False, "Gemini Desk is not running.", reached=False)
    if not is_same_user(int(sock.socketDescriptor())):
        sock.abort()
        log.warning("the command socket %s belongs to another user: ignored", name)
        return CommandResult(False, "Gemini Desk is not running.", reached=False)
    request = {"action": action, "arg": arg, "age": round(process_age_s(), 3)}
    sock.write((json.dumps(request) + "\n").encode())
    sock.flush()
    data = b""
    while b"\n" not in data and len(data) <= MAX_REQUEST:
        if not sock.waitForReadyRead(REPLY_TIMEOUT_MS):
            break
        data += bytes(sock.readAll().data())
    sock.disconnectFromServer()
    try:
        reply = json.loads(data.decode("utf-8").splitlines()[0])
        return CommandResult(bool(reply.get("ok")), str(reply.get("message", "")), reached=True)
    except (ValueError, IndexError, AttributeError, RecursionError):
        return CommandResult(False, "Gemini Desk did not answer.", reached=True)


def nesting_depth(text: str) -> int:
    """How deep JSON arrays and objects nest in ``text`` (strings skipped), without recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def parse_request(line: bytes) -> Request:
    """One request line; ValueError (with a short reason) for anything else."""
    if len(line) > MAX_REQUEST:
        raise ValueError("too large")
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("not UTF-8") from None
    if nesting_depth(text) > MAX_DEPTH:
        raise ValueError("nested too deeply")
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError):
        raise ValueError("not JSON") from None
    if not isinstance(raw, dict):
        raise ValueError("not an object")
    action, arg, age = raw.get("action"), raw.get("arg", ""), raw.get("age", 0.0)
    if not isinstance(action, str) or not isinstance(arg, str):
        raise ValueError("action and arg must be text")
    if not isinstance(age, int | float) or isinstance(age, bool) or not math.isfinite(age):
        age = 0.0
    return Request(action, arg, min(max(0.0, float(age)), MAX_AGE_S))


class _Connection(QObject):
    """One client: reads one bounded request line, answers it, closes; or times out."""

    def __init__(
        self,
        sock: QLocalSocket,
        dispatch: Callable[[bytes], dict[str, object]],
        idle_ms: int,
        done: Callable[[_Connection], None],
    ) -> None:
        super().__init__(sock)
        self._sock = sock
        self._dispatch = dispatch
        self._done = done
        self._buf = bytearray()
        self._answered = False
        sock.setReadBufferSize(MAX_REQUEST + 1)  # Qt reads no more than this ahead
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_idle)
        self._timer.start(idle_ms)
        sock.readyRead.connect(self._on_ready)
        sock.disconnected.connect(self._on_disconnected)
        if sock.bytesAvailable():  # the request came with the connection
            self._on_ready()

    def _on_ready(self) -> None:
        if self._answered:
            self._sock.readAll()  # anything after the request is dropped
            return
        self._buf.extend(bytes(self._sock.read(MAX_REQUEST + 1 - len(self._buf)).data()))
        if b"\n" in self._buf:
            self._answer(self._dispatch(bytes(self._buf).split(b"\n", 1)[0]))
        elif len(self._buf) > MAX_REQUEST:
            self._answer({"ok": False, "message": "bad request: too large"})

    def _answer(self, reply: dict[str, object]) -> None:
        self._answered = True
        self._timer.stop()
        self._sock.write((json.dumps(reply) + "\n").encode())
        self._sock.flush()
        self._sock.disconnectFromServer()

    def abort(self) -> None:
        self._sock.abort()

    def _on_idle(self) -> None:
        log.info("closed an idle command connection")
        self._sock.abort()

    def _on_disconnected(self) -> None:
        self._timer.stop()
        self._done(self)
        self._sock.deleteLater()


class CommandServer(QObject):
    """Listens on the local socket and calls the handler registered for each action.

    Handlers run on the GUI/loop thread and return a short message for the caller.
    ``listen()`` returns False when another instance already serves the name.
    """

    def __init__(
        self, name: str, parent: QObject | None = None, idle_timeout_ms: int = IDLE_TIMEOUT_MS
    ) -> None:
        super().__init__(parent)
        self.name = name
        self._idle_ms = idle_timeout_ms
        self._handlers: dict[str, Handler] = {}
        self._open: set[_Connection] = set()
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.setMaxPendingConnections(MAX_CONNECTIONS)
        self._server.newConnection.connect(self._on_new_connection)

    @property
    def path(self) -> str:
        """Where the socket is (empty while not listening)."""
        return str(self._server.fullServerName())

    @property
    def open_connections(self) -> int:
        return len(self._open)

    def register(self, action: str, handler: Handler) -> None:
        self._handlers[action] = handler

    def listen(self) -> bool:
        """Serve the name; False only when another instance of this user answers on it.

        A stale socket left by a crashed instance is replaced; if the name is in use, an
        instance that started meanwhile is asked once more before the old socket goes.
        If the socket cannot be made at all, the app still runs (without ``--ptt``) and
        the log says why.
        """
        if send_command(self.name, "ping").reached:
            return False
        QLocalServer.removeServer(self.name)
        if not self._server.listen(self.name):
            in_use = self._server.serverError() == QAbstractSocket.SocketError.AddressInUseError
            if in_use and send_command(self.name, "ping").reached:
                return False
            QLocalServer.removeServer(self.name)
            if not self._server.listen(self.name):
                log.warning("command socket unavailable: %s", self._server.errorString())
                return True
        log.info("listening for commands on %s", self._server.fullServerName())
        return True

    def close(self) -> None:
        self._server.close()
        for connection in list(self._open):
            connection.abort()

    def _on_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            if not is_same_user(int(sock.socketDescriptor())):
                log.warning("refused a command connection from another user")
                sock.abort()
                sock.deleteLater()
                continue
            if len(self._open) >= MAX_CONNECTIONS:
                log.info("too many command connections: one refused")
                sock.abort()
                sock.deleteLater()
                continue
            self._open.add(_Connection(sock, self._dispatch, self._idle_ms, self._open.discard))

    def _dispatch(self, line: bytes) -> dict[str, object]:
        try:
            request = parse_request(line)
        except ValueError as exc:
            return {"ok": False, "message": f"bad request: {exc}"}
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
