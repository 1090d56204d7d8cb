"""A GlobalShortcuts portal double: a real D-Bus service on a private session bus.

Debian 12's xdg-desktop-portal (1.16) predates the GlobalShortcuts portal, so the tests
run this instead. It follows the documented interface (version 2; the signatures are
those of ``org.freedesktop.portal.GlobalShortcuts.xml``, ``…Request.xml`` and
``…Session.xml`` in xdg-desktop-portal):

* owns ``org.freedesktop.portal.Desktop``; object ``/org/freedesktop/portal/desktop``
  answers ``GlobalShortcuts.CreateSession(a{sv}) -> o``, ``BindShortcuts(o a(sa{sv}) s
  a{sv}) -> o``, ``ListShortcuts(o a{sv}) -> o``, ``ConfigureShortcuts(o s a{sv})`` and
  ``Properties.Get("org.freedesktop.portal.GlobalShortcuts", "version") -> v(u)``; a call
  with any other signature gets ``org.freedesktop.DBus.Error.InvalidArgs``;
* each call's Request object is ``/org/freedesktop/portal/desktop/request/SENDER/TOKEN``
  and emits ``Response(u, a{sv})``; by default the Response goes out *before* the method
  reply, so a client that subscribes only after the call misses it (the race the portal
  documentation tells clients to avoid);
* sessions (``…/session/SENDER/TOKEN``) answer ``Session.Close()`` and emit
  ``Session.Closed(a{sv})`` when told to; a session binds once (a second BindShortcuts is
  an error, as documented);
* ``Activated`` / ``Deactivated(o s t a{sv})`` and ``ShortcutsChanged(o a(sa{sv}))`` are
  emitted when the test says so.

Modes: ``"ok"``; ``"refuse"`` (BindShortcuts answers Response 1, the user cancelled the
desktop's dialog); ``"refuse_session"`` (CreateSession answers 2); ``"old"`` (owns the
bus name but has no GlobalShortcuts interface, as Debian 12's portal); ``"missing"``
(nobody owns the name).

Why dbus-fast: it is maintained (5.x, 2026), pure asyncio, and its low-level message
handler sees each call's sender and exact signature, which the double needs to build
Request paths and to refuse wrong signatures. It runs on its own thread and loop, so it
answers while the test's loop (qasync's or plain asyncio) waits; the tests drive it
through thread-safe methods.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from dbus_fast import Message, MessageFlag, MessageType, Variant
from dbus_fast.aio import MessageBus

__all__ = ["Call", "PortalDouble"]

NAME = "org.freedesktop.portal.Desktop"
PATH = "/org/freedesktop/portal/desktop"
IFACE = "org.freedesktop.portal.GlobalShortcuts"
REQUEST = "org.freedesktop.portal.Request"
SESSION = "org.freedesktop.portal.Session"
PROPERTIES = "org.freedesktop.DBus.Properties"
SIGNATURES = {
    "CreateSession": "a{sv}",
    "BindShortcuts": "oa(sa{sv})sa{sv}",
    "ListShortcuts": "oa{sv}",
    "ConfigureShortcuts": "osa{sv}",
}


@dataclass
class Call:
    """One method call the double received (values unwrapped)."""

    member: str
    sender: str
    signature: str
    body: list[Any]
    at: float = field(default_factory=time.monotonic)


def _plain(value: Any) -> Any:
    if isinstance(value, Variant):
        return _plain(value.value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _human(trigger: str) -> str:
    """A shortcuts-spec trigger as desktops describe it: ``CTRL+ALT+m`` -> ``Ctrl+Alt+M``."""
    names = {"CTRL": "Ctrl", "ALT": "Alt", "SHIFT": "Shift", "LOGO": "Super", "space": "Space"}
    parts = [p for p in trigger.split("+") if p]
    return "+".join(names.get(p, p.upper() if len(p) == 1 else p) for p in parts)


def _element(sender: str) -> str:
    return sender.lstrip(":").replace(".", "_")


class PortalDouble:
    """The portal on its own thread. ``start()``, drive it, ``stop()``."""

    def __init__(
        self, address: str, mode: str = "ok", version: int = 2, response_first: bool = True
    ) -> None:
        self.address = address
        self.mode = mode
        self.version = version
        self.response_first = response_first
        # What the "desktop" binds each id to (trigger_description); default: the
        # preferred trigger, described as desktops do ("Ctrl+Alt+M").
        self.chosen: dict[str, str] = {}
        self.calls: list[Call] = []
        self.sessions: dict[str, str] = {}  # session path -> owner (unique name)
        self.bound: dict[str, list[tuple[str, dict[str, str]]]] = {}  # per session
        self.closed: list[str] = []  # sessions closed by their client
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._bus: Any = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._stop: asyncio.Event | None = None

    # --- life ------------------------------------------------------------------------
    def start(self) -> PortalDouble:
        self._thread = threading.Thread(target=self._main, name="portal-double", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the portal double did not start within 10 s")
        if self._error is not None:
            raise RuntimeError("the portal double failed to start") from self._error
        return self

    def stop(self) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        if self._thread is not None:
            self._thread.join(10)
            assert not self._thread.is_alive(), "the portal double did not stop"

    def _main(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        try:
            self._bus = await MessageBus(bus_address=self.address).connect()
            self._bus.add_message_handler(self._on_message)
            if self.mode != "missing":
                await self._bus.request_name(NAME)
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        await self._stop.wait()
        self._bus.disconnect()

    # --- what tests call (any thread) ------------------------------------------------
    def session_of(self, shortcut_id: str = "push-to-talk") -> str:
        """The newest session that bound ``shortcut_id``."""
        with self._lock:
            for session in reversed(list(self.bound)):
                if any(i == shortcut_id for i, _ in self.bound[session]):
                    return session
        raise LookupError(f"no session bound {shortcut_id!r}")

    def activate(self, shortcut_id: str, timestamp: int, session: str | None = None) -> None:
        self._emit_key("Activated", shortcut_id, timestamp, session)

    def deactivate(self, shortcut_id: str, timestamp: int, session: str | None = None) -> None:
        self._emit_key("Deactivated", shortcut_id, timestamp, session)

    def close_session(self, session: str) -> None:
        """The desktop ends a session (``Session.Closed``)."""
        self._in_loop(lambda: self._signal(session, SESSION, "Closed", "a{sv}", [{}]))

    def change_trigger(self, shortcut_id: str, description: str) -> None:
        """The user changes the key in the desktop's settings (``ShortcutsChanged``)."""
        session = self.session_of(shortcut_id)

        def emit() -> None:
            with self._lock:
                self.chosen[shortcut_id] = description
                shortcuts = self._described(session)
            self._signal(PATH, IFACE, "ShortcutsChanged", "oa(sa{sv})", [session, shortcuts])

        self._in_loop(emit)

    def calls_of(self, member: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.member == member]

    def _emit_key(self, member: str, shortcut_id: str, ts: int, session: str | None) -> None:
        target = session or self.session_of(shortcut_id)
        self._in_loop(
            lambda: self._signal(PATH, IFACE, member, "osta{sv}", [target, shortcut_id, ts, {}])
        )

    def _in_loop(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` on the double's loop and wait until it has run (the signal is out)."""
        assert self._loop is not None
        done = threading.Event()

        def run() -> None:
            try:
                fn()
            finally:
                done.set()

        self._loop.call_soon_threadsafe(run)
        assert done.wait(5), "the portal double's loop did not run"

    # --- the service -----------------------------------------------------------------
    def _on_message(self, msg: Message) -> Message | bool | None:
        if msg.message_type is not MessageType.METHOD_CALL:
            return None
        if self.mode == "missing" or msg.destination not in (NAME, self._bus.unique_name):
            return None
        with self._lock:
            self.calls.append(Call(msg.member, msg.sender, msg.signature, _plain(msg.body)))
        if msg.interface == PROPERTIES and msg.member == "Get":
            return self._get_property(msg)
        if msg.interface == SESSION and msg.member == "Close":
            return self._close(msg)
        if msg.interface == REQUEST and msg.member == "Close":
            return Message.new_method_return(msg)
        if msg.interface == IFACE and msg.path == PATH and self.mode != "old":
            expected = SIGNATURES.get(msg.member)
            if expected is None:
                return Message.new_error(
                    msg, "org.freedesktop.DBus.Error.UnknownMethod", msg.member
                )
            if msg.signature != expected:
                return Message.new_error(
                    msg,
                    "org.freedesktop.DBus.Error.InvalidArgs",
                    f"{msg.member} takes ({expected}), not ({msg.signature})",
                )
            return getattr(self, "_" + msg.member)(msg)
        return Message.new_error(
            msg, "org.freedesktop.DBus.Error.UnknownMethod", f"{msg.interface}.{msg.member}"
        )

    def _get_property(self, msg: Message) -> Message:
        if msg.signature == "ss" and msg.body == [IFACE, "version"] and self.mode != "old":
            return Message.new_method_return(msg, "v", [Variant("u", self.version)])
        return Message.new_error(
            msg, "org.freedesktop.DBus.Error.InvalidArgs", f"No such property {msg.body}"
        )

    def _request(
        self, msg: Message, token_key: str, code: int, results: dict[str, Variant]
    ) -> Message | bool:
        """Reply with the Request path and emit its Response (first, by default)."""
        options = msg.body[-1]
        token = options.get(token_key)
        if not isinstance(token, Variant) or token.signature != "s":
            return Message.new_error(msg, "org.freedesktop.DBus.Error.InvalidArgs", token_key)
        request = f"{PATH}/request/{_element(msg.sender)}/{token.value}"
        reply = Message.new_method_return(msg, "o", [request])
        if self.response_first:
            self._signal(request, REQUEST, "Response", "ua{sv}", [code, results])
            self._bus.send(reply)
        else:
            self._bus.send(reply)
            self._signal(request, REQUEST, "Response", "ua{sv}", [code, results])
        return True

    def _CreateSession(self, msg: Message) -> Message | bool:
        token = msg.body[0].get("session_handle_token")
        if not isinstance(token, Variant) or token.signature != "s":
            return Message.new_error(
                msg, "org.freedesktop.DBus.Error.InvalidArgs", "session_handle_token"
            )
        if self.mode == "refuse_session":
            return self._request(msg, "handle_token", 2, {})
        session = f"{PATH}/session/{_element(msg.sender)}/{token.value}"
        with self._lock:
            self.sessions[session] = msg.sender
        # session_handle is an object path sent as "s" (documented, kept for compatibility).
        return self._request(msg, "handle_token", 0, {"session_handle": Variant("s", session)})

    def _owned(self, msg: Message) -> str | None:
        session = str(msg.body[0])
        with self._lock:
            return session if self.sessions.get(session) == msg.sender else None

    def _BindShortcuts(self, msg: Message) -> Message | bool:
        session = self._owned(msg)
        if session is None:
            return Message.new_error(msg, "org.freedesktop.portal.Error.NotFound", "no session")
        with self._lock:
            if session in self.bound:
                return Message.new_error(
                    msg, "org.freedesktop.portal.Error.Failed", "a session binds only once"
                )
        if self.mode == "refuse":
            return self._request(msg, "handle_token", 1, {})
        wanted = [(str(i), _plain(info)) for i, info in msg.body[1]]
        with self._lock:
            self.bound[session] = wanted
            shortcuts = self._described(session)
        return self._request(msg, "handle_token", 0, {"shortcuts": Variant("a(sa{sv})", shortcuts)})

    def _ListShortcuts(self, msg: Message) -> Message | bool:
        session = self._owned(msg)
        if session is None:
            return Message.new_error(msg, "org.freedesktop.portal.Error.NotFound", "no session")
        with self._lock:
            shortcuts = self._described(session)
        return self._request(msg, "handle_token", 0, {"shortcuts": Variant("a(sa{sv})", shortcuts)})

    def _ConfigureShortcuts(self, msg: Message) -> Message:
        if self.version < 2:
            return Message.new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "v2")
        return Message.new_method_return(msg)

    def _described(self, session: str) -> list[list[Any]]:
        """The bound shortcuts as results carry them: description and trigger_description."""
        out: list[list[Any]] = []
        for shortcut_id, info in self.bound.get(session, []):
            trigger = self.chosen.get(shortcut_id) or _human(info.get("preferred_trigger", ""))
            out.append(
                [
                    shortcut_id,
                    {
                        "description": Variant("s", info.get("description", "")),
                        "trigger_description": Variant("s", trigger),
                    },
                ]
            )
        return out

    def _close(self, msg: Message) -> Message | bool:
        with self._lock:
            owner = self.sessions.get(msg.path)
            if owner == msg.sender:
                del self.sessions[msg.path]
                self.bound.pop(msg.path, None)
                self.closed.append(msg.path)
        if msg.flags & MessageFlag.NO_REPLY_EXPECTED:
            return True
        return Message.new_method_return(msg)

    def _signal(self, path: str, interface: str, member: str, sig: str, body: list[Any]) -> None:
        self._bus.send(Message.new_signal(path, interface, member, sig, body))
