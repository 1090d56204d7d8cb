"""A ScreenCast portal double: a real D-Bus service that casts a real PipeWire node.

xdg-desktop-portal-wlr 0.7 starts no cast on a machine without a GPU (see
tests/e2e/test_wayland_e2e.py), so the tests of what follows the picker run this
instead. It follows the documented interface (``org.freedesktop.portal.ScreenCast``
version 4, ``…Request`` and ``…Session`` in xdg-desktop-portal's data/*.xml):

* owns ``org.freedesktop.portal.Desktop``; ``/org/freedesktop/portal/desktop`` answers
  ``CreateSession(a{sv}) -> o``, ``SelectSources(o a{sv}) -> o``, ``Start(o s a{sv}) ->
  o`` and ``OpenPipeWireRemote(o a{sv}) -> h``, and ``Properties.Get`` of ``version``,
  ``AvailableSourceTypes`` and ``AvailableCursorModes``; any other signature gets
  ``org.freedesktop.DBus.Error.InvalidArgs``;
* each request's object is ``/org/freedesktop/portal/desktop/request/SENDER/TOKEN`` and
  emits ``Response(u, a{sv})`` after the reply (a client subscribes before calling);
  ``Start``'s results carry ``streams`` (``a(ua{sv})``: node id, ``position``,
  ``size``, ``source_type``) and, when ``persist_mode`` was asked, a ``restore_token``
  (a UUID, single use); a known token skips the "picker" (:attr:`pickers` counts the
  times it was shown);
* a session belongs to its creator; ``Session.Close()`` ends it (recorded in
  :attr:`closed`), :meth:`end_session` ends it from the desktop's side (``Closed``);
* ``OpenPipeWireRemote`` hands over a new connection to the PipeWire socket.

Modes: ``"ok"``; ``"refuse"`` (Start answers 1: the user cancelled the picker);
``"fail"`` (Start answers 2). It runs on its own thread and loop; ``python -m
tests.support.screencast_double BUS NODE SOCKET W H`` runs it as a program (it prints
"ready", and each closed session as "closed PATH").
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from dbus_fast import Message, MessageFlag, MessageType, Variant
from dbus_fast.aio import MessageBus

from tests.support.portal_double import Call, _element, _plain

__all__ = ["CastStream", "ScreenCastDouble"]

NAME = "org.freedesktop.portal.Desktop"
PATH = "/org/freedesktop/portal/desktop"
IFACE = "org.freedesktop.portal.ScreenCast"
REQUEST = "org.freedesktop.portal.Request"
SESSION = "org.freedesktop.portal.Session"
PROPERTIES = "org.freedesktop.DBus.Properties"
SIGNATURES = {
    "CreateSession": "a{sv}",
    "SelectSources": "oa{sv}",
    "Start": "osa{sv}",
    "OpenPipeWireRemote": "oa{sv}",
}
INVALID = "org.freedesktop.DBus.Error.InvalidArgs"


@dataclass
class CastStream:
    """What the "desktop" casts: a PipeWire node and where it is."""

    node_id: int
    position: tuple[int, int]
    size: tuple[int, int]
    source_type: int = 1  # a monitor


@dataclass
class _Session:
    owner: str
    options: dict[str, Any] = field(default_factory=dict)
    started: bool = False


class ScreenCastDouble:
    """The portal on its own thread: ``start()``, let the app use it, ``stop()``."""

    def __init__(
        self, address: str, stream: CastStream, pipewire_socket: str, mode: str = "ok"
    ) -> None:
        self.address = address
        self.stream = stream
        self.pipewire_socket = pipewire_socket
        self.mode = mode
        self.calls: list[Call] = []
        self.sessions: dict[str, _Session] = {}
        self.closed: list[str] = []  # sessions their client closed
        self.pickers = 0  # Start calls that showed the "picker" (no usable token)
        self.on_closed: Any = None  # called with each session a client closed
        self._tokens: set[str] = set()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._bus: Any = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._stop: asyncio.Event | None = None

    # --- life ------------------------------------------------------------------------
    def start(self) -> ScreenCastDouble:
        self._thread = threading.Thread(target=self._main, name="screencast-double", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the ScreenCast double did not start within 10 s")
        if self._error is not None:
            raise RuntimeError("the ScreenCast double failed to start") from self._error
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)
            assert not self._thread.is_alive(), "the ScreenCast double did not stop"

    def _main(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            bus = MessageBus(bus_address=self.address, negotiate_unix_fd=True)
            self._bus = await bus.connect()
            self._bus.add_message_handler(self._on_message)
            await self._bus.request_name(NAME)
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        await self._stop.wait()
        self._bus.disconnect()

    # --- what tests call (any thread) ------------------------------------------------
    def calls_of(self, member: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.member == member]

    def open_sessions(self) -> list[str]:
        with self._lock:
            return list(self.sessions)

    def end_session(self, session: str) -> None:
        """The desktop ends the cast (its own "stop sharing"): ``Session.Closed``."""
        assert self._loop is not None

        def emit() -> None:
            with self._lock:
                self.sessions.pop(session, None)
            self._signal(session, SESSION, "Closed", "a{sv}", [{}])

        self._loop.call_soon_threadsafe(emit)

    # --- the service -----------------------------------------------------------------
    def _on_message(self, msg: Message) -> Message | bool | None:
        if msg.message_type is not MessageType.METHOD_CALL:
            return None
        if msg.destination not in (NAME, self._bus.unique_name):
            return None
        with self._lock:
            self.calls.append(Call(msg.member, msg.sender, msg.signature, _plain(msg.body)))
        if msg.interface == PROPERTIES and msg.member == "Get":
            return self._get_property(msg)
        if msg.interface == SESSION and msg.member == "Close":
            return self._close(msg)
        if msg.interface == REQUEST and msg.member == "Close":
            return Message.new_method_return(msg)
        if msg.interface == IFACE and msg.path == PATH:
            expected = SIGNATURES.get(msg.member)
            if expected is None:
                return Message.new_error(
                    msg, "org.freedesktop.DBus.Error.UnknownMethod", msg.member
                )
            if msg.signature != expected:
                return Message.new_error(
                    msg, INVALID, f"{msg.member} takes ({expected}), not ({msg.signature})"
                )
            return getattr(self, "_" + msg.member)(msg)
        return Message.new_error(
            msg, "org.freedesktop.DBus.Error.UnknownMethod", f"{msg.interface}.{msg.member}"
        )

    def _get_property(self, msg: Message) -> Message:
        values = {"version": 4, "AvailableSourceTypes": 3, "AvailableCursorModes": 3}
        if msg.signature == "ss" and msg.body[0] == IFACE and msg.body[1] in values:
            return Message.new_method_return(msg, "v", [Variant("u", values[msg.body[1]])])
        return Message.new_error(msg, INVALID, f"No such property {msg.body}")

    def _request(self, msg: Message, code: int, results: dict[str, Variant]) -> Message | bool:
        """Reply with the Request path, then emit its Response."""
        token = msg.body[-1].get("handle_token")
        if not isinstance(token, Variant) or token.signature != "s":
            return Message.new_error(msg, INVALID, "handle_token")
        request = f"{PATH}/request/{_element(msg.sender)}/{token.value}"
        self._bus.send(Message.new_method_return(msg, "o", [request]))
        self._signal(request, REQUEST, "Response", "ua{sv}", [code, results])
        return True

    def _owned(self, msg: Message) -> _Session | None:
        with self._lock:
            session = self.sessions.get(str(msg.body[0]))
        return session if session is not None and session.owner == msg.sender else None

    def _CreateSession(self, msg: Message) -> Message | bool:
        token = msg.body[0].get("session_handle_token")
        if not isinstance(token, Variant) or token.signature != "s":
            return Message.new_error(msg, INVALID, "session_handle_token")
        path = f"{PATH}/session/{_element(msg.sender)}/{token.value}"
        with self._lock:
            self.sessions[path] = _Session(msg.sender)
        return self._request(msg, 0, {"session_handle": Variant("s", path)})

    def _SelectSources(self, msg: Message) -> Message | bool:
        session = self._owned(msg)
        if session is None:
            return Message.new_error(msg, "org.freedesktop.portal.Error.NotFound", "session")
        options = _plain(msg.body[1])
        types = options.get("types", 1)
        if not isinstance(types, int) or types & ~3 or not types:
            return Message.new_error(msg, INVALID, f"types {types!r}")
        token = options.get("restore_token")
        if token is not None:
            try:
                uuid.UUID(str(token))
            except ValueError:  # as xdg-desktop-portal 1.16 does
                return Message.new_error(msg, INVALID, "Restore token is not a valid UUID")
        session.options = options
        return self._request(msg, 0, {})

    def _Start(self, msg: Message) -> Message | bool:
        session = self._owned(msg)
        if session is None or session.started:
            return Message.new_error(msg, "org.freedesktop.portal.Error.Failed", "session")
        token = session.options.get("restore_token")
        with self._lock:
            restored = token in self._tokens
            self._tokens.discard(token)
            if not restored:
                self.pickers += 1
        if self.mode in ("refuse", "fail") and not restored:
            return self._request(msg, 1 if self.mode == "refuse" else 2, {})
        session.started = True
        s = self.stream
        props = {
            "position": Variant("(ii)", list(s.position)),
            "size": Variant("(ii)", list(s.size)),
            "source_type": Variant("u", s.source_type),
        }
        results = {"streams": Variant("a(ua{sv})", [[s.node_id, props]])}
        persist = session.options.get("persist_mode", 0)
        if persist:
            new = str(uuid.uuid4())
            with self._lock:
                self._tokens.add(new)
            results["persist_mode"] = Variant("u", persist)
            results["restore_token"] = Variant("s", new)
        return self._request(msg, 0, results)

    def _OpenPipeWireRemote(self, msg: Message) -> Message | bool:
        session = self._owned(msg)
        if session is None or not session.started:
            return Message.new_error(msg, "org.freedesktop.portal.Error.NotAllowed", "no cast")
        remote = socket.socket(socket.AF_UNIX)
        remote.connect(self.pipewire_socket)
        fd = remote.detach()
        reply = Message.new_method_return(msg, "h", [0], unix_fds=[fd])
        sent = self._bus.send(reply)
        sent.add_done_callback(lambda _f: os.close(fd))  # the client has its own copy
        return True

    def _close(self, msg: Message) -> Message | bool:
        with self._lock:
            session = self.sessions.get(msg.path)
            mine = session is not None and session.owner == msg.sender
            if mine:
                del self.sessions[msg.path]
                self.closed.append(msg.path)
        if mine and self.on_closed is not None:
            self.on_closed(msg.path)
        if msg.flags & MessageFlag.NO_REPLY_EXPECTED:
            return True
        return Message.new_method_return(msg)

    def _signal(self, path: str, interface: str, member: str, sig: str, body: list[Any]) -> None:
        self._bus.send(Message.new_signal(path, interface, member, sig, body))


def main(argv: list[str]) -> None:
    """Run as a program: BUS NODE SOCKET W H; stops at end of input."""
    address, node, pipewire_socket, w, h = argv
    double = ScreenCastDouble(
        address, CastStream(int(node), (0, 0), (int(w), int(h))), pipewire_socket
    )
    double.on_closed = lambda path: print(f"closed {path}", flush=True)
    double.start()
    print("ready", flush=True)
    sys.stdin.read()
    double.stop()


if __name__ == "__main__":
    main(sys.argv[1:])
